"""The load workload shared by the load test and ``make bench``: threads × calls of each provider's
demo business call (from its registration), bounded in count and time, errors counted."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import kit

#: full strength (CI, or KIT_FULL=1): 1,000 hypothesis examples per fuzzed sandbox, 500 load calls per client
FULL = bool(os.environ.get("CI") or os.environ.get("KIT_FULL"))
#: calls per client in the load test
LOAD_CALLS = 500 if FULL else 100


def load(target: kit.Target, *, clients: int = 8, calls: int = 500) -> dict[str, float]:
    """``clients`` threads, each with its own session, make ``calls`` authenticated business calls.

    Returns errors (exceptions and non-2xx answers), seconds and requests per second. Every request
    has a timeout and the loop a fixed count.
    """
    call = target.provider.business
    errors = [0]
    lock = threading.Lock()

    def client() -> None:
        s = target.session(**call.options)
        for _ in range(calls):
            try:
                ok = s.request(call.method, call.path_for(s), json=call.body).status_code < 300
            except kit.KitError:  # counted, not raised: the caller asserts on the count
                ok = False
            if not ok:
                with lock:
                    errors[0] += 1
            s.journal.clear()

    seconds = run_clients(client, clients)
    return {"errors": errors[0], "seconds": seconds, "rps": clients * calls / seconds}


def run_clients(client: Callable[[], None], clients: int) -> float:
    """Run ``client`` in ``clients`` threads at once; the seconds until the last one is done."""
    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - began
