"""Where a token cache may not wait: :func:`no_wait` marks a thread (an event loop's) on which
:meth:`~kit.auth.tokencache.TokenCache.acquire` raises :class:`WouldWait` instead of blocking on another
caller's fetch; the driver then runs that step off the loop (:mod:`kit.auth.httpx_bridge`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from kit.errors import KitError

__all__ = ["WouldWait", "no_wait", "waits_refused"]


class WouldWait(KitError):
    """Raised by :meth:`TokenCache.acquire` instead of waiting, inside :func:`no_wait`: another caller's fetch
    of this key is in flight. Only an event loop's driver asks for it, and runs the step again off the loop."""

    def __init__(self) -> None:
        super().__init__("another caller's token fetch is in flight: waiting for it here would block")


_here = threading.local()


@contextmanager
def no_wait() -> Iterator[None]:
    """Within the block, on this thread, :meth:`TokenCache.acquire` raises :class:`WouldWait` where it would wait
    (an event loop's thread must never block on another thread's fetch)."""
    before = getattr(_here, "no_wait", False)
    _here.no_wait = True
    try:
        yield
    finally:
        _here.no_wait = before


def waits_refused() -> bool:
    """Whether this thread is inside :func:`no_wait`."""
    return bool(getattr(_here, "no_wait", False))
