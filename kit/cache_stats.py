"""The token caches' counters as a table: the display side of :meth:`kit.auth.tokencache.TokenCache.stats`.

The caches themselves keep no table (the auth room has no pandas); this builds one row per cache,
labelled by the name it was given, so two sessions' caches can be compared side by side.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from kit.arguments import ArgumentError
from kit.auth.bearer import CachedBearerAuth
from kit.auth.tokencache import TokenCache
from kit.session import Session

if TYPE_CHECKING:  # loaded where used, so that importing this module stays light
    import pandas as pd


__all__ = ["cache_stats"]

COLUMNS = ["cache", "hits", "misses", "fetches", "waits", "errors", "last renew reason"]


def _cache_of(what: object, label: str) -> TokenCache:
    if isinstance(what, TokenCache):
        return what
    if isinstance(what, Session) and isinstance(what.auth, CachedBearerAuth):
        return what.auth.cache
    raise ArgumentError(f"cache_stats: {label} is neither a token cache nor a session whose auth keeps tokens")


def cache_stats(*caches: TokenCache | Session[Any], **labelled: TokenCache | Session[Any]) -> pd.DataFrame:
    """One row per token cache (or session whose auth caches tokens): hits, misses, fetches, waits, errors
    and the last renew reason. Rows are labelled by keyword (``cache_stats(a=s1, b=s2)``), else by the
    cache kind."""
    from kit.tables import Table

    rows = []
    index = []
    for label, what in [*((None, c) for c in caches), *labelled.items()]:
        stats = asdict(_cache_of(what, label or "the argument").stats())
        stats["last renew reason"] = stats.pop("last_reason")
        rows.append(stats)
        index.append(label or stats["cache"])
    if not rows:
        raise ArgumentError("cache_stats: give at least one token cache or session")
    return Table(rows, columns=COLUMNS, index=index)
