"""Signicat benchmarks: token fetches under concurrency, and the cost of a cached token.

1. ``PROCESSES`` processes × ``THREADS`` threads × ``CALLS`` calls against one Signicat sandbox,
   all within one token lifetime, twice per library (kit, requests-auth, Authlib, then back), in the
   same run: kit's
   ``ClientCredentialsAuth`` with a shared ``RedisTokenCache``; requests-auth's
   ``OAuth2ClientCredentials`` (one auth object per process, its documented use); Authlib's
   ``OAuth2Session`` (one per process shared by its threads, each thread fetching a token
   when the session has none, as its docs show). Fetches are counted by the sandbox. Every library
   sends the same request, ``signicat-accountId`` included (kit adds it from the token as the
   official SDK does; for the others it is in the URL).
2. Median per-request time with kit's cached bearer token vs the same request with a static
   header (the same token, the same URL), interleaved round by round.
"""

from __future__ import annotations

import multiprocessing
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

PROCESSES, THREADS, CALLS = 4, 16, 250
ROUNDS, PER_ROUND = 20, 25


def _worker(
    library: str, base: str, creds: dict[str, str], path: str, redis_url: str, ready: Any, go: Any, out: Any
) -> None:
    """One process: THREADS threads × CALLS calls through ``library``; puts (errors, seconds)."""
    token_url = base + "auth/open/connect/token"
    shared: Any
    if library == "kit":
        from kit.auth.redis_cache import RedisTokenCache
        from kit.providers import signicat

        shared = signicat.auth_for(signicat.Credentials.of(**creds), base, cache=RedisTokenCache(redis_url))
    elif library == "requests-auth":
        import requests_auth

        shared = requests_auth.OAuth2ClientCredentials(
            token_url, creds["client_id"], creds["client_secret"], scope="signicat-api"
        )
    else:
        from authlib.integrations.requests_client import OAuth2Session

        shared = OAuth2Session(
            creds["client_id"],
            creds["client_secret"],
            scope="signicat-api",
            token_endpoint=token_url,
            grant_type="client_credentials",
        )
    errors = [0]
    lock = threading.Lock()

    def thread() -> None:
        session = requests.Session()
        for _ in range(CALLS):
            try:
                if library == "authlib":
                    if shared.token is None:
                        shared.fetch_token()
                    answer = shared.get(base + path, timeout=30)
                else:
                    answer = session.get(base + path, auth=shared, timeout=30)
                ok = answer.status_code == 200
            except Exception:  # counted, not raised: the bench reports errors
                ok = False
            if not ok:
                with lock:
                    errors[0] += 1

    threads = [threading.Thread(target=thread) for _ in range(THREADS)]
    ready.wait()
    go.wait()
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put((errors[0], time.perf_counter() - began))


LIBRARIES = ("kit", "requests-auth", "authlib")


def _one_run(box: Any, library: str, redis_url: str, path: str) -> tuple[int, int, float]:
    """One library's load: (token fetches, errors, requests per second)."""
    ctx = multiprocessing.get_context("spawn")
    before = box.control.counts()["tokens_issued"]
    ready, go, out = ctx.Barrier(PROCESSES + 1), ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(library, box.url, box.credentials, path, redis_url, ready, go, out))
        for _ in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    ready.wait()
    began = time.perf_counter()
    go.set()
    results = [out.get(timeout=600) for _ in procs]
    seconds = time.perf_counter() - began
    for p in procs:
        p.join(timeout=60)
    fetched = box.control.counts()["tokens_issued"] - before
    return fetched, sum(e for e, _ in results), PROCESSES * THREADS * CALLS / seconds


def fetches_under_load(box: Any, redis_url: str, path: str) -> list[tuple[str, int, int, float]]:
    """(library, token fetches per run, errors, requests per second) per library: two runs each, in the
    order kit, requests-auth, Authlib and then back, so that drift in the machine hits each alike;
    the mean of the two. Each kit run starts from an empty Redis (one fetch per run)."""
    import redis

    runs: dict[str, list[tuple[int, int, float]]] = {library: [] for library in LIBRARIES}
    for order in (LIBRARIES, LIBRARIES[::-1]):
        for library in order:
            redis.Redis.from_url(redis_url).flushdb()
            runs[library].append(_one_run(box, library, redis_url, path))
            print(f"  load: {library} done", file=sys.stderr, flush=True)
    return [
        (library, max(f for f, _, _ in done), sum(e for _, e, _ in done), statistics.mean(rps for _, _, rps in done))
        for library, done in runs.items()
    ]


def cached_token_overhead(box: Any, path: str) -> list[tuple[str, float, float]]:
    from kit.auth.bearer import CachedBearerAuth
    from kit.providers import signicat

    creds = signicat.Credentials(**box.credentials)
    plain_auth = signicat.auth_for(creds, box.url)
    kit_auth = requests.Session()
    kit_auth.auth = plain_auth
    token = plain_auth.token().access_token.reveal()
    url = box.url + path + ("&" if "?" in path else "?") + f"signicat-accountId={creds.account_id}"
    static = requests.Session()
    static.headers["Authorization"] = f"Bearer {token}"
    journaled = signicat.session(creds, box.url)
    journaled.auth_as(CachedBearerAuth).cache = plain_auth.cache
    variants: dict[str, Callable[[], requests.Response]] = {
        "static header (floor)": lambda: static.get(url, timeout=10),
        "kit cached token": lambda: kit_auth.get(box.url + path, timeout=10),
        "kit session (token+journal)": lambda: journaled.get(path),
    }
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for name, call in variants.items():
        assert call().status_code == 200, name
    for _ in range(ROUNDS):
        for name, call in variants.items():
            for _ in range(PER_ROUND):
                began = time.perf_counter()
                call()
                samples[name].append(time.perf_counter() - began)
        journaled.journal.clear()
    floor = statistics.median(samples["static header (floor)"])
    return [(name, statistics.median(v) * 1e6, statistics.median(v) / floor) for name, v in samples.items()]


def _session_path(box: Any) -> str:
    from kit.providers import signicat

    creds = signicat.Credentials(**box.credentials)
    created = signicat.session(creds, box.url).call("POST", "auth/rest/sessions", json={})
    return f"auth/rest/sessions/{created['id']}"


def session_rows() -> list[str]:
    """The cost of a cached token and of a kit session against a static header."""
    from kit.sandbox import start

    with start("signicat", lifetime=3600) as box:
        rows = cached_token_overhead(box, _session_path(box))
        box.check()
    return [f"| GET a session on the Signicat sandbox | {n} | {us:.0f} µs | {r:.2f}x |" for n, us, r in rows]


def run() -> list[str]:
    """Token fetches under concurrency, kit against its peers."""
    from kit.providers import signicat
    from kit.redis_server import RedisServer
    from kit.sandbox import start

    lines = []
    with start("signicat", lifetime=3600) as box, RedisServer() as redis:
        creds = signicat.Credentials.of(**box.credentials)
        path = _session_path(box)
        calls = PROCESSES * THREADS * CALLS
        same = f"{path}?signicat-accountId={creds.account_id}"  # every library sends the very same request
        rows = fetches_under_load(box, redis.url, same)
        best_peer = max(rps for library, _, _, rps in rows if library != "kit")
        for library, fetched, errors, rps in rows:
            lines.append(
                f"| token fetches, {PROCESSES} proc × {THREADS} threads × {CALLS} calls ({calls}), 2 runs each "
                f"| {library} | {fetched} fetches per run, {errors} errors | {rps:.0f} req/s, "
                f"{rps / best_peer:.2f}x the best peer |"
            )
        box.check()
    return lines
