"""The cost of a kit session per request for the providers beyond Pliance and Signicat.

For Synerise, Signzy and Salt Edge: each provider's demo business call (from its registration)
through a kit session (auth, origin check, journal), and the very same request sent by a plain
``requests.Session`` with the URL and headers that session sent, precomputed (the floor). The
variants are interleaved round by round, so drift in the machine hits each alike; median per
request, as a ratio to the floor.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import requests

import kit

NAMES = ("synerise", "signzy", "saltedge")
ROUNDS, PER_ROUND = 20, 25


def overhead(name: str) -> list[tuple[str, float, float]]:
    """(variant, median µs, ratio to the floor) for ``name``'s business call against its sandbox."""
    with kit.connect(name, environ={}) as target:
        call = target.provider.business
        session = target.session(**call.options)
        path = call.path_for(session)
        answer = session.request(call.method, path, json=call.body)
        assert answer.status_code < 300, (name, answer.status_code)
        sent = answer.request  # what the session put on the wire, its credential included
        static = requests.Session()
        url, headers, body = sent.url or "", dict(sent.headers), sent.body
        variants: dict[str, Callable[[], requests.Response]] = {
            "precomputed headers (floor)": lambda: static.request(
                call.method, url, headers=headers, data=body, timeout=10
            ),
            "kit session (auth+journal)": lambda: session.request(call.method, path, json=call.body),
        }
        samples: dict[str, list[float]] = {v: [] for v in variants}
        for variant, send in variants.items():
            assert send().status_code < 300, (name, variant)
        for _ in range(ROUNDS):
            for variant, send in variants.items():
                for _ in range(PER_ROUND):
                    began = time.perf_counter()
                    send()
                    samples[variant].append(time.perf_counter() - began)
            session.journal.clear()
        session.close()
    print(f"  sessions: {name} done", file=sys.stderr, flush=True)
    floor = statistics.median(samples["precomputed headers (floor)"])
    return [(v, statistics.median(s) * 1e6, statistics.median(s) / floor) for v, s in samples.items()]


def run() -> list[str]:
    lines = []
    for name in NAMES:
        for variant, micros, ratio in overhead(name):
            lines.append(f"| {name} business call on its sandbox | {variant} | {micros:.0f} µs | {ratio:.2f}x |")
    return lines
