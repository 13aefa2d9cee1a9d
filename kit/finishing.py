"""Finishing: what kit holds open (a server, a sandbox, a target) ends at the end of a ``with`` block.

No import beyond the standard library: a target names it, and importing a target stays light.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

__all__ = ["Finishing"]


class Finishing:
    """Finished at the end of a ``with`` block, whatever ended it: a server stopped, a target closed (``_finish``)."""

    def _finish(self, ended_by: BaseException | None) -> None:
        """End it; ``ended_by``: what left the block early, if anything did (an error, a cancellation)."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._finish(exc)
