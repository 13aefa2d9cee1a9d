"""One recorded exchange: the opaque record a session makes as it sends, and the redacted Entry
it becomes when the journal is read.

A :class:`Pending` record keeps what was sent and received as it was; it is never shown (its repr
says nothing, it refuses to be pickled). :meth:`Pending.entry` notes which env-style placeholder
each value that will be masked stands for (``$ACME_SECRET``, ``$ACME_TOKEN``), so :func:`kit.to_curl`
prints a runnable command, and returns the Entry through :meth:`Entry.masked`.

**The one redaction point** is :meth:`Entry.masked`: a record is redacted when it is *read*, never
when it is written, and again on every read, because only then is every secret known that it may
hold. A token arrives in an answer (so it is registered after the exchange that carried it was
recorded), a login answer may be read by another thread while this one's journal is read, and a
secret registered later (a form's new value) must still be masked in what was recorded before.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from kit.auth.flow import Exchange, Kind
from kit.bounded import LimitError, loads
from kit.challenge import challenge
from kit.secrets import JWT, MASK, MASKED, fingerprint, is_sensitive, placeholder_name, redact, registered_in

__all__ = ["HIDDEN_HEADERS", "SUMMARY_CHARS", "Entry", "Pending"]

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
    kind: Kind = "business"
    action: str = "call"
    reason: str = ""
    attempt: int = 1
    retry_after: str = ""

    def masked(self) -> Entry:
        """This entry with every secret known *now* masked (a token learned after it was recorded): the one
        redaction point of the journal (see the module's docstring)."""
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

    def row(self, full: bool = False) -> dict[str, Any]:
        """The entry as a journal table row; the response summarised, or whole (masked) with ``full``."""
        entry = self.masked()
        shown = {k: v for k, v in entry.request_headers.items() if k.lower() not in HIDDEN_HEADERS}
        return {
            "step": entry.step,
            "method": entry.method,
            "url": entry.url,
            "status": entry.status if entry.status is not None else "-",
            "challenge": _challenge(entry.response_headers),
            # fixed width: stable table layout; rounded to the µs first, as a HAR keeps it, so that a journal read
            # back from its HAR shows the same ms (3.4996 was 3 here and 3.5, so 4, there)
            "ms": f"{round(min(entry.elapsed_ms, 99999), 3):5.0f} ms",
            "request_headers": "; ".join(f"{k}: {v}" for k, v in shown.items()),
            "request_body": entry.request_body,
            "response": str(redact(entry.error or entry.response_body)) if full else entry.summary(),
        }

    def __repr__(self) -> str:
        e = self.masked()
        return (
            f"Entry(step={e.step!r}, kind={e.kind!r}, action={e.action!r}, reason={e.reason!r}, "
            f"attempt={e.attempt}, method={e.method!r}, url={e.url!r}, status={e.status!r}, "
            f"request_headers={e.request_headers!r}, request_body={e.request_body!r}, "
            f"response_body={e.summary()!r}, error={e.error!r})"
        )


def _challenge(headers: dict[str, str]) -> str:
    said = challenge(headers)
    return said.short() if said else ""


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


@dataclass(frozen=True, repr=False, eq=False)
class Pending:
    """An exchange as it was sent and received, not yet redacted: never shown, never pickled."""

    step: str
    method: str
    url: str
    headers: Mapping[str, Any]  # the sent request's own (not changed after it was sent)
    body: Any
    answered: bool
    status: int | None
    status_text: str
    response_headers: Mapping[str, str]
    content: bytes | None  # None: a streamed body not read yet
    encoding: str | None
    failure: str
    elapsed_ms: float
    started: datetime
    kind: Kind
    action: str
    reason: str
    attempt: int
    retry_after: str
    prefix: str

    @classmethod
    def of(
        cls,
        exchange: Exchange,
        sent: requests.PreparedRequest,
        response: requests.Response | None,
        step: str,
        elapsed_ms: float,
        started: datetime,
        hop: int,
        failure: str,
        prefix: str,
    ) -> Pending:
        """The record of ``exchange`` as ``sent`` (references only: nothing is copied or redacted here)."""
        content: bytes | None = None
        if response is not None and getattr(response, "_content", None) is not False:  # streamed, not read
            content = response.content
        return cls(
            step=step,
            method=sent.method or "",
            url=sent.url or "",
            headers=sent.headers,
            body=sent.body,
            answered=response is not None,
            status=None if response is None else response.status_code,
            status_text="" if response is None else response.reason or "",
            response_headers={} if response is None else response.headers,
            content=content,
            encoding=None if response is None else response.encoding,
            failure=failure,
            elapsed_ms=elapsed_ms,
            started=started,
            kind=exchange.kind,
            action=exchange.action,
            reason="redirect" if hop else exchange.reason,
            attempt=exchange.attempt,
            retry_after=exchange.retry_after,
            prefix=prefix,
        )

    def entry(self) -> Entry:
        """The Entry, through the one redaction point (:meth:`Entry.masked`), every secret known now masked."""
        headers = {k: v.decode("latin-1") if isinstance(v, bytes) else v for k, v in self.headers.items()}
        body = _text(self.body)
        response_headers = dict(self.response_headers)
        return Entry(
            step=self.step,
            method=self.method,
            url=self.url,
            status=self.status,
            status_text=self.status_text,
            elapsed_ms=self.elapsed_ms,
            started=self.started,
            request_headers=headers,
            request_body=body,
            response_headers=response_headers,
            response_body=_response_text(response_headers, self.content, self.encoding) if self.answered else "",
            response_type=_header(response_headers, "Content-Type"),
            error=self.failure,
            placeholders=_placeholders(headers, body, self.url, self.prefix),
            kind=self.kind,
            action=self.action,
            reason=self.reason,
            attempt=self.attempt,
            retry_after=self.retry_after,
        ).masked()

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
            return json.dumps(loads(text, what="the answer"), ensure_ascii=False)
        except LimitError as exc:  # the journal stays readable: the entry, its body summarised
            return f"[{exc}; {len(text):,} characters not shown]"
        except ValueError:
            return text
    return text


def _header(headers: dict[str, str], name: str) -> str:
    """A header's value by its name in any case (``""`` when absent)."""
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), "")
