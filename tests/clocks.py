"""A clock a test moves, for the token caches' injected clocks (no real-clock waits in expiry tests)."""

from __future__ import annotations

import time


class Clock:
    """A clock a test moves: now, then ``advance(seconds)``."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
