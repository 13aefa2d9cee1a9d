"""Leak canaries shared by the leak tests and the notebook runs: random values planted where a
user's secrets go, and the check that a text shows none of them and no JWT."""

from __future__ import annotations

import base64
import importlib
import re
import secrets

from kit.providers import providers
from kit.secrets import is_sensitive

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.")
LOGGERS = ("kit", "requests", "urllib3", "werkzeug")


def canary(label: str) -> str:
    return f"CANARY-{label}-{secrets.token_hex(16)}"


#: credentials a sandbox takes in one encoding only: an authenticator's secret is base32 (RFC 4648)
_BASE32 = {"user_totp_secret"}


def planted(demo: dict[str, str]) -> dict[str, str]:
    """A canary for each sensitive credential of a sandbox's ``demo``, in the form the sandbox takes."""
    return taken({key: canary(key) for key in demo if is_sensitive(key)})


def taken(values: dict[str, str]) -> dict[str, str]:
    """``values`` in the form a sandbox takes them (an authenticator's secret in base32)."""
    encoded = {key: base64.b32encode(values[key].encode()).decode().rstrip("=") for key in values.keys() & _BASE32}
    return {**values, **encoded}


def assert_clean(text: str, *planted: str) -> None:
    for value in planted:
        assert value not in text
    assert not JWT.search(text), JWT.search(text)


def demo_secrets() -> dict[str, list[str]]:
    """For each sandbox module, the names of its demo credentials that are secrets."""
    return {
        spec.emulator_module: [k for k in importlib.import_module(spec.emulator_module).DEMO if is_sensitive(k)]
        for spec in providers()
    }


def notebook_setup(planted: dict[tuple[str, str], str]) -> str:
    """Kernel code run before a notebook: DEBUG logs of kit, requests, urllib3 and werkzeug into the
    cell outputs, and each sandbox's secret demo credentials replaced by its canary."""
    handler = "_h = logging.StreamHandler(sys.stderr); _h.setLevel(logging.DEBUG)"
    fmt = "_h.setFormatter(logging.Formatter('%(levelname)s %(name)s %(message)s'))"
    loggers = [
        f"logging.getLogger({n!r}).setLevel(logging.DEBUG); logging.getLogger({n!r}).addHandler(_h)" for n in LOGGERS
    ]
    plant = [f"importlib.import_module({m!r}).DEMO[{k!r}] = {v!r}" for (m, k), v in planted.items()]
    return "\n".join(["import importlib, logging, sys", handler, fmt, *loggers, *plant])
