"""The exchange journal: every request a kit session sends, with what kind of step it was.

Recording an exchange keeps what was sent and received, as it was, in an opaque record that is
never shown (its repr says nothing, it refuses to be pickled); the journal turns it into an
:class:`Entry` the first time anyone reads the journal (``entries``, tables, HAR, curl), and that
is when headers, URL and bodies go through :func:`kit.redact`, with every secret known by then
(a token read from a later login answer included). Redaction therefore costs nothing on the
request path, and an entry is masked again whenever it is read. Each entry carries structured
fields, so nothing needs to parse its human ``step`` label: ``kind`` (auth, business, probe,
public), ``action`` (token, login, refresh, logout, call), ``reason`` (absent, expiring, forced,
401, …), ``attempt`` and ``retry_after``. Each masked value remembers the env-style placeholder it stands for
(``$ACME_SECRET``, ``$ACME_TOKEN``), so :func:`kit.to_curl` prints a runnable command.

A journal keeps at most ``limit`` entries (10,000 by default, about 20 MB); the oldest are
dropped first and counted in ``dropped``, which the table's index and the HAR show.
"""

from __future__ import annotations

import dataclasses
import json
import re
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import requests

from kit.errors import ConfigError
from kit.secrets import JWT, MASK, MASKED, fingerprint, is_sensitive, placeholder_name, redact, registered_in
from kit.tables import Table

__all__ = ["DEFAULT_LIMIT", "Entry", "Journal", "Journaled", "journal", "sent"]

DEFAULT_LIMIT = 10_000
COLUMNS = ["step", "method", "url", "status", "ms", "request_headers", "request_body", "response"]
HIDDEN_HEADERS = {"user-agent", "accept-encoding", "accept", "connection", "content-length"}
SUMMARY_CHARS = 160


@dataclass(repr=False)
class Entry:
    """One recorded exchange, redacted when it was recorded; read it through :meth:`masked`."""

    step: str
    method: str
    url: str
    status: int | None
    status_text: str
    elapsed_ms: float
    started: datetime
    request_headers: dict[str, str]
    request_body: str
    response_headers: dict[str, str]
    response_body: str
    response_type: str
    error: str = ""
    placeholders: dict[str, str] = field(default_factory=dict)
    kind: str = "business"
    action: str = "call"
    reason: str = ""
    attempt: int = 1
    retry_after: str = ""

    def masked(self) -> Entry:
        """This entry with every secret known *now* masked (a token learned after it was recorded)."""
        return dataclasses.replace(
            self,
            url=redact(self.url),
            request_headers={k: redact(v, key=k) for k, v in self.request_headers.items()},
            request_body=redact(self.request_body),
            response_headers={k: redact(v, key=k) for k, v in self.response_headers.items()},
            response_body=redact(self.response_body),
            error=redact(self.error),
        )

    def summary(self) -> str:
        """The response body in one short line (or the transport error), masked."""
        text = str(redact(self.error or self.response_body))
        if len(text) <= SUMMARY_CHARS:
            return text
        cut = SUMMARY_CHARS - 1
        width = len(MASK) + 8  # a masked value: the mask and 8 hex digits of fingerprint
        for masked in MASKED.finditer(text, max(0, cut - width), cut + width):  # never cut one in half
            if masked.start() < cut < masked.end():
                cut = masked.start()
        return text[:cut] + "…"

    def row(self) -> dict[str, Any]:
        entry = self.masked()
        shown = {k: v for k, v in entry.request_headers.items() if k.lower() not in HIDDEN_HEADERS}
        return {
            "step": entry.step,
            "method": entry.method,
            "url": entry.url,
            "status": entry.status if entry.status is not None else "-",
            "ms": f"{min(entry.elapsed_ms, 99999):5.0f} ms",  # fixed width: stable table layout
            "request_headers": "; ".join(f"{k}: {v}" for k, v in shown.items()),
            "request_body": entry.request_body,
            "response": entry.summary(),
        }

    def __repr__(self) -> str:
        e = self.masked()
        return (
            f"Entry(step={e.step!r}, kind={e.kind!r}, action={e.action!r}, reason={e.reason!r}, "
            f"attempt={e.attempt}, method={e.method!r}, url={e.url!r}, status={e.status!r}, "
            f"request_headers={e.request_headers!r}, request_body={e.request_body!r}, "
            f"response_body={e.summary()!r}, error={e.error!r})"
        )


def _text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    if isinstance(body, str):
        return body
    return f"<{type(body).__name__} stream>"


#: where a value is the session's token, whatever its form: its placeholder is ``<PREFIX>_TOKEN``,
#: the value ``python -m kit token NAME`` prints
_TOKEN_KEYS = frozenset({"authorization", "access_token"})


def _label(prefix: str, key: str) -> str:
    if key.lower() in _TOKEN_KEYS:
        return f"{prefix}_TOKEN"
    return f"{prefix}_{re.sub(r'[^A-Z0-9]', '_', key.upper())}"


def _placeholders(raw: dict[str, str], body: str, url: str, prefix: str) -> dict[str, str]:
    """Map fingerprints of the values that will be masked to env-style names."""
    names: dict[str, str] = {}
    for key, value in raw.items():
        if is_sensitive(key) and value:
            token = value.split(" ", 1)[1] if " " in value else value
            label = placeholder_name(token) or (f"{prefix}_TOKEN" if JWT.fullmatch(token) else _label(prefix, key))
            names[fingerprint(token.strip())] = label
    for key, value in parse_qsl(urlsplit(url).query):
        if is_sensitive(key) and value:
            names[fingerprint(value)] = _label(prefix, key)
    for text in [*raw.values(), body, url]:
        for value, name in registered_in(text):
            names.setdefault(fingerprint(value), name or f"{prefix}_SECRET")
        for match in JWT.finditer(text):
            names.setdefault(fingerprint(match.group(0)), placeholder_name(match.group(0)) or f"{prefix}_TOKEN")
    return names


class Journal:
    """The entries a session recorded, newest last; at most ``limit``, the oldest dropped first."""

    def __init__(self, prefix: str = "KIT", *, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 1:
            raise ConfigError(f"a journal keeps at least 1 entry, not {limit}")
        self.prefix = prefix.upper()
        self.limit = limit
        self.dropped = 0
        self._entries: deque[Entry | _Pending] = deque(maxlen=limit)
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
                (item.entry() if isinstance(item, _Pending) else item for item in self._entries), maxlen=self.limit
            )
            self._pending = 0

    def add(self, entry: Entry | _Pending) -> None:
        with self._lock:
            if len(self._entries) == self.limit:
                dropped = self._entries[0]
                self.dropped += 1
                self._pending -= isinstance(dropped, _Pending)
            self._entries.append(entry)
            self._pending += isinstance(entry, _Pending)

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
        pending = _Pending(  # references only: the sent request and the answer's headers are not changed later
            (step, request.method or "", request.url or "", request.headers, request.body),
            answer,
            failure or "",
            elapsed_ms,
            started,
            fields,
            self.prefix,
        )
        self.add(pending)

    def table(self) -> pd.DataFrame:
        """One row per kept entry, masked; numbered from the first entry ever recorded."""
        frame = Table([e.row() for e in self.entries], columns=COLUMNS)
        frame.index = pd.RangeIndex(self.dropped + 1, self.dropped + len(frame) + 1)
        if self.dropped:
            frame.index.name = f"{self.dropped:,} earlier dropped (limit {self.limit:,})"
        return frame


class _Pending:
    """An exchange as it was sent and received, not yet redacted: never shown, never pickled."""

    __slots__ = ("_sent", "_answer", "_failure", "_elapsed", "_started", "_fields", "_prefix")

    def __init__(
        self,
        sent: tuple[str, str, str, Mapping[str, Any], Any],
        answer: tuple[int, str, Mapping[str, str], bytes | None, str | None] | None,
        failure: str,
        elapsed_ms: float,
        started: datetime,
        fields: dict[str, Any],
        prefix: str,
    ) -> None:
        self._sent, self._answer, self._failure = sent, answer, failure
        self._elapsed, self._started, self._fields, self._prefix = elapsed_ms, started, fields, prefix

    def entry(self) -> Entry:
        """The redacted Entry, with every secret known now masked."""
        step, method, url, raw_headers, raw_body = self._sent
        headers = {k: v.decode("latin-1") if isinstance(v, bytes) else v for k, v in raw_headers.items()}
        body = _text(raw_body)
        status, reason, answer_headers, content, encoding = self._answer or (None, "", {}, None, None)
        response_headers = dict(answer_headers)
        return Entry(
            step=step,
            method=method,
            url=redact(url),
            status=status,
            status_text=reason or "",
            elapsed_ms=self._elapsed,
            started=self._started,
            request_headers={k: redact(v, key=k) for k, v in headers.items()},
            request_body=redact(body) if body else "",
            response_headers={k: redact(v, key=k) for k, v in response_headers.items()},
            response_body=redact(_response_text(response_headers, content, encoding)) if self._answer else "",
            response_type=_header(response_headers, "Content-Type"),
            error=redact(self._failure) if self._failure else "",
            placeholders=_placeholders(headers, body, url, self._prefix),
            **self._fields,
        )

    def __repr__(self) -> str:
        return "<an exchange, redacted when the journal is read>"

    def __reduce__(self) -> Any:
        raise TypeError("a pending journal record is not pickled: it holds values not yet redacted")


def _response_text(headers: dict[str, str], content: bytes | None, encoding: str | None) -> str:
    if content is None:
        return "<streamed body not read>"
    try:
        text = content.decode(encoding or "utf-8", "replace")
    except LookupError:  # a charset Python does not know
        text = content.decode("utf-8", "replace")
    if "json" in _header(headers, "Content-Type"):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def _header(headers: dict[str, str], name: str) -> str:
    """A header's value by its name in any case (``""`` when absent)."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), "")


class Journaled(Protocol):
    """Anything that keeps a journal: a kit Session."""

    journal: Journal


def sent(sessions: dict[str, Journaled], step: str) -> dict[str, dict[str, str]]:
    """What each labelled session sent in its first exchange named ``step``: URL and headers, redacted.

    For comparing two ways of sending the same call (a token in the header vs in the query).
    """
    result = {}
    for label, session in sessions.items():
        entry = next(e for e in session.journal.entries if e.step == step)
        row = entry.row()
        result[label] = {"url": row["url"], "request_headers": row["request_headers"]}
    return result


def journal(session: Journaled) -> pd.DataFrame:
    """The journal of a kit session as a table: one row per exchange, redacted."""
    log = getattr(session, "journal", None)
    if not isinstance(log, Journal):
        raise ConfigError("kit.journal() takes a kit session (made by kit.connect(...).session())")
    return log.table()


def now_utc() -> datetime:
    return datetime.now(UTC)
