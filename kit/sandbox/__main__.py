"""``python -m kit.sandbox serve NAME [NAME ...]``: serve sandboxes until SIGINT or SIGTERM.

Prints one JSON object per provider per line, ``{"provider", "url", "token or login", "endpoint
map", "credentials", "env"}`` plus ``"ca_bundle"`` with ``--tls`` and ``"client_cert"`` with
``--mtls``, then serves. ``env`` holds the env vars that point :func:`kit.connect` and ``python -m
kit token NAME`` at this sandbox (``<NAME>_URL``, one per credential, ``<NAME>_CA_BUNDLE`` with TLS).
``GET`` a sandbox's URL for its endpoint map (JSON, or a page in a browser).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

from kit.credentials import env_name
from kit.errors import KitError
from kit.sandbox.base import COMMON_SETTINGS
from kit.sandbox.runner import Sandbox, emulator_class, names

__all__ = ["main"]


def _settings_help() -> str:
    lines = ["settings (--set NAME.KEY=VALUE):"]
    for name in sorted(names()):
        for s in (*emulator_class(name).SETTINGS, *COMMON_SETTINGS):
            default = ",".join(s.default) if isinstance(s.default, list) else s.default
            lines.append(f"  {name}.{s.name}  ({s.type.__name__}, default {default!r}): {s.help}")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kit.sandbox", description="Serve kit's provider sandboxes.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve",
        help="serve one or more sandboxes",
        epilog=_settings_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument(
        "names",
        nargs="+",
        metavar="NAME",
        choices=[*sorted(names()), "all"],
        help=f"provider: {', '.join(sorted(names()))}, or all (every registered one, in registration order)",
    )
    serve.add_argument("--tls", action="store_true", help="serve HTTPS with a fresh local CA")
    serve.add_argument("--mtls", action="store_true", help="HTTPS that asks for a client certificate")
    serve.add_argument("--port", type=int, default=0, help="first port (the next NAME gets the next port); 0: any")
    serve.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NAME.KEY=VALUE",
        help="a sandbox setting, repeatable",
    )
    return parser


def _settings(names: list[str], sets: list[str]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {name: {} for name in names}
    for item in sets:
        target, eq, value = item.partition("=")
        name, dot, key = target.partition(".")
        if not eq or not dot or name not in result:
            raise KitError(f"--set takes NAME.KEY=VALUE for a served NAME, not {item!r}")
        result[name][key] = value
    return result


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    sandboxes: list[Sandbox] = []
    try:
        if "all" in args.names:
            args.names = list(names())
        settings = _settings(args.names, args.sets)
        for offset, name in enumerate(args.names):
            port = args.port + offset if args.port else 0
            box = Sandbox(emulator_class(name), tls=args.tls, mtls=args.mtls, port=port, settings=settings[name])
            sandboxes.append(box)
            line: dict[str, Any] = {
                "provider": name,
                "url": box.url,
                "token or login": [box.url_for(path) for path in box.describe()["token or login paths"]],
                "endpoint map": box.url,  # GET it: every route and what it needs
                "credentials": box.credentials,
                **box.cli_extras(),
            }
            line["env"] = {
                env_name(name, "url"): box.url,
                **{env_name(name, key): value for key, value in box.credentials.items()},
            }
            if box.ca_bundle:
                line["ca_bundle"] = box.ca_bundle
                line["env"][env_name(name, "ca_bundle")] = box.ca_bundle
            if box.client_cert:
                line["client_cert"] = box.client_cert
            print(json.dumps(line), flush=True)
    except KitError as exc:
        for box in sandboxes:
            box.stop()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    while not stop.wait(0.5):
        pass
    for box in sandboxes:
        box.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
