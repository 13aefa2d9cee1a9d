"""The token cache: early renewal, single-flight in memory (threads) and in Redis (processes).

Every test takes tokens as the auth flows do: ``acquire`` and, on a miss, a ``Lease`` filled with the
fetched token (:func:`fetched`). Time is the cache's clock, moved by the test, never slept away.
"""

import asyncio
import multiprocessing
import threading
import time
from collections.abc import Callable
from functools import partial

import pytest
from clocks import Clock

from kit.auth.redis_cache import RedisTokenCache
from kit.auth.tokencache import Lease, MemoryTokenCache, TokenCache
from kit.auth.tokens import CachedToken
from kit.errors import KitError
from kit.sandbox import Sandbox, start
from kit.secrets import Secret


class Counter:
    """A fetch function that counts calls and can be held until other callers overlap it (``until``)."""

    def __init__(
        self,
        lifetime: float = 600,
        until: Callable[[], bool] | None = None,
        fail: bool = False,
        reported: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """``reported``: the lifetime the token answer gave (default ``lifetime``; 0: the answer named none)."""
        self.calls = 0
        self.lifetime = lifetime
        self.until = until
        self.fail = fail
        self.clock = clock
        self.reported = lifetime if reported is None else reported
        self.lock = threading.Lock()
        self.reasons: list[str] = []

    def __call__(self, reason: str) -> CachedToken:
        with self.lock:
            self.calls += 1
            n = self.calls
            self.reasons.append(reason)
        if self.until is not None:
            reached(self.until)  # the other callers have asked by now: they overlap this fetch
        if self.fail:
            raise RuntimeError("token endpoint down")
        return CachedToken(Secret(f"token-{n}-0123456789abcdef"), self.clock() + self.lifetime, lifetime=self.reported)


def fetched(cache: TokenCache, key: str, fetch: Callable[[str], CachedToken], *, force: bool = False) -> CachedToken:
    """The token for ``key`` as an auth flow takes it: ``acquire``, and on a miss a Lease filled with ``fetch``."""
    got = cache.acquire(key, renew="forced" if force else None)
    if isinstance(got, CachedToken):
        return got
    with got as lease:
        return lease.fill(fetch(lease.reason))


def reached(condition: Callable[[], bool], within: float = 10.0) -> None:
    """Return once ``condition()`` holds (what another thread does, seen in a cache's counters); fail after
    ``within`` seconds. A wait for an event, not for time to pass: the caches' time is their injected clocks."""
    deadline = time.monotonic() + within
    tick = threading.Event()
    while not condition():
        assert time.monotonic() < deadline, "the other callers never came"
        tick.wait(0.002)


def caches(redis_url: str) -> list[Callable[[], TokenCache]]:
    return [MemoryTokenCache, lambda: RedisTokenCache(redis_url)]


def hammer(cache: TokenCache, fetch: Callable[[str], CachedToken], threads: int = 16) -> list[CachedToken]:
    barrier, results = threading.Barrier(threads), []

    def worker() -> None:
        barrier.wait()
        results.append(fetched(cache, "k", fetch))

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_concurrent_misses_cause_one_fetch(kind: str, redis_url: str) -> None:
    cache = MemoryTokenCache() if kind == "memory" else RedisTokenCache(redis_url)
    fetch = Counter(until=lambda: cache.stats().misses >= 16)  # every caller missed: the rest wait for this fetch
    results = hammer(cache, fetch)
    assert fetch.calls == 1
    assert len({r.access_token.reveal() for r in results}) == 1
    row = cache.stats()
    assert (row.fetches, row.misses + row.hits) == (1, 16)
    assert row.waits == 15 and row.last_reason == "absent"


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_hits_until_the_margin_then_renews_as_expiring(kind: str, redis_url: str) -> None:
    cache = MemoryTokenCache(margin=30) if kind == "memory" else RedisTokenCache(redis_url, margin=30)
    fetch = Counter(lifetime=100)
    first = fetched(cache, "k", fetch)
    assert fetched(cache, "k", fetch) == first
    assert fetch.calls == 1
    short = Counter(lifetime=20, reported=0)  # no lifetime known, inside the 30 s margin: every get renews
    cache = (
        MemoryTokenCache(margin=30) if kind == "memory" else RedisTokenCache(redis_url, margin=30, namespace="other:")
    )
    fetched(cache, "k", short)
    fetched(cache, "k", short)
    assert short.calls == 2 and short.reasons == ["absent", "expiring"]
    assert cache.stats().last_reason == "expiring"


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_a_token_shorter_than_twice_the_margin_is_renewed_at_half_its_life(kind: str, redis_url: str) -> None:
    clock = Clock()
    cache = (
        MemoryTokenCache(margin=30, clock=clock)
        if kind == "memory"
        else RedisTokenCache(redis_url, margin=30, clock=clock)
    )
    fetch = Counter(lifetime=4, clock=clock)  # asked for with a short lifetime: used, not fetched again at once
    fetched(cache, "k", fetch)
    fetched(cache, "k", fetch)
    assert fetch.calls == 1
    clock.advance(1.9)  # not yet half of its 4 s life
    fetched(cache, "k", fetch)
    assert fetch.calls == 1
    clock.advance(0.2)  # past half of it (Redis keeps the key for its whole 3 s and more)
    fetched(cache, "k", fetch)
    assert fetch.calls == 2 and fetch.reasons == ["absent", "expiring"]


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_forced_and_401_reasons(kind: str, redis_url: str) -> None:
    cache = MemoryTokenCache() if kind == "memory" else RedisTokenCache(redis_url)
    fetch = Counter()
    token = fetched(cache, "k", fetch)
    fetched(cache, "k", fetch, force=True)
    assert fetch.reasons == ["absent", "forced"]
    current = fetched(cache, "k", fetch)
    cache.invalidate("k", current)
    fetched(cache, "k", fetch)
    assert fetch.reasons == ["absent", "forced", "401"]
    cache.invalidate("k", token)  # a stale token: compare-and-delete leaves the current one alone
    fetched(cache, "k", fetch)
    assert fetch.calls == 3


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_a_failed_fetch_reaches_every_waiter_and_the_next_call_fetches_again(kind: str, redis_url: str) -> None:
    cache = MemoryTokenCache() if kind == "memory" else RedisTokenCache(redis_url)
    failing = Counter(until=lambda: cache.stats().misses >= 8, fail=True)
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        try:
            fetched(cache, "k", failing)
        except (RuntimeError, KitError) as exc:  # the leader's error, or (Redis) word that it failed
            errors.append(exc)

    pool = [threading.Thread(target=worker) for _ in range(8)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in pool)  # nobody left hanging
    assert len(errors) == 8
    assert failing.calls == 1  # one fetch: its failure went to every waiter, none piled on
    working = Counter()
    assert fetched(cache, "k", working).access_token.reveal().startswith("token-1")
    assert working.calls == 1


def test_redis_tokens_are_shared_between_cache_objects(redis_url: str) -> None:
    a, b = RedisTokenCache(redis_url), RedisTokenCache(redis_url)
    fetch = Counter()
    assert fetched(a, "k", fetch) == fetched(b, "k", fetch)
    assert fetch.calls == 1 and b.stats().hits == 1


def test_negative_margin_is_refused() -> None:
    from kit import ConfigError

    with pytest.raises(ConfigError):
        MemoryTokenCache(margin=-1)


def _process(
    url: str,
    token_url: str,
    client: tuple[str, str],
    barrier: "multiprocessing.synchronize.Barrier",
    out: "multiprocessing.Queue[list[str]]",
    lock_timeout: float = 30.0,
) -> None:
    from kit.auth.oauth2 import ClientCredentialsAuth
    from kit.auth.redis_cache import RedisTokenCache as R
    from kit.secrets import Secret as S

    auth = ClientCredentialsAuth(
        token_url=token_url,
        client_id=client[0],
        client_secret=S(client[1]),
        scope="signicat-api",
        cache=R(url, lock_timeout=lock_timeout),
    )
    barrier.wait()
    tokens: list[str] = []

    def one() -> None:
        try:
            tokens.append(auth.token().access_token.reveal())
        except Exception as exc:  # reported to the parent, which asserts there are none
            tokens.append(f"error: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(tokens)


def _tokens_from_processes(redis_url: str, box: Sandbox, lock_timeout: float = 30.0) -> list[str]:
    """4 processes × 8 threads ask one Redis cache for the token at once; every answer (or error) comes back."""
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(4), ctx.Queue()
    token_url = box.url_for("auth/open/connect/token")
    client = (box.credentials["client_id"], box.credentials["client_secret"])
    args = (redis_url, token_url, client, barrier, out, lock_timeout)
    procs = [ctx.Process(target=_process, args=args) for _ in range(4)]
    for p in procs:
        p.start()
    tokens = [t for _ in procs for t in out.get(timeout=90)]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    return tokens


def test_processes_sharing_redis_fetch_exactly_once(redis_url: str, signicat_box: Sandbox) -> None:
    tokens = _tokens_from_processes(redis_url, signicat_box)
    assert len(tokens) == 32 and len(set(tokens)) == 1
    assert signicat_box.control.counts()["tokens_issued"] == 1


def test_a_fetch_slower_than_the_lock_timeout_still_fetches_once(redis_url: str) -> None:
    """The lock's initial timeout is 1 s, the token endpoint takes 2.5 s: the holder renews the lock."""
    with start("signicat", fault="slow", fault_delay=2.5) as box:
        tokens = _tokens_from_processes(redis_url, box, lock_timeout=1.0)
        assert [t for t in tokens if t.startswith("error")] == []
        assert len(tokens) == 32 and len(set(tokens)) == 1
        assert box.control.counts()["tokens_issued"] == 1


def test_a_lost_lock_is_a_kit_error_not_a_raw_redis_one(redis_url: str) -> None:
    cache = RedisTokenCache(redis_url, lock_timeout=1.0)

    def fetch(reason: str) -> CachedToken:  # another client breaks the lock while this one fetches
        cache.redis.delete(cache.namespace + "k:lock")
        return CachedToken(Secret("token-0123456789abcdef"), time.time() + 600)

    with pytest.raises(KitError, match="releasing the token lock failed: LockNotOwnedError"):
        fetched(cache, "k", fetch)


def _token_expiring_at(expires_at: float, reason: str) -> CachedToken:
    return CachedToken(Secret("t" * 24), expires_at)


def test_a_token_a_cache_must_not_keep_is_refused_by_both(redis_url: str) -> None:
    for cache in (MemoryTokenCache(), RedisTokenCache(redis_url)):
        for expires_at in (float("nan"), float("inf"), time.time() - 5, time.time() + 1e30):
            with pytest.raises(KitError, match="was not cached"):
                fetched(cache, "k", partial(_token_expiring_at, expires_at))
            assert cache.peek("k") is None


def test_redis_near_copy_serves_a_usable_token_without_a_round_trip(redis_url: str) -> None:
    """A process keeps the token it read or stored: while it is good, Redis is not asked again."""
    import redis

    server = redis.Redis.from_url(redis_url)
    cache, other = RedisTokenCache(redis_url, margin=30), RedisTokenCache(redis_url, margin=30)
    fetch = Counter()
    first = fetched(cache, "k", fetch)
    assert fetched(other, "k", fetch) == first and fetch.calls == 1  # the other process reads it from Redis
    commands = server.info("commandstats")
    assert fetched(cache, "k", fetch) == first and fetched(other, "k", fetch) == first
    after = server.info("commandstats")
    assert after.get("cmdstat_get") == commands.get("cmdstat_get")  # no GET: both answered from their copy
    server.delete("kit:token:k")  # even gone from Redis, the near copy is good by its own expiry
    assert fetched(cache, "k", fetch) == first and fetch.calls == 1
    cache.invalidate("k", first)  # a stale-token answer: the near copy goes, Redis is asked again
    second = fetched(cache, "k", fetch)
    assert second != first and fetch.calls == 2
    assert fetched(other, "k", fetch) == first  # the other still holds its copy: until its own 401 ...
    other.invalidate("k", first)  # ... which drops it (and, compare-and-delete, not the new token)
    assert fetched(other, "k", fetch) == second and fetch.calls == 2


def test_redis_near_copy_is_not_used_within_the_margin(redis_url: str) -> None:
    cache = RedisTokenCache(redis_url, margin=30)
    fetch = Counter(lifetime=20, reported=0)  # expiring as soon as it is fetched: never served from the near copy
    fetched(cache, "k", fetch)
    fetched(cache, "k", fetch)
    assert fetch.calls == 2 and fetch.reasons == ["absent", "expiring"]


def test_a_follower_waits_a_bounded_time_for_a_leader_that_never_settles() -> None:
    cache = MemoryTokenCache(wait=0.2)
    lease = cache.acquire("k")
    assert isinstance(lease, Lease)  # this caller leads the fetch and never fills its lease
    began = time.monotonic()
    with pytest.raises(KitError, match="waited 0.2 s for another caller's token fetch"):
        cache.acquire("k")
    assert time.monotonic() - began < 5  # it gave up; it did not hang
    lease.fail(KitError("given up"))
    assert isinstance(cache.acquire("k"), Lease)  # the next caller fetches again


@pytest.mark.parametrize("kind", ["memory", "redis"])
@pytest.mark.parametrize("ended", [GeneratorExit, asyncio.CancelledError, KeyboardInterrupt])
def test_a_lease_ended_by_cancellation_is_given_back_and_a_waiter_fetches(
    kind: str, ended: type[BaseException], redis_url: str
) -> None:
    cache = MemoryTokenCache() if kind == "memory" else RedisTokenCache(redis_url)
    lease = cache.acquire("k")
    assert isinstance(lease, Lease)
    got: list[object] = []
    working = Counter()

    def waiter() -> None:
        try:
            got.append(fetched(cache, "k", working))
        except BaseException as exc:  # noqa: BLE001 - what the waiter receives is what this test checks
            got.append(exc)

    thread = threading.Thread(target=waiter)
    thread.start()
    # the waiter waits for this lease (memory: counted as a wait), or missed and goes for the lock (Redis)
    reached(lambda: cache.stats().waits >= 1 if kind == "memory" else cache.stats().misses >= 2)
    lease.__exit__(ended, ended(), None)  # what a `with` does when a generator is closed or a task cancelled
    thread.join(timeout=30)
    assert len(got) == 1 and isinstance(got[0], CachedToken), got
    assert working.calls == 1 and cache.stats().errors == 0
