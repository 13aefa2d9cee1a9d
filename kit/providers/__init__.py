"""The provider registry: one module per provider, each exposing a ``PROVIDER`` spec."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kit.credentials import Credentials
from kit.errors import ConfigError
from kit.session import Session

__all__ = ["PROVIDERS", "Provider", "overview", "provider"]

PROVIDERS = {
    "pliance": "kit.providers.pliance",
    "signicat": "kit.providers.signicat",
    "synerise": "kit.providers.synerise",
    "signzy": "kit.providers.signzy",
    "saltedge": "kit.providers.saltedge",
}
SessionFactory = Callable[..., Session]
BaseUrl = Callable[[str, Any], str]  # (checked live URL, the provider's credentials) -> base URL


@dataclass(frozen=True)
class Provider:
    """What the core needs to know of a provider; nothing else is special-cased."""

    name: str
    credentials: type[Credentials]
    session: SessionFactory  # (credentials, base_url, *, verify) -> Session
    scheme: str  # one line: how it authenticates
    live_url: str  # what <PROVIDER>_URL looks like for the real service
    #: turns a checked live base URL into the one the session factory expects, or raises ConfigError
    #: (Salt Edge recognises a URL that already ends in its ``api/<version>/`` prefix)
    base_url: BaseUrl | None = None


def overview() -> pd.DataFrame:
    """One row per registered provider: how it authenticates and which env var makes it live."""
    rows = [
        {
            "provider": spec.name,
            "scheme": spec.scheme,
            "live when set": f"{spec.name.upper()}_URL",
            "credentials fields": ", ".join(f.name for f in spec.credentials.fields()),
        }
        for spec in (provider(name) for name in sorted(PROVIDERS))
    ]
    return pd.DataFrame(rows).set_index("provider")


def provider(name: str) -> Provider:
    """The spec of provider ``name``; ConfigError for an unknown one."""
    key = name.lower()
    if key not in PROVIDERS:
        raise ConfigError(f"unknown provider {name!r}; known: {', '.join(sorted(PROVIDERS))}")
    spec: Provider = importlib.import_module(PROVIDERS[key]).PROVIDER
    return spec
