"""kit's auth in httpx: the cost per request against precomputed headers, sync and async.

For each provider's demo business call (its registration's) on its sandbox: an ``httpx.Client`` sending
the URL and headers that kit's auth wrote once, precomputed (the floor), against a client with its auth
(the flow, the cache, the origin guard on every request); sync, interleaved round by round; and an
``httpx.AsyncClient`` sending a batch of concurrent requests each way (wall time per batch, as a ratio).
``python bench/run.py httpx`` prints only these rows.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import httpx

import kit
from kit.providers import names

ROUNDS, PER_ROUND, BATCH = 15, 20, 20


def _sent(auth: httpx.Auth, base: str, method: str, path: str, body: Any) -> httpx.Request:
    with httpx.Client(base_url=base, auth=auth) as client:
        answer = client.request(method, path, json=body)
        assert answer.status_code < 300, answer.text
        return answer.request


def overhead(name: str) -> list[tuple[str, float, float]]:
    """(variant, median µs per request or per batch, ratio to the floor) for ``name``."""
    with kit.connect(name, environ={}) as target:
        call = target.provider.business  # the call each provider's story makes, from its registration
        session = target.session(**call.options)
        method, path, body = call.method, call.path_for(session), call.body
        auth = session.httpx_auth()
        sent = _sent(auth, auth.base_url, method, path, body)
        url, headers, content = str(sent.url), dict(sent.headers), sent.content
        plain = httpx.Client()
        kitted = httpx.Client(base_url=auth.base_url, auth=auth)
        variants: dict[str, Callable[[], httpx.Response]] = {
            "sync, precomputed headers (floor)": lambda: plain.request(method, url, headers=headers, content=content),
            "sync, kit HttpxAuth": lambda: kitted.request(method, path, json=body),
        }
        samples: dict[str, list[float]] = {v: [] for v in variants}
        for _ in range(ROUNDS):
            for variant, send in variants.items():
                for _ in range(PER_ROUND):
                    began = time.perf_counter()
                    assert send().status_code < 300
                    samples[variant].append(time.perf_counter() - began)
        plain.close()
        kitted.close()
        batches = asyncio.run(_batches(auth, url, headers, content, method, path, body))
    print(f"  httpx: {name} done", file=sys.stderr, flush=True)
    floor = statistics.median(samples["sync, precomputed headers (floor)"])
    rows = [(v, statistics.median(s) * 1e6, statistics.median(s) / floor) for v, s in samples.items()]
    async_floor = statistics.median(batches["async batch, precomputed headers (floor)"])
    rows += [(v, statistics.median(s) * 1e6, statistics.median(s) / async_floor) for v, s in batches.items()]
    return rows


async def _batches(
    auth: httpx.Auth, url: str, headers: dict[str, str], content: bytes, method: str, path: str, body: Any
) -> dict[str, list[float]]:
    base = getattr(auth, "base_url", "")
    samples: dict[str, list[float]] = {
        "async batch, precomputed headers (floor)": [],
        f"async batch of {BATCH} tasks, kit HttpxAuth": [],
    }
    async with httpx.AsyncClient() as plain, httpx.AsyncClient(base_url=base, auth=auth) as kitted:
        for _ in range(ROUNDS):
            began = time.perf_counter()
            await asyncio.gather(*(plain.request(method, url, headers=headers, content=content) for _ in range(BATCH)))
            samples["async batch, precomputed headers (floor)"].append(time.perf_counter() - began)
            began = time.perf_counter()
            answers = await asyncio.gather(*(kitted.request(method, path, json=body) for _ in range(BATCH)))
            assert all(a.status_code < 300 for a in answers)
            samples[f"async batch of {BATCH} tasks, kit HttpxAuth"].append(time.perf_counter() - began)
    return samples


def run() -> list[str]:
    lines = []
    for name in names():
        for variant, micros, ratio in overhead(name):
            lines.append(f"| {name} business call via httpx | {variant} | {micros:.0f} µs | {ratio:.2f}x |")
    return lines
