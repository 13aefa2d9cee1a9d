"""One recorded exchange: the opaque record a session makes as it sends, and the redacted Entry
it becomes when the journal is read.

A :class:`Pending` record keeps what was sent and received as it was; it is never shown (its repr
says nothing, it refuses to be pickled). :meth:`Pending.entry` runs headers, URL and bodies through
:func:`kit.redact` with every secret known by then, and notes which env-style placeholder each
masked value stands for (``$ACME_SECRET``, ``$ACME_TOKEN``), so :func:`kit.to_curl` prints a
runnable command. An :class:`Entry` is masked again whenever it is read.
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
            "ms": f"{min(entry.elapsed_ms, 99999):5.0f} ms",  # fixed width: stable table layout
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


class Pending:
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
