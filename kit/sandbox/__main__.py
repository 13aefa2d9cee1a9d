"""``kit sandbox serve NAME [NAME ...]`` (or ``python -m kit.sandbox serve …``): serve sandboxes until
SIGINT or SIGTERM.

Before it serves, it prints for each provider a comment naming its URL, then the ``export`` lines that
point :func:`kit.connect` and ``kit token NAME`` at this sandbox (``<NAME>_URL``, one per credential,
``<NAME>_CA_BUNDLE`` with TLS): paste them into another shell, or give ``--write-env F`` and ``source
F`` there (the file is readable by its owner only: it holds the sandbox's demo credentials).
``--json`` prints instead one JSON object per provider per line, for programs: ``{"provider", "url",
"token or login", "endpoint map", "credentials", "env"}`` plus ``"ca_bundle"`` with ``--tls`` and
``"client_cert"`` with ``--mtls``. ``GET`` a sandbox's URL for its endpoint map (JSON, or a page in a
browser).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shlex
import signal
import sys
from typing import Any

from kit.credentials import env_name
from kit.errors import ConfigError, KitError
from kit.sandbox import Sandbox, emulator_class, names
from kit.sandbox.base import COMMON_SETTINGS
from kit.shell import comment, export_lines, kit_command, write_env
from kit.terminal import visible

__all__ = ["main"]


def _settings_help() -> str:
    lines = ["settings (--set NAME.KEY=VALUE):"]
    for name in sorted(names()):
        for s in (*emulator_class(name).SETTINGS, *COMMON_SETTINGS):
            default = ",".join(s.default) if isinstance(s.default, list) else s.default
            lines.append(f"  {name}.{s.name}  ({s.type.__name__}, default {default!r}): {s.help}")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kit sandbox", description="Serve kit's provider sandboxes.")
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
        help=f"provider: {', '.join(sorted(names()))}, or all (every registered one, in registration order)",
    )
    serve.add_argument("--tls", action="store_true", help="serve HTTPS with a fresh local CA")
    serve.add_argument("--mtls", action="store_true", help="HTTPS that asks for a client certificate")
    serve.add_argument("--json", action="store_true", help="one JSON object per sandbox per line, for programs")
    serve.add_argument(
        "--write-env", metavar="FILE", help="also write the export lines to FILE (mode 600), for `source FILE`"
    )
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


def _checked_names(given: list[str]) -> list[str]:
    """The providers to serve (``all``: every registered one); a ConfigError suggests the closest name."""
    known = list(names())
    if "all" in given:
        return known
    for name in given:
        if name not in known:
            close = difflib.get_close_matches(name, [*known, "all"], n=1, cutoff=0.6)
            guess = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(f"no sandbox named {name!r}; {guess}known: {', '.join(sorted(known))}, or all")
    return given


def _env(name: str, box: Sandbox) -> dict[str, str]:
    env = {env_name(name, "url"): box.url, **{env_name(name, key): value for key, value in box.credentials.items()}}
    if box.ca_bundle:
        env[env_name(name, "ca_bundle")] = box.ca_bundle
    return env


def _exports(name: str, box: Sandbox) -> list[str]:
    head = f"# {name} sandbox at {box.url} (GET it for every route and what it needs); its demo credentials:"
    return [head, *export_lines(_env(name, box))]


class _Signals:
    """SIGINT and SIGTERM through a self-pipe (``signal.set_wakeup_fd``): the C handler writes a byte that
    :meth:`wait` reads. The Python handler does nothing, so it never takes a lock the code it interrupts may
    hold (an ``Event.set`` from a handler that interrupted that Event's ``wait`` deadlocks: a server that
    ignores Ctrl-C). Made before the sandboxes start, so a signal during start-up stops them too."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        self._old_fd = signal.set_wakeup_fd(self._write)
        self._old = {sig: signal.signal(sig, _noted) for sig in self.SIGNALS}

    def wait(self) -> None:
        """Until SIGINT or SIGTERM arrives (or has arrived since this object was made)."""
        os.read(self._read, 1)

    def close(self) -> None:
        signal.set_wakeup_fd(self._old_fd)
        for sig, handler in self._old.items():
            signal.signal(sig, handler)
        os.close(self._read)
        os.close(self._write)


def _noted(signum: int, frame: Any) -> None:
    """The Python side of a signal: nothing (the byte on the wakeup pipe is the message)."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signals = _Signals()
    try:
        return _serve(args, signals)
    finally:
        signals.close()


def _serve(args: argparse.Namespace, signals: _Signals) -> int:
    sandboxes: list[Sandbox] = []
    try:
        args.names = _checked_names(args.names)
        settings = _settings(args.names, args.sets)
        for offset, name in enumerate(args.names):
            port = args.port + offset if args.port else 0
            box = Sandbox(
                emulator_class(name),
                tls=args.tls,
                mtls=args.mtls,
                port=port,
                settings=settings[name],
                url_host="localhost",  # what people type (HTTPie's :PORT, a browser); it listens on 127.0.0.1
            )
            sandboxes.append(box)
            line: dict[str, Any] = {
                "provider": name,
                "url": box.url,
                "token or login": [box.url_for(path) for path in box.describe()["token or login paths"]],
                "endpoint map": box.url,  # GET it: every route and what it needs
                "credentials": box.credentials,
                **box.cli_extras(),
            }
            line["env"] = _env(name, box)
            if box.ca_bundle:
                line["ca_bundle"] = box.ca_bundle
            if box.client_cert:
                line["client_cert"] = box.client_cert
            if args.json:
                print(json.dumps(line), flush=True)
        exports = [text for offset, box in enumerate(sandboxes) for text in _exports(args.names[offset], box)]
        if args.write_env:
            write_env(args.write_env, exports)
        if not args.json:
            where = f"source {shlex.quote(args.write_env)}" if args.write_env else "paste the export lines above"
            print("\n".join(exports), flush=True)
            # a comment a person may paste: the file's name quoted, any control character in it made visible
            print(comment(f"serving until Ctrl-C; in another shell: {where}, then e.g. {kit_command()} token NAME"),
                  flush=True)  # fmt: skip
    except OSError as exc:
        for box in sandboxes:
            box.stop()
        print(visible(f"error: --write-env {args.write_env}: {exc.strerror}"), file=sys.stderr)
        return 2
    except KitError as exc:
        for box in sandboxes:
            box.stop()
        print(visible(f"error: {exc}"), file=sys.stderr)
        return 2
    signals.wait()
    for box in sandboxes:
        box.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
