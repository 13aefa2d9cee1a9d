"""A general token cache with early renewal and single-flight fetching; the in-memory one lives here.

A caller asks :meth:`TokenCache.acquire` for a key and gets either the cached
:class:`CachedToken` (absent, expiring within ``margin`` seconds, or invalidated tokens are not
handed out) or a :class:`Lease`: the duty to fetch one, with the reason (absent, expiring,
forced, 401). **Single-flight**: while one caller holds the lease, the others wait for its
result. A lease is filled with the token (which is checked: finite, unexpired, within
:data:`MAX_LIFETIME`) or failed with the error, which every waiter then gets; the next call
fetches again. Because the lease is an object rather than a callback, an auth *flow* can hold it
across the exchanges it yields (see :mod:`kit.auth.flow`); :meth:`TokenCache.get` wraps the same for
plain callers.

* :class:`MemoryTokenCache` (threads of one process): one lock guards the map; one in-flight
  record per key lets followers wait on an Event.
* :class:`kit.auth.redis_cache.RedisTokenCache`: processes on any number of machines.

What a token is (and the checks a lease applies before storing one) lives in :mod:`kit.auth.tokens`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from kit.arguments import checked
from kit.auth.tokens import MAX_LIFETIME, CachedToken, KeyParts, cache_key, check_storable
from kit.auth.waits import WouldWait, waits_refused
from kit.errors import ConfigError, KitError
from kit.finishing import Finishing

__all__ = ["DEFAULT_WAIT", "CacheStats", "Clock", "Lease", "MemoryTokenCache", "TokenCache"]

Clock = Callable[[], float]  # UNIX seconds now
#: how long a caller waits for another caller's token fetch, at most (seconds)
DEFAULT_WAIT = 120.0


@dataclass(frozen=True)
class CacheStats:
    """A cache's counters at one moment: hits, misses, fetches, waits, errors, the last renew reason."""

    cache: str
    hits: int = 0
    misses: int = 0
    fetches: int = 0
    waits: int = 0
    errors: int = 0
    last_reason: str = ""


class _Counters:
    """The counters as they change, under one lock: the current :class:`CacheStats`, replaced on each change."""

    def __init__(self) -> None:
        self.now = CacheStats("")
        self.lock = threading.Lock()

    def add(self, **counts: int) -> None:
        with self.lock:
            self.now = replace(self.now, **{name: getattr(self.now, name) + n for name, n in counts.items()})

    def hit(self) -> None:
        """One more hit (the common case, counted without the generality of :meth:`add`)."""
        with self.lock:
            self.now = replace(self.now, hits=self.now.hits + 1)

    def fetched(self, reason: str) -> None:
        with self.lock:
            self.now = replace(self.now, fetches=self.now.fetches + 1, last_reason=reason)

    def snapshot(self, cache: str) -> CacheStats:
        with self.lock:
            return replace(self.now, cache=cache)


class Lease(Finishing):
    """The duty to fetch the token for one key: ``fill`` it or ``fail`` it; as a context manager, an
    exception inside the block fails it (every waiter then gets that error)."""

    def __init__(self, reason: str, clock: Clock = time.time, key: str = "") -> None:
        self.reason = reason
        self.clock = clock
        self.key = key  # the cache key it fetches for
        self.settled = False

    def fill(self, token: CachedToken) -> CachedToken:
        """Check and store ``token``, wake the waiters, and return it.

        :raises KitError: the token may not be kept (see :func:`check_storable`); the lease is failed.
        """
        try:
            check_storable(token, self.clock())
        except KitError as exc:
            self.fail(exc)
            raise
        self.settled = True
        self._store(token)
        return token

    def fail(self, error: BaseException) -> None:
        """Settle the lease with ``error``: every waiter gets it (as a KitError: another caller's failure
        reaches a waiter as kit's, never as a bare ``TypeError`` of code it did not run)."""
        if not self.settled:
            self.settled = True
            self._abandon(error if isinstance(error, KitError) else KitError(f"the token fetch failed: {error!r}"))

    def cancel(self) -> None:
        """Give the duty back with neither a token nor an error (a cancelled task, a flow closed midway):
        the next caller, a waiter included, fetches, and nobody receives the cancellation."""
        if not self.settled:
            self.settled = True
            self._give_back()

    def _store(self, token: CachedToken) -> None:
        raise NotImplementedError

    def _abandon(self, error: KitError) -> None:
        raise NotImplementedError

    def _give_back(self) -> None:
        raise NotImplementedError

    def _finish(self, ended_by: BaseException | None) -> None:
        if isinstance(ended_by, Exception):
            self.fail(ended_by)
        elif ended_by is not None:  # GeneratorExit, CancelledError, KeyboardInterrupt: no failure of the fetch
            self.cancel()
        elif not self.settled:
            self.fail(KitError("the token fetch ended without a token"))


class TokenCache:
    """Base class: ``acquire``, ``invalidate``, ``peek``, ``stats``; subclasses store tokens.

    :param margin: renew a token this many seconds before it expires (or at half its life, if shorter).
    :param clock: what time it is (UNIX seconds); ``time.time`` unless a test moves it.
    :param wait: how long a caller waits for another caller's fetch before it gives up (seconds).
    """

    kind = "base"
    #: whether other processes read the same tokens (their keys must then be the same everywhere)
    shared = True

    @checked
    def __init__(self, *, margin: float = 30.0, clock: Clock = time.time, wait: float = DEFAULT_WAIT) -> None:
        if not 0 <= margin < MAX_LIFETIME:
            raise ConfigError(f"margin must be >= 0 seconds, not {margin}")
        if not 0 < wait <= 3600:
            raise ConfigError(f"wait must be within 0..3600 seconds, not {wait}")
        self.margin = margin
        self.clock = clock
        self.wait = wait
        self._stats = _Counters()

    def key(self, parts: KeyParts) -> str:
        """The key a token made of ``parts`` is kept under in this cache (see :func:`kit.auth.tokens.cache_key`)."""
        return cache_key(parts.endpoint, parts.identity, parts.secret, shared=self.shared, **parts.parts)

    def _reason(self, token: CachedToken | None, now: float, renew: str | None = None) -> str | None:
        """Why ``token`` must be renewed now (None: it can be used)."""
        if renew:
            return renew
        if token is None:
            return "absent"
        if token.expires_at - now <= self.margin_for(token):
            return "expiring"
        return None

    def margin_for(self, token: CachedToken) -> float:
        """How early ``token`` is renewed: the margin, or half its lifetime when that is shorter, so a
        token asked for with a short lifetime is used before it is renewed, never fetched twice in a row."""
        return min(self.margin, token.lifetime / 2) if token.lifetime > 0 else self.margin

    def acquire(self, key: str, *, renew: str | None = None) -> CachedToken | Lease:
        """The usable token for ``key``, or a lease to fetch one (``renew``: fetch anyway, with this reason)."""
        raise NotImplementedError

    def invalidate(self, key: str, token: CachedToken, reason: str = "401") -> None:
        raise NotImplementedError

    def peek(self, key: str) -> CachedToken | None:
        """The stored token, if any, without counting a hit (a refresh needs the current token)."""
        raise NotImplementedError

    def _fetched(self, reason: str) -> None:
        self._stats.fetched(reason)

    def stats(self) -> CacheStats:
        """The counters now: hits, misses, fetches, waits, errors and the last renew reason."""
        return self._stats.snapshot(self.kind)


class _Flight:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.token: CachedToken | None = None
        self.error: KitError | None = None
        self.cancelled = False  # given back: a waiter fetches itself


class _MemoryLease(Lease):
    def __init__(self, cache: MemoryTokenCache, key: str, flight: _Flight, reason: str) -> None:
        super().__init__(reason, cache.clock, key)
        self.cache = cache
        self.flight = flight

    def _store(self, token: CachedToken) -> None:
        with self.cache._lock:
            self.cache._tokens[self.key] = token
            self.cache._flights.pop(self.key, None)
        self.cache._fetched(self.reason)
        self.flight.token = token
        self.flight.done.set()

    def _abandon(self, error: KitError) -> None:
        self.cache._stats.add(errors=1)
        self.flight.error = error
        self._end()

    def _give_back(self) -> None:
        self.flight.cancelled = True
        self._end()

    def _end(self) -> None:
        with self.cache._lock:
            if self.cache._flights.get(self.key) is self.flight:
                del self.cache._flights[self.key]
        self.flight.done.set()


class MemoryTokenCache(TokenCache):
    """Tokens in this process; single-flight across its threads."""

    kind = "memory"
    shared = False  # one process: its keys need no slow hash

    @checked
    def __init__(self, *, margin: float = 30.0, clock: Clock = time.time, wait: float = DEFAULT_WAIT) -> None:
        super().__init__(margin=margin, clock=clock, wait=wait)
        self._lock = threading.Lock()
        self._tokens: dict[str, CachedToken] = {}
        self._flights: dict[str, _Flight] = {}
        self._pending_reason: dict[str, str] = {}

    def acquire(self, key: str, *, renew: str | None = None) -> CachedToken | Lease:
        deadline = time.monotonic() + self.wait
        while True:
            got = self._lead_or_follow(key, renew)
            if not isinstance(got, _Flight):
                return got
            if waits_refused():
                raise WouldWait()
            self._stats.add(waits=1)
            if not got.done.wait(max(0.0, deadline - time.monotonic())):
                raise KitError(f"waited {self.wait:g} s for another caller's token fetch, which has not ended")
            if got.error is not None:
                raise got.error
            if got.token is not None:
                return got.token
            # the fetch was given back (its caller was cancelled): look again, and fetch if nobody does

    def _lead_or_follow(self, key: str, renew: str | None) -> CachedToken | Lease | _Flight:
        """The usable token, a lease to fetch one, or the fetch in flight to wait for."""
        with self._lock:
            token = self._tokens.get(key)
            reason = self._reason(token, self.clock(), renew)
            if reason is None and token is not None:
                self._stats.hit()
                return token
            self._stats.add(misses=1)
            flight = self._flights.get(key)
            if flight is None:
                flight = self._flights[key] = _Flight()
                noted = self._pending_reason.pop(key, None)
                return _MemoryLease(self, key, flight, renew or noted or reason or "absent")
            return flight

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
