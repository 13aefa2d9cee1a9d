"""``kit`` (the console script; also ``python -m kit``): kit from a shell.

* ``kit replay FILE.har NAME``: replay a recorded investigation, print what changed.
  The target is the live provider when ``<NAME>_URL`` is set (credentials from its env vars), else a
  fresh sandbox. Exit status: 0 when every replayed step answered with the status and the outcome
  (the provider's success flag or error class) it had, 1 when one differs, 2 when the recording or the
  target cannot be used (the reason on stderr). Against a live API, a recording that writes (DELETE, PUT,
  PATCH, a POST other than a login) sends nothing without ``--live-writes``.
* ``kit sandbox serve NAME …``: serve sandboxes and print the ``export`` lines that point kit at them
  (:mod:`kit.sandbox.__main__`).
* ``kit token NAME``: print a fresh token for curl, the value ``kit.to_curl``'s
  ``${<NAME>_TOKEN}`` stands for, from the live provider or a running ``kit sandbox serve NAME``, named by
  ``<NAME>_URL`` and the credential env vars (the same ones :func:`kit.connect` reads). Exit status 2
  with the reason on stderr when ``<NAME>_URL`` is unset, a credential is missing, or the scheme has
  no token (the provider's ``WITHOUT_TOKEN`` text: how its headers are filled instead).
* ``kit openapi NAME``: print the provider's OpenAPI 3.1 document (``--swagger2``: Swagger 2.0, where the
  provider's docs name it), its server the live API at ``<NAME>_URL`` when set, ``--server URL`` (a running
  ``kit sandbox serve NAME``), or else the live API's URL with its variables. Exit status 2 with the reason.
* Every command that reads ``<NAME>_*`` env vars takes ``--env-file FILE``: a ``.env`` file read as well (an
  env var wins), shown as ``.env <NAME>_SECRET`` where a source is shown.
* ``kit recipe NAME [--lang python|js]``: print the provider's whole auth flow as plain code without kit
  (``kit recipe NAME > NAME_auth.py``); exit status 2 with the reason for an unknown provider.
* ``kit notebooks DIR``: copy the notebooks that ship inside the package into ``DIR`` (a notebook already there
  that differs is left as it is, named, exit 2). ``kit --version`` prints the version.
* ``kit conformance NAME``: send the provider's probes to the live provider (named by
  ``<NAME>_URL`` and its credential env vars) and to a fresh sandbox, print both answers side by side
  (:func:`kit.conformance`). Exit status: 0 when every probe sent to both got the same answer, 1 when
  one differs, 2 when the configuration cannot be used (the reason on stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from kit.credentials import env_name
from kit.environment import Environment
from kit.errors import ConfigError, KitError
from kit.providers import provider
from kit.shell import kit_command
from kit.spec import Provider
from kit.terminal import visible

if TYPE_CHECKING:  # loaded where used, so that importing this module stays light
    import pandas as pd


__all__ = ["main"]


def _say(command: str, error: KitError) -> None:
    """One line on stderr: ``kit COMMAND: message``, any control character in it made visible."""
    print(visible(f"kit {command}: {error}"), file=sys.stderr)


def _print_table(table: pd.DataFrame, width: int, column: int) -> None:
    """``table`` as text, each cell's outside text (a HAR's step, a URL, a provider's message) made visible."""
    import pandas as pd

    shown = table.map(lambda cell: visible(cell) if isinstance(cell, str) else cell)
    shown.index = [visible(str(label)) for label in shown.index]
    with pd.option_context("display.width", width, "display.max_colwidth", column):
        print(shown.to_string())


def _options(pairs: list[str]) -> dict[str, Any]:
    return dict(pair.split("=", 1) for pair in pairs if "=" in pair)


def _replay(args: argparse.Namespace) -> int:
    from kit.connect import connect
    from kit.har.lines import WIDTH, counted, replay_lines
    from kit.har.replay import replay

    try:
        with connect(args.name, env_file=args.env_file) as target:
            table = replay(args.har, target, allow_writes=args.live_writes, **_options(args.option))
    except KitError as exc:
        _say("replay", exc)
        return 2
    if args.wide:
        _print_table(table, 200, 80)
    else:
        print("\n".join(replay_lines(table, WIDTH)))
    replayed = table[table["status now"] != ""]
    differs = int((~replayed["same"].astype(bool)).sum())
    print(f"{counted(len(replayed), 'step')} replayed, {differs} with another status or outcome", file=sys.stderr)
    return 1 if differs else 0


def _live(name: str, env_file: str | None = None) -> Provider:
    """The provider's spec when ``<NAME>_URL`` is set; a ConfigError saying what to set otherwise."""
    spec = provider(name)
    var = env_name(spec.name, "url")
    if not Environment(env_file=env_file, prefix=spec.name.upper()).get(var, "").strip():
        needed = ", ".join(env_name(spec.name, f.name) for f in spec.credentials.fields())
        raise ConfigError(
            f"set {var} to the live API ({spec.live_url}) and the credential env vars ({needed}); for a "
            f"sandbox, `{kit_command()} sandbox serve {spec.name}` prints their export lines"
        )
    return spec


def _conformance(args: argparse.Namespace) -> int:
    from kit.conformance import conformance, differences
    from kit.connect import connect

    try:
        with connect(_live(args.name, args.env_file).name, env_file=args.env_file) as target:
            table = conformance(target)
    except KitError as exc:
        _say("conformance", exc)
        return 2
    _print_table(table, 250, 90)
    differs = differences(table)
    sent = int(table["same"].notna().sum())
    print(f"{sent} probes sent to both, {differs} answered otherwise by the target", file=sys.stderr)
    return 1 if differs else 0


def _token(args: argparse.Namespace) -> int:
    from kit.connect import connect

    try:
        spec = _live(args.name, args.env_file)
        session = connect(spec.name, env_file=args.env_file).session(**_options(args.option))
        value = session.token_value()  # not closed: a close may log the token out (a logout hook)
    except KitError as exc:
        _say("token", exc)
        return 2
    if value is None:
        print(f"kit token: {spec.without_token or spec.name + ' sends no token'}", file=sys.stderr)
        return 2
    print(value)
    return 0


def _openapi(args: argparse.Namespace) -> int:
    from kit.connect import live_url
    from kit.surface.openapi import openapi
    from kit.surface.swagger2 import swagger2

    try:
        spec = provider(args.name)
        surface = spec.surface()
        if args.swagger2 and not surface.swagger2:
            raise ConfigError(
                f"{spec.name}'s docs name no Swagger 2.0; its document is OpenAPI 3.1 (without --swagger2)"
            )
        var = env_name(spec.name, "url")
        raw = args.server or Environment(env_file=args.env_file, prefix=spec.name.upper()).get(var, "").strip()
        server = live_url(raw, "--server" if args.server else var, allow_http=True) if raw else None
        document = openapi(surface, server)
    except KitError as exc:
        _say("openapi", exc)
        return 2
    print(json.dumps(swagger2(document) if args.swagger2 else document, indent=2, ensure_ascii=False))
    return 0


#: the exit status of a command whose reader went away (``kit openapi NAME | head``): 128 + SIGPIPE, as a
#: shell reports any program that SIGPIPE ended
BROKEN_PIPE = 141


def _recipe(args: argparse.Namespace) -> int:
    from kit.recipes import recipe

    try:
        found = recipe(args.name, args.lang)
    except KitError as exc:
        _say("recipe", exc)
        return 2
    sys.stdout.write(found.text)
    return 0


def _notebooks(args: argparse.Namespace) -> int:
    from kit.notebook_copy import copy_notebooks

    try:
        written, same = copy_notebooks(args.folder)
    except KitError as exc:
        _say("notebooks", exc)
        return 2
    print(f"{len(written)} notebook(s) written to {args.folder}, {len(same)} already there; open them with jupyter lab")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; a reader that closed the pipe ends it quietly (:data:`BROKEN_PIPE`), as ``cat`` ends."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not in the interpreter's exit
        return code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # what is left unflushed goes nowhere, with no second error
        os.close(devnull)
        return BROKEN_PIPE


def _main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    if given[:1] == ["sandbox"]:  # its own parser: kit sandbox serve NAME … (settings in its --help)
        from kit.sandbox.__main__ import main as sandbox_main

        return sandbox_main(given[1:])
    from kit import __version__

    parser = argparse.ArgumentParser(prog="kit", description="kit from a shell.")
    parser.add_argument("--version", action="version", version=f"kit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    shipped = commands.add_parser("notebooks", help="copy kit's notebooks into DIR (never over a changed one)")
    shipped.add_argument("folder", metavar="DIR", help="where to put them (made if missing)")
    commands.add_parser("sandbox", help="serve sandboxes: kit sandbox serve NAME … (see kit sandbox serve --help)")
    command = commands.add_parser("replay", help="replay a HAR file against a provider and show what changed")
    command.add_argument("har", metavar="FILE.har", help="a HAR file written by kit.to_har or a browser")
    command.add_argument("name", metavar="NAME", help="the provider (live when <NAME>_URL is set)")
    command.add_argument(
        "--live-writes", action="store_true", help="send the recording's DELETE, PUT, PATCH and POST to a live API"
    )
    command.add_argument("--wide", action="store_true", help="the whole table on one line per step (200 columns)")
    token = commands.add_parser("token", help="print a fresh token for curl (${<NAME>_TOKEN} in kit.to_curl)")
    token.add_argument("name", metavar="NAME", help="the provider, reached at <NAME>_URL with its credential env vars")
    check = commands.add_parser("conformance", help="the provider's probes against the live provider and a sandbox")
    check.add_argument("name", metavar="NAME", help="the provider, reached at <NAME>_URL with its credential env vars")
    document = commands.add_parser("openapi", help="print the provider's OpenAPI 3.1 document (or Swagger 2.0)")
    document.add_argument(
        "name", metavar="NAME", help="the provider; its server: --server, <NAME>_URL, or the live API"
    )
    document.add_argument("--server", metavar="URL", help="the base URL to name as its server (a running sandbox)")
    document.add_argument("--swagger2", action="store_true", help="Swagger 2.0, where the provider's docs name it")
    shown = commands.add_parser("recipe", help="print a provider's whole auth flow as plain code, without kit")
    shown.add_argument("name", metavar="NAME", help="the provider (kit recipe NAME > NAME_auth.py)")
    shown.add_argument("--lang", choices=["python", "js"], default="python", help="Python (default) or JavaScript")
    for sub in (command, token):
        sub.add_argument(
            "--option", action="append", default=[], metavar="KEY=VALUE", help="a session option, e.g. consumer=client"
        )
    for sub in (command, token, check, document):
        sub.add_argument("--env-file", metavar="FILE", help="a .env file of <NAME>_* values (an env var wins)")
    args = parser.parse_args(given)
    run = {
        "replay": _replay,
        "token": _token,
        "conformance": _conformance,
        "openapi": _openapi,
        "notebooks": _notebooks,
        "recipe": _recipe,
    }[args.command]
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
