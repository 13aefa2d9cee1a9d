"""The journal under a long run: memory kept, and what a token fetch costs once it is full.

1. Memory held by a journal after 110,000 recorded exchanges (the figure in issue 11: 116 MB of
   RSS), kit's default limit (10,000 entries) against an unbounded journal, measured with
   tracemalloc. Every record is a real exchange: one answer of the Pliance sandbox, recorded
   again and again (recording is the part measured, not the network).
2. A forced token fetch on the Signicat sandbox with an empty journal (floor) and with a journal
   already holding 10,000 entries: a fetch must not scan the journal, so the ratio stays ~1.
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc

import requests

from kit.auth.flow import Exchange
from kit.providers import pliance, signicat
from kit.record.journal import DEFAULT_LIMIT, Journal, now_utc
from kit.sandbox import start

EXCHANGES = 110_000
FETCHES = 60


def _memory(limit: int, request: requests.PreparedRequest, response: requests.Response) -> tuple[float, float]:
    """MB held by a journal of ``limit`` after EXCHANGES records, and µs per record."""
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    journal = Journal("PLIANCE", limit=limit)
    exchange = Exchange(request)
    began = time.perf_counter()
    for _ in range(EXCHANGES):
        journal.record(exchange, response, sent=request, step="ping", elapsed_ms=1.0, started=now_utc())
    per_record = (time.perf_counter() - began) / EXCHANGES * 1e6
    held = (tracemalloc.get_traced_memory()[0] - base) / 1e6
    tracemalloc.stop()
    del journal
    return held, per_record


def _fetch_micros(sessions: dict[str, object]) -> dict[str, float]:
    """Median µs of a forced token fetch per session, interleaved: whatever grows during the run
    (every fetch registers one more secret) weighs on each variant alike."""
    samples: dict[str, list[float]] = {name: [] for name in sessions}
    for _ in range(FETCHES):
        for name, session in sessions.items():
            began = time.perf_counter()
            session.token("forced")  # type: ignore[attr-defined]
            samples[name].append(time.perf_counter() - began)
    return {name: statistics.median(values) * 1e6 for name, values in samples.items()}


def run() -> list[str]:
    lines = []
    with start("pliance") as box:
        s = pliance.session(pliance.Credentials.of(**box.credentials), box.url)
        answer = s.get("api/Ping")
        rows = {
            "unbounded (every exchange kept)": _memory(10**9, answer.request, answer),
            f"kit default (newest {DEFAULT_LIMIT:,} kept)": _memory(DEFAULT_LIMIT, answer.request, answer),
        }
    print("  journal: memory done", file=sys.stderr, flush=True)
    floor = rows["unbounded (every exchange kept)"][0]
    for name, (held, per_record) in rows.items():
        lines.append(
            f"| journal memory after {EXCHANGES:,} exchanges | {name} | {held:.1f} MB "
            f"({per_record:.0f} µs per record) | {held / floor:.2f}x |"
        )
    with start("signicat") as box:
        creds = signicat.Credentials.of(**box.credentials)
        empty, full = signicat.session(creds, box.url), signicat.session(creds, box.url)
        full.call("POST", "auth/rest/sessions", json={})
        entry = full.journal.entries[-1]
        for _ in range(DEFAULT_LIMIT):
            full.journal.add(entry)
        empty.require_token()
        times = _fetch_micros({"empty journal (floor)": empty, f"journal holding {DEFAULT_LIMIT:,} entries": full})
    print("  journal: token fetches done", file=sys.stderr, flush=True)
    base = times["empty journal (floor)"]
    for name, micros in times.items():
        lines.append(f"| forced token fetch, Signicat sandbox | {name} | {micros:.0f} µs | {micros / base:.2f}x |")
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
