"""A general token cache with early renewal and single-flight fetching, in memory or in Redis.

``cache.get(key, fetch)`` returns a :class:`CachedToken`, calling ``fetch()`` only when the
token is absent, expires within ``margin`` seconds, or was invalidated. **Single-flight**: when
many callers miss at once, exactly one fetches and the others wait for its result.

* :class:`MemoryTokenCache` (threads of one process): one lock guards the map; one in-flight
  record per key lets followers wait on an Event. If the fetch fails, every waiter gets that
  error and the next call fetches again.
* :class:`RedisTokenCache` (processes on any number of machines): tokens live under
  ``kit:token:<key>`` with a TTL; a miss takes a redis-py lock with an expiry, re-reads the key
  (a fresh token means another process fetched it: a *wait*, not a fetch), and only then
  fetches. Invalidation is compare-and-delete (a Lua script), so N clients that see the same
  stale token cause one refetch, not N.

Stats (hits, misses, fetches, waits, last renew reason) are per cache object, as a DataFrame row.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kit.errors import ConfigError, KitError
from kit.secrets import Secret, redact

__all__ = ["CachedToken", "MemoryTokenCache", "RedisTokenCache", "TokenCache"]

Fetch = Callable[[str], "CachedToken"]  # called with the renew reason


@dataclass(frozen=True)
class CachedToken:
    """An access token and when it expires (UNIX seconds)."""

    access_token: Secret
    expires_at: float
    token_type: str = "Bearer"
    scope: str = ""
    lifetime: float = 0.0  # expires_in as the token endpoint answered it

    def expires_in(self, now: float | None = None) -> float:
        return self.expires_at - (time.time() if now is None else now)

    def to_json(self) -> str:
        return json.dumps({**dataclasses.asdict(self), "access_token": self.access_token.reveal()})

    @classmethod
    def from_json(cls, text: str | bytes) -> CachedToken:
        data = json.loads(text)
        return cls(**{**data, "access_token": Secret(data["access_token"])})


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


class TokenCache:
    """Base class: ``get``, ``invalidate``, ``stats``; subclasses store tokens."""

    kind = "base"

    def __init__(self, *, margin: float = 30.0) -> None:
        if margin < 0:
            raise ConfigError(f"margin must be >= 0 seconds, not {margin}")
        self.margin = margin
        self._stats = Stats()
        self._forced: set[str] = set()

    def _reason(self, key: str, token: CachedToken | None, now: float) -> str | None:
        """Why ``token`` must be renewed now (None: it can be used)."""
        if key in self._forced:
            return "forced"
        if token is None:
            return "absent"
        if token.expires_at - now <= self.margin:
            return "expiring"
        return None

    def get(self, key: str, fetch: Fetch, *, force: bool = False) -> CachedToken:
        raise NotImplementedError

    def invalidate(self, key: str, token: CachedToken, reason: str = "401") -> None:
        raise NotImplementedError

    def peek(self, key: str) -> CachedToken | None:
        """The stored token, if any, without counting a hit (a refresh needs the current token)."""
        raise NotImplementedError

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


class MemoryTokenCache(TokenCache):
    """Tokens in this process; single-flight across its threads."""

    kind = "memory"

    def __init__(self, *, margin: float = 30.0) -> None:
        super().__init__(margin=margin)
        self._lock = threading.Lock()
        self._tokens: dict[str, CachedToken] = {}
        self._flights: dict[str, _Flight] = {}
        self._pending_reason: dict[str, str] = {}

    def get(self, key: str, fetch: Fetch, *, force: bool = False) -> CachedToken:
        with self._lock:
            if force:
                self._forced.add(key)
            token = self._tokens.get(key)
            reason = self._reason(key, token, time.time())
            if reason is None and token is not None:
                self._stats.add(hits=1)
                return token
            self._stats.add(misses=1)
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
                self._forced.discard(key)
                reason = self._pending_reason.pop(key, reason)
        if not leader:
            self._stats.add(waits=1)
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            assert flight.token is not None
            return flight.token
        try:
            token = fetch(reason or "absent")
        except BaseException as exc:
            flight.error = exc
            self._stats.add(errors=1)
            raise
        else:
            flight.token = token
            with self._lock:
                self._tokens[key] = token
            self._stats.add(fetches=1)
            self._stats.last_reason = reason or "absent"
            return token
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()

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


_COMPARE_AND_DELETE = """
local current = redis.call('get', KEYS[1])
if current and cjson.decode(current)['access_token'] == ARGV[1] then
  redis.call('set', KEYS[2], ARGV[2], 'EX', 60)
  return redis.call('del', KEYS[1])
end
return 0
"""


class RedisTokenCache(TokenCache):
    """Tokens in Redis, shared by every process that uses the same URL; single-flight via a lock."""

    kind = "redis"

    def __init__(
        self,
        url: str,
        *,
        margin: float = 30.0,
        lock_timeout: float = 30.0,
        namespace: str = "kit:token:",
        client: Any = None,
    ) -> None:
        super().__init__(margin=margin)
        import redis  # optional at import time of kit

        self.redis = client or redis.Redis.from_url(url, socket_timeout=lock_timeout)
        self.lock_timeout = lock_timeout
        self.namespace = namespace
        self._delete = self.redis.register_script(_COMPARE_AND_DELETE)

    def _read(self, key: str) -> CachedToken | None:
        raw = self.redis.get(self.namespace + key)
        return None if raw is None else CachedToken.from_json(raw)

    def _reason_remote(self, key: str, token: CachedToken | None, now: float) -> str | None:
        reason = self._reason(key, token, now)
        if reason == "absent":
            note = self.redis.get(self.namespace + key + ":reason")
            return (note.decode() if isinstance(note, bytes) else str(note)) if note else reason
        return reason

    def _now(self) -> float:
        seconds, micros = self.redis.time()  # the server's clock: the same for every client
        return float(seconds) + micros / 1e6

    def get(self, key: str, fetch: Fetch, *, force: bool = False) -> CachedToken:
        if force:
            self._forced.add(key)
        started = self._now()
        token = self._read(key)
        if self._reason(key, token, time.time()) is None and token is not None:
            self._stats.add(hits=1)
            return token
        self._stats.add(misses=1)
        lock = self.redis.lock(
            self.namespace + key + ":lock", timeout=self.lock_timeout, blocking_timeout=self.lock_timeout
        )
        if not lock.acquire():
            raise TimeoutError(f"token lock not acquired within {self.lock_timeout} s")
        try:
            token = self._read(key)
            reason = self._reason_remote(key, token, time.time())
            if reason is None and token is not None:
                self._stats.add(waits=1)  # another process fetched while we waited for the lock
                return token
            failed = self.redis.get(self.namespace + key + ":failed")
            if failed is not None and json.loads(failed)["at"] >= started:  # failed while we waited: don't pile on
                self._stats.add(waits=1, errors=1)
                raise KitError(f"the token fetch of another client failed: {json.loads(failed)['error']}")
            self._forced.discard(key)
            try:
                token = fetch(reason or "absent")
            except BaseException as exc:
                self._stats.add(errors=1)
                note = {"at": self._now(), "error": redact(f"{type(exc).__name__}: {exc}")}
                self.redis.set(self.namespace + key + ":failed", json.dumps(note), ex=60)
                raise
            ttl = max(1, int(token.expires_at - time.time()))
            self.redis.set(self.namespace + key, token.to_json(), ex=ttl)
            self.redis.delete(self.namespace + key + ":reason")
            self._stats.add(fetches=1)
            self._stats.last_reason = reason or "absent"
            return token
        finally:
            lock.release()

    def invalidate(self, key: str, token: CachedToken, reason: str = "401") -> None:
        self._delete(
            keys=[self.namespace + key, self.namespace + key + ":reason"], args=[token.access_token.reveal(), reason]
        )

    def peek(self, key: str) -> CachedToken | None:
        return self._read(key)

    def __repr__(self) -> str:
        return f"<RedisTokenCache margin={self.margin}>"
