"""The token cache in Redis: one token shared by every process (on any machine) using the same URL.

Tokens live under ``kit:token:<key>`` with a TTL. A miss takes a redis-py lock and re-reads the
key (a fresh token means another process fetched it: a *wait*, not a fetch); only then does it
hand out a :class:`~kit.auth.tokencache.Lease`. The lock expires after ``lock_timeout`` seconds if its
holder dies, but a living holder **renews it every ``lock_timeout / 3`` seconds while it
fetches**, so a fetch slower than the lock's initial timeout (a token endpoint that takes 40 s,
two attempts of (5 + 30) s) still holds single-flight. A holder stops renewing after
``max_fetch`` seconds, and followers wait at most ``max_fetch + lock_timeout``. A failed fetch
leaves a note stamped with the server's clock, so processes that queued behind it raise that
failure instead of piling on. Invalidation is compare-and-delete (a Lua script), so N clients that
see the same stale token cause one refetch, not N. Every Redis error surfaces as a
:class:`~kit.errors.KitError`.

Each process also keeps the token it last read or stored (a near copy) and uses it while it is
good by its own expiry and margin, so a request that finds a usable token costs no round trip to
Redis. A stale-token answer invalidates the near copy with the shared one; the next request then
reads Redis again, where another process may already have put a fresh token.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from kit.arguments import ArgumentError, checked
from kit.auth.tokencache import Clock, Lease, TokenCache
from kit.auth.tokens import CachedToken
from kit.auth.waits import WouldWait, waits_refused
from kit.errors import ConfigError, KitError
from kit.secrets import redact

__all__ = ["RedisTokenCache"]

_COMPARE_AND_DELETE = """
local current = redis.call('get', KEYS[1])
if current and cjson.decode(current)['access_token'] == ARGV[1] then
  redis.call('set', KEYS[2], ARGV[2], 'EX', 60)
  return redis.call('del', KEYS[1])
end
return 0
"""


@contextmanager
def _redis_errors(doing: str) -> Iterator[None]:
    """Any redis-py error (connection, timeout, a lock no longer owned) as a KitError, redacted."""
    import redis

    try:
        yield
    except redis.exceptions.RedisError as exc:
        raise KitError(f"redis token cache: {doing} failed: {type(exc).__name__}: {redact(str(exc))}") from None


class _RedisLease(Lease):
    """Holds the Redis lock while its caller fetches; a daemon thread renews the lock meanwhile."""

    def __init__(self, cache: RedisTokenCache, key: str, lock: Any, reason: str) -> None:
        super().__init__(reason, cache.clock, key)
        self.cache = cache
        self.lock = lock
        self._stop = threading.Event()
        self._keeper = threading.Thread(target=self._keep, name="kit-token-lock", daemon=True)
        self._keeper.start()

    def _keep(self) -> None:
        began = time.monotonic()
        every = self.cache.lock_timeout / 3
        while not self._stop.wait(every) and time.monotonic() - began < self.cache.max_fetch:
            try:
                self.lock.reacquire()  # back to the full lock_timeout
            except Exception:  # lost the lock or Redis: the release below reports it
                return

    def _release(self) -> None:
        self._stop.set()
        self._keeper.join()
        with _redis_errors("releasing the token lock"):
            self.lock.release()

    def _store(self, token: CachedToken) -> None:
        ns = self.cache.namespace + self.key
        try:
            with _redis_errors("storing the token"):
                ttl = max(1, int(token.expires_at - self.cache.clock()))
                self.cache.redis.set(ns, token.to_json(), ex=ttl)
                self.cache.redis.delete(ns + ":reason")
            self.cache._near[self.key] = token
        finally:
            self._release()
        self.cache._fetched(self.reason)

    def _give_back(self) -> None:
        self._release()  # no failure noted: a waiter that takes the lock next finds no token and fetches

    def _abandon(self, error: KitError) -> None:
        self.cache._stats.add(errors=1)
        try:
            with _redis_errors("noting a failed fetch"):
                note = {"at": self.cache._now(), "error": redact(f"{type(error).__name__}: {error}")}
                self.cache.redis.set(self.cache.namespace + self.key + ":failed", json.dumps(note), ex=60)
        finally:
            self._release()


class RedisTokenCache(TokenCache):
    """Tokens in Redis, shared by every process that uses the same URL; single-flight via a renewed lock."""

    kind = "redis"

    @checked
    def __init__(
        self,
        url: str,
        *,
        margin: float = 30.0,
        lock_timeout: float = 30.0,
        max_fetch: float = 300.0,
        namespace: str = "kit:token:",
        client: Any = None,
        clock: Clock = time.time,
    ) -> None:
        super().__init__(margin=margin, clock=clock)
        if not 0.3 <= lock_timeout <= max_fetch:
            raise ConfigError(f"lock_timeout must be within 0.3 s..max_fetch ({max_fetch} s), not {lock_timeout}")
        import redis  # optional at import time of kit

        try:
            self.redis = client or redis.Redis.from_url(url, socket_timeout=max(lock_timeout, 5.0))
        except ValueError as exc:  # redis-py's words for a URL it cannot use (scheme, port, …)
            raise ArgumentError(f"RedisTokenCache: url is not a Redis URL ({exc})") from None
        self.lock_timeout = lock_timeout
        self.max_fetch = max_fetch
        self.namespace = namespace
        self._delete = self.redis.register_script(_COMPARE_AND_DELETE)
        self._near: dict[str, CachedToken] = {}  # key -> the token this process last read or stored

    def _read(self, key: str) -> CachedToken | None:
        raw = self.redis.get(self.namespace + key)
        try:
            return None if raw is None else CachedToken.from_json(raw)
        except (ValueError, TypeError, KeyError):  # not a token kit wrote: as good as absent
            return None

    def _noted_reason(self, key: str) -> str | None:
        note = self.redis.get(self.namespace + key + ":reason")
        return (note.decode() if isinstance(note, bytes) else str(note)) if note else None

    def _now(self) -> float:
        seconds, micros = self.redis.time()  # the server's clock: the same for every client
        return float(seconds) + micros / 1e6

    def acquire(self, key: str, *, renew: str | None = None) -> CachedToken | Lease:
        near = self._near.get(key)
        if near is not None and self._reason(near, self.clock(), renew) is None:
            self._stats.hit()  # good by its own expiry: no round trip
            return near
        with _redis_errors("reading the token"):
            started = self._now()
            token = self._read(key)
            if self._reason(token, self.clock(), renew) is None and token is not None:
                self._stats.hit()
                self._near[key] = token
                return token
            self._stats.add(misses=1)
            lock = self.redis.lock(
                self.namespace + key + ":lock",
                timeout=self.lock_timeout,
                blocking_timeout=self.max_fetch + self.lock_timeout,
                thread_local=False,  # the keeper thread renews it
            )
            refused = waits_refused()
            if not lock.acquire(blocking=not refused):
                if refused:
                    raise WouldWait()
                waited = self.max_fetch + self.lock_timeout
                raise KitError(f"redis token cache: the token lock was not free within {waited:.0f} s")
        try:
            with _redis_errors("reading the token"):
                token = self._read(key)
                reason = self._reason(token, self.clock(), renew)
                if reason == "absent":
                    reason = self._noted_reason(key) or reason
                failed = self.redis.get(self.namespace + key + ":failed")
            if reason is None and token is not None:
                self._stats.add(waits=1)  # another process fetched while we waited for the lock
                lock.release()
                self._near[key] = token
                return token
            if failed is not None and json.loads(failed)["at"] >= started:  # failed while we waited: don't pile on
                self._stats.add(waits=1, errors=1)
                lock.release()
                raise KitError(f"the token fetch of another client failed: {json.loads(failed)['error']}")
        except BaseException:
            with suppress(Exception):  # the error being raised says more than a failed release would
                lock.release()
            raise
        return _RedisLease(self, key, lock, reason or "absent")

    def invalidate(self, key: str, token: CachedToken, reason: str = "401") -> None:
        near = self._near.get(key)
        if near is not None and near.access_token == token.access_token:
            self._near.pop(key, None)
        with _redis_errors("invalidating the token"):
            self._delete(
                keys=[self.namespace + key, self.namespace + key + ":reason"],
                args=[token.access_token.reveal(), reason],
            )

    def peek(self, key: str) -> CachedToken | None:
        with _redis_errors("reading the token"):
            return self._read(key)

    def __repr__(self) -> str:
        return f"<RedisTokenCache margin={self.margin}>"
