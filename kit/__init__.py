"""kit: explore, step by step, how API providers authenticate their clients.

Start with :func:`connect`, which picks a local sandbox or the live provider; everything a
session sends is in :func:`journal`, exportable with :func:`to_har` and :func:`to_curl`.
"""

import sys as _sys
from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from kit.error_box import install as _install_error_box
from kit.errors import ApiError, AuthError, ConfigError, KitError, SandboxError, TransportError
from kit.logs import install as _install_log_redaction

#: every public name that is not an error, and the module it lives in: loaded when first asked for (PEP 562),
#: so ``import kit`` costs little and pandas, ipywidgets and werkzeug load only where they are used
_LAZY = {
    "cache_stats": "kit.cache_stats",
    "claims": "kit.claims",
    "claims_diff": "kit.claims",
    "conformance": "kit.conformance",
    "connect": "kit.connect",
    "known_differences": "kit.conformance",
    "sequence": "kit.sequence",
    "CachedToken": "kit.auth.tokens",
    "Credentials": "kit.credentials",
    "CredentialsForm": "kit.forms",
    "MemoryTokenCache": "kit.auth.tokencache",
    "RedisServer": "kit.redis_server",
    "RedisTokenCache": "kit.auth.redis_cache",
    "Secret": "kit.secrets",
    "Session": "kit.session",
    "Table": "kit.tables",
    "Target": "kit.target",
    "WebhookReceiver": "kit.webhooks",
    "credentials_form": "kit.forms",
    "facts": "kit.providers",
    "failure_modes": "kit.probes",
    "fingerprint": "kit.secrets",
    "journal": "kit.record.journal",
    "read_har": "kit.har.export",
    "recipe": "kit.recipes",
    "redact": "kit.secrets",
    "refused": "kit.refusals",
    "replay": "kit.har.replay",
    "replay_change": "kit.har.replay",
    "sent": "kit.record.journal",
    "side_by_side": "kit.sidebyside",
    "sources": "kit.sidebyside",
    "timeline": "kit.compare",
    "to_curl": "kit.har.export",
    "to_har": "kit.har.export",
}

if _TYPE_CHECKING:  # what a type checker and an editor see: the same names, imported
    from kit.auth.redis_cache import RedisTokenCache
    from kit.auth.tokencache import MemoryTokenCache
    from kit.auth.tokens import CachedToken
    from kit.cache_stats import cache_stats
    from kit.claims import claims, claims_diff
    from kit.compare import timeline
    from kit.conformance import conformance, known_differences
    from kit.connect import connect
    from kit.credentials import Credentials
    from kit.forms import CredentialsForm, credentials_form
    from kit.har.export import read_har, to_curl, to_har
    from kit.har.replay import replay, replay_change
    from kit.probes import failure_modes
    from kit.providers import facts
    from kit.recipes import recipe
    from kit.record.journal import journal, sent
    from kit.redis_server import RedisServer
    from kit.refusals import refused
    from kit.secrets import Secret, fingerprint, redact
    from kit.sequence import sequence
    from kit.session import Session
    from kit.sidebyside import side_by_side, sources
    from kit.tables import Table
    from kit.target import Target
    from kit.webhooks import WebhookReceiver


def __getattr__(name: str) -> _Any:
    """A public name, imported from its module the first time it is asked for, then kept here."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


class _Kit(_ModuleType):
    """kit's module: a submodule named as the function it holds (``kit/connect.py`` holds ``connect()``) is
    not bound on the package when it is imported, so ``kit.connect`` stays the function (the submodule is in
    ``sys.modules``, where ``from kit.connect import …`` finds it)."""

    def __setattr__(self, name: str, value: _Any) -> None:
        if name in _LAZY and isinstance(value, _ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Kit


__version__ = "0.1.0"
_install_log_redaction()
_install_error_box()  # in IPython: a KitError shows as a short box, not a traceback through kit

__all__ = [
    "ApiError",
    "AuthError",
    "CachedToken",
    "ConfigError",
    "Credentials",
    "CredentialsForm",
    "KitError",
    "MemoryTokenCache",
    "RedisServer",
    "RedisTokenCache",
    "SandboxError",
    "Secret",
    "Session",
    "Table",
    "Target",
    "TransportError",
    "WebhookReceiver",
    "cache_stats",
    "claims",
    "claims_diff",
    "conformance",
    "connect",
    "credentials_form",
    "facts",
    "failure_modes",
    "fingerprint",
    "journal",
    "known_differences",
    "read_har",
    "recipe",
    "redact",
    "refused",
    "replay",
    "replay_change",
    "sent",
    "sequence",
    "side_by_side",
    "sources",
    "timeline",
    "to_curl",
    "to_har",
]
