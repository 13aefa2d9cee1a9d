"""The provider registry: the one line that names every provider; all other registries derive from it.

A provider is one package (``kit/providers/<name>/``) whose ``__init__`` defines ``PROVIDER``, a
:class:`kit.spec.Provider`; its sandbox, probes, facts and surface are the package's modules of those
names. Registering one is one line: its name in ``REGISTERED`` below (a package in ``kit.providers``),
or, for a package that lives elsewhere, an entry point in the group ``kit.providers`` naming it
(``acme = "acme_kit"`` under ``[project.entry-points."kit.providers"]``).
"""

from __future__ import annotations

import difflib
import functools
import importlib
from typing import TYPE_CHECKING

from kit.arguments import checked
from kit.errors import ConfigError
from kit.spec import Provider

if TYPE_CHECKING:  # the registry is read on every path; its tables load pandas only when shown
    import pandas as pd

    from kit.provenance import Registry

__all__ = ["GROUP", "REGISTERED", "Provider", "facts", "names", "overview", "provider", "providers", "registry"]

#: the registration line (the packages in kit.providers)
REGISTERED = ("pliance", "signicat", "synerise", "signzy", "saltedge")
#: the entry point group through which a package elsewhere registers a provider
GROUP = "kit.providers"


@functools.cache
def _plugged() -> dict[str, str]:
    """The providers registered by entry points: name -> package (read once per process)."""
    from importlib.metadata import entry_points

    return {ep.name.lower(): ep.value for ep in entry_points(group=GROUP) if ep.name.lower() not in REGISTERED}


def names() -> tuple[str, ...]:
    """Every registered name: kit's own, then those plugged in by entry points."""
    return (*REGISTERED, *sorted(_plugged()))


def provider(name: str) -> Provider:
    """The spec of provider ``name``; ConfigError for an unknown one."""
    key = name.lower()
    package = f"{__name__}.{key}" if key in REGISTERED else _plugged().get(key)
    if package is None:
        known = names()
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        guess = f"did you mean {close[0]!r}? " if close else ""
        raise ConfigError(f"unknown provider {name!r}; {guess}known: {', '.join(sorted(known))}")
    spec: Provider = importlib.import_module(package).PROVIDER
    if spec.name != key or spec.package != package:
        raise ConfigError(f"{package} registers {spec.name!r} from {spec.package!r}, not {key!r} from itself")
    return spec


def providers() -> list[Provider]:
    """Every registered spec, in registration order."""
    return [provider(name) for name in names()]


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
