"""A recording's steps: each exchange as much as the recording kept, from a HAR file (kit's or a browser's), a kit
session or its journal, or a journal table. Everything in them is already masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kit.har.read import har_entries
from kit.record.entry import Entry
from kit.record.journal import Journal, Journaled, journal_of

__all__ = ["Recorded", "recorded"]


@dataclass(frozen=True)
class Recorded:
    """One recorded exchange, as much of it as the recording kept (everything in it already masked)."""

    step: str
    kind: str
    method: str
    url: str
    headers: dict[str, str]
    body: str
    status: int | None
    response: str
    complete: bool = True  # False when only a summary of the response was kept (a journal table)
    follows: str = ""  # "retry" or "redirect": part of the step before

    @classmethod
    def of(cls, entry: Entry) -> Recorded:
        e = entry.masked()
        follows = "redirect" if e.reason == "redirect" else "retry" if e.attempt > 1 else ""
        return cls(e.step, e.kind, e.method, e.url, dict(e.request_headers), e.request_body, e.status,
                   e.response_body, True, follows)  # fmt: skip


def recorded(source: str | Path | pd.DataFrame | Journaled | Journal) -> list[Recorded]:
    """The steps of a recording: a HAR file path, a journal table, a kit session or its journal.

    :raises ConfigError: the file is not a HAR document, or the source is none of these.
    """
    if isinstance(source, (str, Path)):
        return [Recorded.of(entry) for entry in har_entries(source)[0]]
    if isinstance(source, pd.DataFrame):
        return [_from_row(row) for _, row in source.iterrows()]
    return [
        Recorded.of(entry) for entry in journal_of(source, "replay (besides a HAR file or a journal table)").entries
    ]


def _from_row(row: Any) -> Recorded:
    headers = dict(h.split(": ", 1) for h in str(row["request_headers"]).split("; ") if ": " in h)
    response = str(row["response"])
    status = row["status"]
    return Recorded(
        str(row["step"]), "business", str(row["method"]), str(row["url"]), headers, str(row["request_body"]),
        None if status == "-" else int(status), response, complete=not response.endswith("…"),
    )  # fmt: skip
