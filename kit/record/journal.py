"""The exchange journal: every request a kit session sends, with what kind of step it was.

Recording keeps each exchange, as it is sent, as a :class:`~kit.record.entry.Pending` record
(references to what was sent and received, unredacted and never shown); the first read of the
journal (``entries``, tables, HAR, curl) turns them into :class:`~kit.record.entry.Entry` objects
through the one redaction point, :meth:`Entry.masked <kit.record.entry.Entry.masked>`, with every
secret known by then (a token read from a later login answer included). Redaction therefore costs
nothing on the request path. Each entry carries
structured fields, so nothing needs to parse its human ``step`` label: ``kind`` (auth, business,
probe, public), ``action`` (token, login, refresh, logout, call), ``reason`` (absent, expiring,
forced, 401, …), ``attempt`` and ``retry_after``.

A journal keeps at most ``limit`` entries (10,000 by default); the oldest are dropped first and
counted in ``dropped``, which the table's index and the HAR show.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import requests

from kit.arguments import ArgumentError, checked
from kit.auth.flow import Exchange
from kit.record.entry import Entry, Pending

if TYPE_CHECKING:  # a journal is made on the request path: pandas loads only when one is shown
    import pandas as pd

__all__ = ["DEFAULT_LIMIT", "Journal", "Journaled", "journal", "journal_of", "now_utc", "sent"]

DEFAULT_LIMIT = 10_000
COLUMNS = ["step", "method", "url", "status", "challenge", "ms", "request_headers", "request_body", "response"]


class Journal:
    """The entries a session recorded, newest last; at most ``limit``, the oldest dropped first."""

    def __init__(self, prefix: str = "KIT", *, limit: int = DEFAULT_LIMIT) -> None:
        self.prefix = prefix.upper()
        self.limit = self.checked_limit(limit)
        self.dropped = 0
        self._entries: deque[Entry | Pending] = deque(maxlen=limit)
        self._pending = 0  # records not yet turned into entries (redacted when first read)
        self._lock = threading.Lock()

    @staticmethod
    def checked_limit(limit: object) -> int:
        """``limit`` if it is a whole number of entries, at least 1.

        :raises ArgumentError: otherwise.
        """
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ArgumentError(f"a journal limit is a whole number of entries, at least 1, not {limit!r}")
        return limit

    @property
    def entries(self) -> list[Entry]:
        """The kept entries, oldest first (a copy), redacted now."""
        with self._lock:
            self._settle()
            return [item for item in self._entries if isinstance(item, Entry)]

    def __len__(self) -> int:
        return len(self._entries)

    def _settle(self) -> None:
        """Turn every pending record into its redacted Entry (under the lock)."""
        if self._pending:
            self._entries = deque(
                (item.entry() if isinstance(item, Pending) else item for item in self._entries), maxlen=self.limit
            )
            self._pending = 0

    def add(self, entry: Entry | Pending) -> None:
        with self._lock:
            if len(self._entries) == self.limit:
                dropped = self._entries[0]
                self.dropped += 1
                self._pending -= isinstance(dropped, Pending)
            self._entries.append(entry)
            self._pending += isinstance(entry, Pending)

    def clear(self) -> None:
        """Forget every entry (and the count of dropped ones)."""
        with self._lock:
            self._entries.clear()
            self._pending = 0
            self.dropped = 0

    def record(
        self,
        exchange: Exchange,
        response: requests.Response | None,
        *,
        sent: requests.PreparedRequest,
        step: str,
        elapsed_ms: float,
        started: datetime,
        hop: int = 0,
        error: BaseException | str | None = None,
    ) -> None:
        """Record one exchange as it was sent: ``sent`` (the exchange's request, prepared, or a redirect
        hop of it: ``hop`` > 0) and its answer, or the ``error`` that left it without one. Redacted when
        the journal is read."""
        failure = error if isinstance(error, str) or error is None else f"{type(error).__name__}: {error}"
        self.add(Pending.of(exchange, sent, response, step, elapsed_ms, started, hop, failure or "", self.prefix))

    def table(self, full: bool = False) -> pd.DataFrame:
        """One row per kept entry, masked; numbered from the first entry ever recorded. Each response is
        summarised to one short line ending in "…"; ``full`` shows every body whole (wrapped)."""
        import pandas as pd

        from kit.tables import Table

        frame = Table([e.row(full) for e in self.entries], columns=COLUMNS)
        frame.index = pd.RangeIndex(self.dropped + 1, self.dropped + len(frame) + 1)
        if self.dropped:
            frame.index.name = f"{self.dropped:,} earlier dropped (limit {self.limit:,})"
        return frame


@runtime_checkable
class Journaled(Protocol):
    """Anything that keeps a journal: a kit Session."""

    @property
    def journal(self) -> Journal: ...


@checked
def sent(sessions: dict[str, Journaled], step: str) -> pd.DataFrame:
    """What each labelled session sent in its first exchange named ``step``: a table of URL and headers (one row
    per label), redacted; shown as a kit table, whose cells wrap between words, never inside one.

    For comparing two ways of sending the same call (a token in the header vs in the query).
    """
    from kit.tables import Table

    rows = {}
    for label, session in sessions.items():
        entry = next((e for e in session.journal.entries if e.step == step), None)
        if entry is None:
            raise ArgumentError(f"sent: session {label!r} has no exchange named step {step!r}")
        row = entry.row()
        rows[label] = {"url": row["url"], "request_headers": row["request_headers"]}
    return Table.from_dict(rows, orient="index", columns=["url", "request_headers"])


def journal_of(source: object, what: str) -> Journal:
    """The journal of ``source``: a kit session's, or ``source`` itself when it is a journal.

    :raises ArgumentError: neither (``what`` names the caller: ``kit.journal()``).
    """
    log = source if isinstance(source, Journal) else getattr(source, "journal", None)
    if not isinstance(log, Journal):
        raise ArgumentError(f"{what} takes a kit session (made by kit.connect(...).session()) or its journal")
    return log


def journal(session: Journaled, *, full: bool = False) -> pd.DataFrame:  # checks its argument: "a kit session"
    """The journal of a kit session as a table: one row per exchange, redacted.

    A response is summarised to one short line (its first 160 characters, then "…"); ``full=True``
    shows every response body whole, as the HAR file from :func:`kit.to_har` keeps it.
    """
    log = journal_of(session, "kit.journal()")
    if not isinstance(full, bool):
        raise ArgumentError(f"kit.journal(): full must be True or False, not {full!r}")
    return log.table(full)


def now_utc() -> datetime:
    return datetime.now(UTC)
