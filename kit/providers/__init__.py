"""The provider registry: the one line that names every provider; all other registries derive from it.

Each name is a module ``kit.providers.<name>`` defining ``PROVIDER``, a :class:`kit.spec.Provider`
that names its emulator and probes. Adding a provider: write its modules, add its name below.
"""

from __future__ import annotations

import difflib
import importlib
from typing import TYPE_CHECKING

from kit.arguments import checked
from kit.errors import ConfigError
from kit.spec import Provider

if TYPE_CHECKING:  # the registry is read on every path; its tables load pandas only when shown
    import pandas as pd

    from kit.provenance import Registry

__all__ = ["REGISTERED", "Provider", "facts", "names", "overview", "provider", "providers", "registry"]

#: the registration line
REGISTERED = ("pliance", "signicat", "synerise", "signzy", "saltedge")


def names() -> tuple[str, ...]:
    return REGISTERED


def provider(name: str) -> Provider:
    """The spec of provider ``name``; ConfigError for an unknown one."""
    key = name.lower()
    if key not in REGISTERED:
        close = difflib.get_close_matches(key, REGISTERED, n=1, cutoff=0.6)
        guess = f"did you mean {close[0]!r}? " if close else ""
        raise ConfigError(f"unknown provider {name!r}; {guess}known: {', '.join(sorted(REGISTERED))}")
    spec: Provider = importlib.import_module(f"{__name__}.{key}").PROVIDER
    return spec


def providers() -> list[Provider]:
    """Every registered spec, in registration order."""
    return [provider(name) for name in REGISTERED]


def overview() -> pd.DataFrame:
    """One row per registered provider: how it authenticates and which env var makes it live."""
    from kit.tables import Table

    rows = [
        {
            "provider": spec.name,
            "scheme": spec.scheme,
            "live when set": f"{spec.name.upper()}_URL",
            "credentials fields": ", ".join(f.name for f in spec.credentials.fields()),
        }
        for spec in sorted(providers(), key=lambda s: s.name)
    ]
    return Table(rows).set_index("provider")


def registry(name: str) -> Registry:
    """The fact registry of provider ``name`` (ConfigError for an unknown provider)."""
    return provider(name).registry()


@checked
def facts(name: str) -> pd.DataFrame:
    """Every fact provider ``name``'s client and sandbox rely on, with its source and citation.

    Facts marked ``inferred`` or ``kit's choice`` are what to check first against the real API.
    """
    return registry(name).table()
