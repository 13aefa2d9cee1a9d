"""The exchange journal: every request a kit session sends, with what kind of step it was.

Recording keeps each exchange as a :class:`~kit.entry.Pending` record, unredacted and never shown;
the first read of the journal (``entries``, tables, HAR, curl) turns them into redacted
:class:`~kit.entry.Entry` objects, with every secret known by then (a token read from a later
login answer included). Redaction therefore costs nothing on the request path. Each entry carries
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
from typing import Any, Protocol, runtime_checkable

import pandas as pd
import requests

from kit.arguments import ArgumentError, checked
from kit.entry import Entry, Pending
from kit.errors import ConfigError
from kit.tables import Table

__all__ = ["DEFAULT_LIMIT", "Journal", "Journaled", "journal", "now_utc", "sent"]

DEFAULT_LIMIT = 10_000
COLUMNS = ["step", "method", "url", "status", "challenge", "ms", "request_headers", "request_body", "response"]


class Journal:
    """The entries a session recorded, newest last; at most ``limit``, the oldest dropped first."""

    def __init__(self, prefix: str = "KIT", *, limit: int = DEFAULT_LIMIT) -> None:
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ArgumentError(f"a journal limit is a whole number of entries, at least 1, not {limit!r}")
        self.prefix = prefix.upper()
        self.limit = limit
        self.dropped = 0
        self._entries: deque[Entry | Pending] = deque(maxlen=limit)
        self._pending = 0  # records not yet turned into entries (redacted when first read)
        self._lock = threading.Lock()

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
        request: requests.PreparedRequest,
        response: requests.Response | None,
        *,
        step: str,
        elapsed_ms: float,
        started: datetime,
        error: BaseException | str | None = None,
        **fields: Any,
    ) -> None:
        """Record one exchange, to be redacted when the journal is first read; ``fields`` are kind,
        action, reason, attempt, retry_after."""
        failure = error if isinstance(error, str) or error is None else f"{type(error).__name__}: {error}"
        answer = None
        if response is not None:
            streamed = getattr(response, "_content", None) is False  # stream=True and the body not read yet
            content = None if streamed else response.content
            answer = (response.status_code, response.reason, response.headers, content, response.encoding)
        pending = Pending(  # references only: the sent request and the answer's headers are not changed later
            (step, request.method or "", request.url or "", request.headers, request.body),
            answer,
            failure or "",
            elapsed_ms,
            started,
            fields,
            self.prefix,
        )
        self.add(pending)

    def table(self, full: bool = False) -> pd.DataFrame:
        """One row per kept entry, masked; numbered from the first entry ever recorded. Each response is
        summarised to one short line ending in "…"; ``full`` shows every body whole (wrapped)."""
        frame = Table([e.row(full) for e in self.entries], columns=COLUMNS)
        frame.index = pd.RangeIndex(self.dropped + 1, self.dropped + len(frame) + 1)
        if self.dropped:
            frame.index.name = f"{self.dropped:,} earlier dropped (limit {self.limit:,})"
        return frame


@runtime_checkable
class Journaled(Protocol):
    """Anything that keeps a journal: a kit Session."""

    journal: Journal


@checked
def sent(sessions: dict[str, Journaled], step: str) -> dict[str, dict[str, str]]:
    """What each labelled session sent in its first exchange named ``step``: URL and headers, redacted.

    For comparing two ways of sending the same call (a token in the header vs in the query).
    """
    result = {}
    for label, session in sessions.items():
        entry = next((e for e in session.journal.entries if e.step == step), None)
        if entry is None:
            raise ArgumentError(f"sent: session {label!r} has no exchange named step {step!r}")
        row = entry.row()
        result[label] = {"url": row["url"], "request_headers": row["request_headers"]}
    return result


def journal(session: Journaled, *, full: bool = False) -> pd.DataFrame:  # checks its argument: "a kit session"
    """The journal of a kit session as a table: one row per exchange, redacted.

    A response is summarised to one short line (its first 160 characters, then "…"); ``full=True``
    shows every response body whole, as the HAR file from :func:`kit.to_har` keeps it.
    """
    log = getattr(session, "journal", None)
    if not isinstance(log, Journal):
        raise ConfigError("kit.journal() takes a kit session (made by kit.connect(...).session())")
    if not isinstance(full, bool):
        raise ArgumentError(f"kit.journal(): full must be True or False, not {full!r}")
    return log.table(full)


def now_utc() -> datetime:
    return datetime.now(UTC)
