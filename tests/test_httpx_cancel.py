"""kit's httpx auth under cancellation and across threads, against a real Signicat sandbox whose token
endpoint is slow (its ``slow`` fault), over real sockets.

A task cancelled while its token fetch is in flight gives the fetch back: a thread waiting on that fetch
fetches itself and gets its answer (never ``GeneratorExit``). An async task that finds another thread's
fetch in flight waits without blocking its event loop: a heartbeat on that loop keeps beating while the
other thread's fetch is still running.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

import kit

DELAY = 1.0  # seconds the sandbox's token endpoint waits before answering


@pytest.fixture
def slow() -> Iterator[kit.Target]:
    made = kit.connect("signicat", environ={}, fault="slow", fault_delay=DELAY)
    yield made
    made.close()


def _until(condition: object, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.01)
    assert condition(), "the condition was not met in time"  # type: ignore[operator]


def test_a_cancelled_fetch_is_given_back_and_a_waiting_thread_fetches_itself(slow: kit.Target) -> None:
    auth = slow.httpx_auth()
    cache = auth.auth.cache  # type: ignore[attr-defined]
    outcome: list[object] = []

    def waiter() -> None:
        try:
            with httpx.Client(base_url=auth.base_url, auth=auth) as client:
                outcome.append(client.post("auth/rest/sessions", json={}).status_code)
        except BaseException as exc:  # noqa: BLE001 - what the waiter receives is what this test checks
            outcome.append(exc)

    async def cancelled() -> None:
        async with httpx.AsyncClient(base_url=auth.base_url, auth=auth) as client:
            task = asyncio.create_task(client.post("auth/rest/sessions", json={}))
            while cache.stats().misses < 1:  # the task holds the lease: its fetch is in flight
                await asyncio.sleep(0.01)
            thread = threading.Thread(target=waiter)
            thread.start()
            while cache.stats().waits < 1:  # the thread waits on the task's fetch
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.to_thread(thread.join, 60)

    asyncio.run(cancelled())
    assert len(outcome) == 1 and isinstance(outcome[0], int) and outcome[0] // 100 == 2, outcome
    assert cache.stats().errors == 0 and cache.stats().fetches == 1  # the waiter's own; a cancellation is no failure


def test_an_async_waiter_does_not_block_its_event_loop(slow: kit.Target) -> None:
    auth = slow.httpx_auth()
    cache = auth.auth.cache  # type: ignore[attr-defined]
    leader = threading.Thread(
        target=lambda: httpx.Client(base_url=auth.base_url, auth=auth).post("auth/rest/sessions", json={})
    )
    leader.start()
    _until(lambda: cache.stats().misses >= 1)  # the thread's fetch is in flight (it takes DELAY seconds)
    seen: dict[str, bool] = {}

    async def waiting() -> int:
        async with httpx.AsyncClient(base_url=auth.base_url, auth=auth) as client:
            task = asyncio.create_task(client.post("auth/rest/sessions", json={}))
            while cache.stats().waits < 1:  # the task now waits for the thread's fetch
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)  # a heartbeat: it returns only if the loop is free
            seen["beat while the other fetch ran"] = leader.is_alive() and not task.done()
            return (await task).status_code

    status = asyncio.run(waiting())
    leader.join(60)
    assert seen == {"beat while the other fetch ran": True}
    assert status // 100 == 2 and cache.stats().fetches == 1  # and it used the thread's token
