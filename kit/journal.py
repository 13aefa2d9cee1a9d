"""The exchange journal: every request a kit session sends, redacted as it is recorded.

An :class:`Entry` never holds a secret: headers, URL and bodies go through :func:`kit.redact`
when the exchange is recorded, and the raw request is dropped. Each masked value remembers
the env-style placeholder it stands for (``$PLIANCE_SECRET``, ``$PLIANCE_TOKEN``), so
:func:`kit.to_curl` can print a runnable command without the value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import requests

from kit.secrets import JWT, Secret, fingerprint, is_sensitive, placeholder_name, redact, registered_in

__all__ = ["Entry", "Journal", "journal", "sent"]

COLUMNS = ["step", "method", "url", "status", "ms", "request_headers", "request_body", "response"]
HIDDEN_HEADERS = {"user-agent", "accept-encoding", "accept", "connection", "content-length"}
SUMMARY_CHARS = 160


@dataclass
class Entry:
    """One recorded exchange, already redacted."""

    step: str
    method: str
    url: str
    status: int | None
    reason: str
    elapsed_ms: float
    started: datetime
    request_headers: dict[str, str]
    request_body: str
    response_headers: dict[str, str]
    response_body: str
    response_type: str
    error: str = ""
    placeholders: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """The response body in one short line (or the transport error)."""
        text = self.error or self.response_body
        return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"

    def row(self) -> dict[str, Any]:
        shown = {k: v for k, v in self.request_headers.items() if k.lower() not in HIDDEN_HEADERS}
        return {
            "step": self.step,
            "method": self.method,
            "url": self.url,
            "status": self.status if self.status is not None else "-",
            "ms": f"{min(self.elapsed_ms, 99999):5.0f} ms",  # fixed width: stable table layout
            "request_headers": "; ".join(f"{k}: {v}" for k, v in shown.items()),
            "request_body": self.request_body,
            "response": self.summary(),
        }


def _text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    if isinstance(body, str):
        return body
    return f"<{type(body).__name__} stream>"


def _label(prefix: str, key: str) -> str:
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
    """An append-only list of entries, written by a session's ``send``."""

    def __init__(self, prefix: str = "KIT") -> None:
        self.prefix = prefix.upper()
        self.entries: list[Entry] = []

    def record(
        self,
        request: requests.PreparedRequest,
        response: requests.Response | None,
        step: str,
        elapsed_ms: float,
        started: datetime,
        error: BaseException | None = None,
    ) -> Entry:
        headers = {k: v.decode("latin-1") if isinstance(v, bytes) else v for k, v in request.headers.items()}
        body = _text(request.body)
        entry = Entry(
            step=step,
            method=request.method or "",
            url=redact(request.url or ""),
            status=response.status_code if response is not None else None,
            reason=response.reason if response is not None else "",
            elapsed_ms=elapsed_ms,
            started=started,
            request_headers={k: redact(v, key=k) for k, v in headers.items()},
            request_body=redact(body) if body else "",
            response_headers={
                k: redact(v, key=k) for k, v in (response.headers if response is not None else {}).items()
            },
            response_body=redact(_response_text(response)) if response is not None else "",
            response_type=response.headers.get("Content-Type", "") if response is not None else "",
            error=redact(f"{type(error).__name__}: {error}") if error is not None else "",
            placeholders=_placeholders(headers, body, request.url or "", self.prefix),
        )
        self.entries.append(entry)
        return entry

    def forget(self, secret: Secret) -> None:
        """Mask ``secret`` in entries recorded before it was known (a token read from a login answer)."""
        value = secret.reveal()
        for entry in self.entries:
            if value in entry.response_body or value in entry.request_body or value in entry.url:
                entry.response_body, entry.request_body = redact(entry.response_body), redact(entry.request_body)
                entry.url = redact(entry.url)

    def table(self) -> pd.DataFrame:
        frame = pd.DataFrame([e.row() for e in self.entries], columns=COLUMNS)
        frame.index = pd.RangeIndex(1, len(frame) + 1)
        return frame


def _response_text(response: requests.Response) -> str:
    if getattr(response, "_content", None) is False:  # stream=True and the body not read yet
        return "<streamed body not read>"
    text = response.text
    if "json" in response.headers.get("Content-Type", ""):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def sent(sessions: dict[str, Any], step: str) -> dict[str, dict[str, str]]:
    """What each labelled session sent in its first exchange named ``step``: URL and headers, redacted.

    For comparing two ways of sending the same call (a token in the header vs in the query).
    """
    result = {}
    for label, session in sessions.items():
        entry = next(e for e in session.journal.entries if e.step == step)
        row = entry.row()
        result[label] = {"url": row["url"], "request_headers": row["request_headers"]}
    return result


def journal(session: Any) -> pd.DataFrame:
    """The journal of a kit session as a table: one row per exchange, redacted."""
    log = getattr(session, "journal", None)
    if not isinstance(log, Journal):
        raise TypeError("kit.journal() takes a kit session (made by kit.connect(...).session())")
    return log.table()


def now_utc() -> datetime:
    return datetime.now(UTC)
