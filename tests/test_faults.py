"""Fault injection on token and login endpoints: clear KitErrors, bounded retries, no waiter left hanging."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
import requests

import kit
from kit.auth.bearer import CachedBearerAuth
from kit.auth.redis_cache import RedisTokenCache
from kit.auth.tokencache import MemoryTokenCache
from kit.providers import signicat, signzy, synerise
from kit.sandbox import Sandbox, start

FLOWS: dict[str, tuple[Callable[..., kit.Session[Any]], tuple[str, str, dict[str, Any]]]] = {
    # provider -> (how to open a session, a business call)
    "signicat": (
        lambda box, **kw: signicat.session(signicat.Credentials.of(**box.credentials), box.url, **kw),
        ("POST", "auth/rest/sessions", {"json": {}}),
    ),
    "synerise": (
        lambda box, **kw: synerise.session(synerise.Credentials.of(**box.credentials), box.url, **kw),
        ("GET", "v4/business-profile", {}),
    ),
    "signzy": (
        lambda box, **kw: signzy.session(
            signzy.Credentials.of(**box.credentials), box.url, logout_on_close=False, **kw
        ),
        ("GET", "api/channels/ch-1", {}),
    ),
}


def call(session: kit.Session[Any], provider: str) -> Any:
    method, path, kwargs = FLOWS[provider][1]
    return session.call(method, path, **kwargs)


def token_steps(session: kit.Session[Any]) -> list[tuple[str, int | None]]:
    """(what made the attempt necessary, status) of every token/login exchange, from the structured fields."""
    return [(e.retry_after, e.status) for e in session.journal.entries if e.kind == "auth"]


@pytest.mark.parametrize("provider", sorted(FLOWS))
def test_a_503_once_is_retried_and_succeeds(provider: str) -> None:
    with start(provider, fault="503-once") as box:
        s = FLOWS[provider][0](box)
        assert call(s, provider)
        assert token_steps(s) == [("", 503), ("503", 200)]
        assert [e.attempt for e in s.journal.entries if e.kind == "auth"] == [1, 2]


@pytest.mark.parametrize("provider", sorted(FLOWS))
def test_a_slow_endpoint_times_out_twice_then_raises(provider: str) -> None:
    with start(provider, fault="slow", fault_delay=3) as box:
        s = FLOWS[provider][0](box)
        s.auth_as(CachedBearerAuth).timeout = (1.0, 0.5)
        with pytest.raises(kit.KitError, match="failed after 2 attempts: ReadTimeout"):
            call(s, provider)
        assert [status for _, status in token_steps(s)] == [None, None]


@pytest.mark.parametrize("provider", sorted(FLOWS))
def test_a_reset_connection_raises_after_a_bounded_retry(provider: str) -> None:
    with start(provider, fault="reset") as box:
        s = FLOWS[provider][0](box)
        with pytest.raises(kit.KitError, match="failed after 2 attempts: (ChunkedEncodingError|ConnectionError)"):
            call(s, provider)
        assert len(token_steps(s)) == 2


@pytest.mark.parametrize("provider", sorted(FLOWS))
def test_malformed_json_is_a_clear_auth_error(provider: str) -> None:
    with start(provider, fault="bad-json") as box:
        s = FLOWS[provider][0](box)
        with pytest.raises(kit.AuthError, match="not JSON"):
            call(s, provider)
        assert len(token_steps(s)) == 1  # a 200 is not retried


def _together(workers: list[Any], n: int) -> list[BaseException | None]:
    barrier = threading.Barrier(n)
    results: list[BaseException | None] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            workers[i]()
        except BaseException as exc:  # collected: every thread must end with an answer or an error
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a waiter was left hanging"
    return results


def test_memory_waiters_get_the_failure_and_the_next_call_fetches_again() -> None:
    with start("signicat", fault="slow", fault_delay=2) as box:
        s = signicat.session(signicat.Credentials.of(**box.credentials), box.url, cache=MemoryTokenCache())
        s.auth_as(CachedBearerAuth).timeout = (1.0, 0.5)
        errors = _together([s.token] * 8, 8)
        assert all(isinstance(e, kit.KitError) for e in errors)
        assert len(token_steps(s)) == 2  # one flight, two bounded attempts, whatever the number of waiters
        box.control.set(fault="none")
        assert s.require_token().token_type == "Bearer" and box.control.counts()["tokens_issued"] >= 1


def test_redis_waiters_get_the_failure_and_the_next_call_fetches_again(redis_url: str) -> None:
    with start("signicat", fault="slow", fault_delay=2) as box:
        sessions = [
            signicat.session(signicat.Credentials.of(**box.credentials), box.url, cache=RedisTokenCache(redis_url))
            for _ in range(6)
        ]
        for s in sessions:
            s.auth_as(CachedBearerAuth).timeout = (1.0, 0.5)
        errors = _together([s.token for s in sessions], 6)
        assert all(isinstance(e, kit.KitError) for e in errors)
        assert sum("another client failed" in str(e) for e in errors) == 5
        assert sum(len(token_steps(s)) for s in sessions) == 2  # only the leader asked, twice
        box.control.set(fault="none")
        assert sessions[0].require_token().token_type == "Bearer"
        assert sessions[1].require_token() == sessions[0].require_token()


def test_unknown_fault_is_a_config_error() -> None:
    with pytest.raises(kit.ConfigError, match="fault must be one of"):
        start("signicat", fault="meteor")


def test_every_request_a_session_sends_has_a_timeout(signicat_box: Sandbox) -> None:
    s = signicat.session(signicat.Credentials.of(**signicat_box.credentials), signicat_box.url)
    seen: list[tuple[str, Any]] = []
    original = requests.adapters.HTTPAdapter.send

    def spy(adapter: Any, request: Any, **kwargs: Any) -> Any:  # observes what reaches the transport; it still runs
        seen.append((request.path_url.split("?")[0], kwargs.get("timeout")))
        return original(adapter, request, **kwargs)

    requests.adapters.HTTPAdapter.send = spy  # type: ignore[method-assign, assignment]
    try:
        s.call("POST", "auth/rest/sessions", json={})
    finally:
        requests.adapters.HTTPAdapter.send = original  # type: ignore[method-assign]
    assert [path for path, _ in seen] == ["/auth/open/connect/token", "/auth/rest/sessions"]
    assert all(timeout is not None for _, timeout in seen)
