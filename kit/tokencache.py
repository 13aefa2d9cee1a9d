"""A general token cache with early renewal and single-flight fetching; the in-memory one lives here.

A caller asks :meth:`TokenCache.acquire` for a key and gets either the cached
:class:`CachedToken` (absent, expiring within ``margin`` seconds, or invalidated tokens are not
handed out) or a :class:`Lease`: the duty to fetch one, with the reason (absent, expiring,
forced, 401). **Single-flight**: while one caller holds the lease, the others wait for its
result. A lease is filled with the token (which is checked: finite, unexpired, within
:data:`MAX_LIFETIME`) or failed with the error, which every waiter then gets; the next call
fetches again. Because the lease is an object rather than a callback, an auth *flow* can hold it
across the exchanges it yields (see :mod:`kit.flow`); :meth:`TokenCache.get` wraps the same for
plain callers.

* :class:`MemoryTokenCache` (threads of one process): one lock guards the map; one in-flight
  record per key lets followers wait on an Event.
* :class:`kit.redis_cache.RedisTokenCache`: processes on any number of machines.

Token answers are checked where they are parsed: :func:`checked_lifetime` accepts a finite number
of seconds within 1 s .. 366 days and raises :class:`~kit.errors.ApiError` naming the field
otherwise, so a ``NaN``, ``Infinity``, ``-5`` or ``1e30`` never reaches a cache.
"""

from __future__ import annotations

import dataclasses
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import pandas as pd

from kit.errors import ApiError, ConfigError, KitError
from kit.secrets import Secret

__all__ = ["MAX_LIFETIME", "MIN_LIFETIME", "CachedToken", "Lease", "MemoryTokenCache", "TokenCache", "checked_lifetime"]

Fetch = Callable[[str], "CachedToken"]  # called with the renew reason
MIN_LIFETIME = 1.0
MAX_LIFETIME = 366 * 86400.0  # Signzy's LoopBack clamps a requested ttl to one year; nothing kit knows lives longer


def checked_lifetime(value: Any, field_name: str, *, provider: str | None = None, url: str | None = None) -> float:
    """``value`` as seconds, if it is a finite number within 1 s .. 366 days (a numeric string counts).

    :raises ApiError: naming ``field_name`` otherwise; the token that came with it must not be used.
    """
    number: float | None = None
    if not isinstance(value, bool):
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = None
    if number is None or not math.isfinite(number) or not MIN_LIFETIME <= number <= MAX_LIFETIME:
        shown = "missing" if value is None else repr(value)[:40]
        raise ApiError(
            None,
            "invalid_lifetime",
            f"the token answer's {field_name} is {shown}: kit takes a finite number of seconds within "
            f"{MIN_LIFETIME:.0f} s..{MAX_LIFETIME / 86400:.0f} days, so the token is not used",
            provider=provider,
            url=url,
        )
    return number


@dataclass(frozen=True)
class CachedToken:
    """An access token and when it expires (UNIX seconds)."""

    access_token: Secret
    expires_at: float
    token_type: str = "Bearer"
    scope: str = ""  # what the token endpoint said it is for (OAuth2 ``scope``), or "" when it says nothing
    lifetime: float = 0.0  # the lifetime the answer gave (expires_in, ttl, exp - iat)

    def expires_in(self, now: float | None = None) -> float:
        return self.expires_at - (time.time() if now is None else now)

    def to_json(self) -> str:
        return json.dumps({**dataclasses.asdict(self), "access_token": self.access_token.reveal()})

    @classmethod
    def from_json(cls, text: str | bytes) -> CachedToken:
        data = json.loads(text)
        return cls(**{**data, "access_token": Secret(data["access_token"])})


def check_storable(token: CachedToken, now: float | None = None) -> None:
    """Refuse a token a cache must not keep: its expiry is not finite, already past or too far ahead."""
    left = token.expires_in(now)
    if not math.isfinite(left) or not 0 < left <= MAX_LIFETIME + 60:
        raise KitError(f"a token whose expiry is {left!r} s away was not cached (kit keeps 0 s..366 days)")


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    fetches: int = 0
    waits: int = 0
    errors: int = 0
    last_reason: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)


class Lease:
    """The duty to fetch the token for one key: ``fill`` it or ``fail`` it; as a context manager, an
    exception inside the block fails it (every waiter then gets that error)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.settled = False

    def fill(self, token: CachedToken) -> CachedToken:
        """Check and store ``token``, wake the waiters, and return it.

        :raises KitError: the token may not be kept (see :func:`check_storable`); the lease is failed.
        """
        try:
            check_storable(token)
        except KitError as exc:
            self.fail(exc)
            raise
        self.settled = True
        self._store(token)
        return token

    def fail(self, error: BaseException) -> None:
        if not self.settled:
            self.settled = True
            self._abandon(error)

    def _store(self, token: CachedToken) -> None:
        raise NotImplementedError

    def _abandon(self, error: BaseException) -> None:
        raise NotImplementedError

    def __enter__(self) -> Lease:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is not None:
            self.fail(exc)
        elif not self.settled:
            self.fail(KitError("the token fetch ended without a token"))


class TokenCache:
    """Base class: ``acquire``, ``get``, ``invalidate``, ``peek``, ``stats``; subclasses store tokens."""

    kind = "base"

    def __init__(self, *, margin: float = 30.0) -> None:
        if not 0 <= margin < MAX_LIFETIME:
            raise ConfigError(f"margin must be >= 0 seconds, not {margin}")
        self.margin = margin
        self._stats = Stats()

    def _reason(self, token: CachedToken | None, now: float, renew: str | None = None) -> str | None:
        """Why ``token`` must be renewed now (None: it can be used)."""
        if renew:
            return renew
        if token is None:
            return "absent"
        if token.expires_at - now <= self.margin:
            return "expiring"
        return None

    def acquire(self, key: str, *, renew: str | None = None) -> CachedToken | Lease:
        """The usable token for ``key``, or a lease to fetch one (``renew``: fetch anyway, with this reason)."""
        raise NotImplementedError

    def get(self, key: str, fetch: Fetch, *, force: bool = False) -> CachedToken:
        """The token for ``key``, calling ``fetch(reason)`` once when it must be (re)fetched."""
        got = self.acquire(key, renew="forced" if force else None)
        if isinstance(got, CachedToken):
            return got
        with got as lease:
            return lease.fill(fetch(lease.reason))

    def invalidate(self, key: str, token: CachedToken, reason: str = "401") -> None:
        raise NotImplementedError

    def peek(self, key: str) -> CachedToken | None:
        """The stored token, if any, without counting a hit (a refresh needs the current token)."""
        raise NotImplementedError

    def _fetched(self, reason: str) -> None:
        self._stats.add(fetches=1)
        self._stats.last_reason = reason

    def stats(self) -> pd.DataFrame:
        """One row: cache kind, hits, misses, fetches, waits, errors, last renew reason."""
        s = self._stats
        counts = {name: getattr(s, name) for name in ("hits", "misses", "fetches", "waits", "errors")}
        return pd.DataFrame([{"cache": self.kind, **counts, "last renew reason": s.last_reason}])


class _Flight:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.token: CachedToken | None = None
        self.error: BaseException | None = None


class _MemoryLease(Lease):
    def __init__(self, cache: MemoryTokenCache, key: str, flight: _Flight, reason: str) -> None:
        super().__init__(reason)
        self.cache, self.key, self.flight = cache, key, flight

    def _store(self, token: CachedToken) -> None:
        with self.cache._lock:
            self.cache._tokens[self.key] = token
            self.cache._flights.pop(self.key, None)
        self.cache._fetched(self.reason)
        self.flight.token = token
        self.flight.done.set()

    def _abandon(self, error: BaseException) -> None:
        self.cache._stats.add(errors=1)
        self.flight.error = error
        with self.cache._lock:
            self.cache._flights.pop(self.key, None)
        self.flight.done.set()


class MemoryTokenCache(TokenCache):
    """Tokens in this process; single-flight across its threads."""

    kind = "memory"

    def __init__(self, *, margin: float = 30.0) -> None:
        super().__init__(margin=margin)
        self._lock = threading.Lock()
        self._tokens: dict[str, CachedToken] = {}
        self._flights: dict[str, _Flight] = {}
        self._pending_reason: dict[str, str] = {}

    def acquire(self, key: str, *, renew: str | None = None) -> CachedToken | Lease:
        with self._lock:
            token = self._tokens.get(key)
            reason = self._reason(token, time.time(), renew)
            if reason is None and token is not None:
                self._stats.add(hits=1)
                return token
            self._stats.add(misses=1)
            flight = self._flights.get(key)
            if flight is None:
                flight = self._flights[key] = _Flight()
                noted = self._pending_reason.pop(key, None)
                return _MemoryLease(self, key, flight, renew or noted or reason or "absent")
        self._stats.add(waits=1)
        flight.done.wait()
        if flight.error is not None:
            raise flight.error
        assert flight.token is not None
        return flight.token

    def invalidate(self, key: str, token: CachedToken, reason: str = "401") -> None:
        with self._lock:
            if self._tokens.get(key) == token:
                del self._tokens[key]
                self._pending_reason[key] = reason

    def peek(self, key: str) -> CachedToken | None:
        with self._lock:
            return self._tokens.get(key)

    def __repr__(self) -> str:
        return f"<MemoryTokenCache tokens={len(self._tokens)} margin={self.margin}>"
