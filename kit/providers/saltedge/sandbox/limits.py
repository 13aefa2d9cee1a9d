"""What a Salt Edge client account may do beyond its secrets: the test client's connection limit, the request rate,
and going live with no public key.

CONFIRMED: a client in test status is limited to 10 logins (connections, from v5) (Client account page). INFERRED:
the class a client past that limit gets, ``ConnectionLimitReached`` (a class Salt Edge's error list names:
SaltEdgeNetCore's ErrorHandler.cs), on 403 as the other account-status classes; ``TooManyRequests`` on 429 for a
client over its request rate (the same list names it and ``RateLimitExceeded``; Salt Edge publishes no rate);
``PublicKeyNotProvided`` on 400 when a request is signed, or must be, and the dashboard holds no public key (the same
list; the signature guide asks for the key before going live). kit's choices: the limit counts the logins the
client holds now (removing one frees its place); the rate is a sandbox setting, requests per rolling minute, off by
default.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from kit.providers.saltedge.sandbox.signatures import Refused

__all__ = ["TEST_LOGINS", "Rate", "check_key", "check_room"]

#: the logins (connections) a client in test status may hold (the Client account page)
TEST_LOGINS = 10


def check_room(held: int, status: str) -> None:
    """Nothing while a client may make one more login; ``ConnectionLimitReached`` for a test client holding 10."""
    if status == "test" and held >= TEST_LOGINS:
        raise Refused(
            "ConnectionLimitReached",
            f"A client in test status may hold {TEST_LOGINS} connections: remove one, or go live",
        )


def check_key(registered: bool, signed: bool, live: bool) -> None:
    """``PublicKeyNotProvided`` when a request is signed (or, the client being live, must be) and the dashboard holds
    no public key to check it with."""
    if not registered and (signed or live):
        raise Refused("PublicKeyNotProvided", "No public key in the dashboard: add one to sign requests or go live")


class Rate:
    """Requests per rolling minute: ``TooManyRequests`` past ``per_minute`` (0: no limit)."""

    def __init__(self) -> None:
        self._seen: deque[float] = deque()
        self._lock = threading.Lock()

    def check(self, per_minute: int, now: float | None = None) -> None:
        if per_minute <= 0:
            return
        moment = time.monotonic() if now is None else now
        with self._lock:
            while self._seen and self._seen[0] <= moment - 60:
                self._seen.popleft()
            if len(self._seen) >= per_minute:
                raise Refused("TooManyRequests", f"More than {per_minute} requests in a minute: slow down")
            self._seen.append(moment)
