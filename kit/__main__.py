"""``python -m kit replay FILE.har NAME``: replay a recorded investigation, print what changed.

The target is the live provider when ``<NAME>_URL`` is set (credentials from its env vars), else a
fresh sandbox. Exit status: 0 when every replayed step answered with the status it had, 1 when one
differs, 2 when the recording or the target cannot be used (the reason on stderr).
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from kit.connect import connect
from kit.errors import KitError
from kit.replay import replay

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kit", description="kit from a shell.")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("replay", help="replay a HAR file against a provider and show what changed")
    command.add_argument("har", metavar="FILE.har", help="a HAR file written by kit.to_har or a browser")
    command.add_argument("name", metavar="NAME", help="the provider (live when <NAME>_URL is set)")
    command.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE", help="a session option, e.g. consumer=client"
    )
    args = parser.parse_args(argv)
    options = dict(pair.split("=", 1) for pair in args.option if "=" in pair)
    try:
        with connect(args.name) as target:
            table = replay(args.har, target, **options)
    except KitError as exc:
        print(f"kit replay: {exc}", file=sys.stderr)
        return 2
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(table.to_string())
    replayed = table[table["status now"] != ""]
    differs = int((~replayed["same"].astype(bool)).sum())
    print(f"{len(replayed)} steps replayed, {differs} with another status", file=sys.stderr)
    return 1 if differs else 0


if __name__ == "__main__":
    sys.exit(main())
