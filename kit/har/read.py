"""Reading a HAR file someone else wrote: every field kit uses is checked before it is used.

A HAR file is input like any provider answer: it may be deep, huge, or hold a number where a
string belongs. :func:`har_entries` reads it within kit's limits (:mod:`kit.bounded`; a UTF-8 byte
order mark is fine) and turns each entry into a redacted :class:`~kit.record.entry.Entry`, or raises
:class:`~kit.errors.ConfigError` naming the file, the entry (numbered from 1) and the field. An
entry with an empty or non-token method is refused, never sent.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from pathlib import Path
from typing import Any, cast, get_args
from urllib.parse import urlsplit

from kit.auth.flow import Kind
from kit.bounded import MAX_CHARS, LimitError, loads, number
from kit.errors import ConfigError
from kit.record.entry import Entry
from kit.secrets import redact

__all__ = ["entry_from_har", "har_entries"]

_METHOD = re.compile(r"[A-Za-z]{1,20}")  # an HTTP method token (GET, PUT, PROPFIND, …)
_MAX_ATTEMPT = 100
#: the most bytes kit reads of a HAR file: its text limit, every character at UTF-8's widest
MAX_BYTES = 4 * MAX_CHARS


class _Bad(ValueError):
    """One field of one entry is unusable: what it should have been."""

    def __init__(self, field: str, wanted: str) -> None:
        super().__init__(f"{field} must be {wanted}")


def har_entries(path: str | Path) -> tuple[list[Entry], int]:
    """The entries of the HAR file at ``path``, and how many the file says were dropped before them.

    :raises ConfigError: the file cannot be read, is not a HAR document, or an entry's field is unusable.
    """
    try:
        with open(path, "rb") as stream:  # bounded: a file past kit's limit is never read whole
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"{path} is not a readable HAR file: it cannot be read ({reason})") from None
    if len(raw) > MAX_BYTES:
        size = f"{MAX_BYTES // 1_000_000} MB"
        raise ConfigError(f"the HAR file {path} is larger than {size}: kit does not read it (its limit)")
    try:
        document = loads(raw, what=f"the HAR file {path}")
    except LimitError as exc:
        raise ConfigError(str(exc)) from None
    except ValueError as exc:
        raise ConfigError(f"{path} is not a readable HAR file: {type(exc).__name__}") from None
    log = document.get("log") if isinstance(document, dict) else None
    items = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(log, dict) or not isinstance(items, list):
        raise ConfigError(f"{path} is not a readable HAR file: no log.entries list")
    entries = []
    for position, item in enumerate(items, 1):
        try:
            entries.append(entry_from_har(item))
        except _Bad as exc:
            raise ConfigError(f"{path}: entry {position}: {exc}") from None
    dropped = log.get("_dropped") or 0
    if not _is_int(dropped) or dropped < 0:
        raise ConfigError(f"{path}: log._dropped must be a whole number of entries")
    return entries, int(dropped)


def entry_from_har(item: Any) -> Entry:
    """One HAR entry as a redacted journal Entry; _Bad (a ValueError) naming the first unusable field."""
    if not isinstance(item, dict):
        raise _Bad("the entry", "an object")
    request = _object(item, "request")
    response = _object(item, "response", optional=True)
    method = request.get("method")
    if not isinstance(method, str) or not _METHOD.fullmatch(method):
        raise _Bad("request.method", "an HTTP method such as GET")
    url = _text(request, "url", "request.url")
    if not url:
        raise _Bad("request.url", "a URL")
    content = _object(response, "content", optional=True, where="response.")
    post = _object(request, "postData", optional=True, where="request.")
    status = response.get("status")
    if status is not None and (not _is_int(status) or not 0 <= status <= 999):
        raise _Bad("response.status", "a whole number within 0..999")
    elapsed = item.get("time", 0)
    if number(elapsed) is None or not math.isfinite(elapsed):
        raise _Bad("time", "a finite number of milliseconds")
    attempt = item.get("_attempt", 1)
    attempt = 1 if attempt is None else attempt
    if not _is_int(attempt) or not 1 <= attempt <= _MAX_ATTEMPT:
        raise _Bad("_attempt", f"a whole number within 1..{_MAX_ATTEMPT}")
    started = _text(item, "startedDateTime", "startedDateTime") or "1970-01-01T00:00:00Z"
    try:
        when = datetime.fromisoformat(started.replace("Z", "+00:00"))
    except ValueError:
        raise _Bad("startedDateTime", "an ISO 8601 time") from None
    shown_url = redact(url)
    return Entry(
        step=_text(item, "_step", "_step") or f"{method} {urlsplit(shown_url).path}",
        method=method.upper(),
        url=shown_url,
        status=status or None,
        status_text=_text(response, "statusText", "response.statusText"),
        elapsed_ms=float(elapsed),
        started=when,
        request_headers=_headers(request, "request.headers"),
        request_body=redact(_text(post, "text", "request.postData.text")),
        response_headers=_headers(response, "response.headers"),
        response_body=redact(_text(content, "text", "response.content.text")),
        response_type=_text(content, "mimeType", "response.content.mimeType"),
        error=_text(item, "_error", "_error"),
        kind=_kind(_text(item, "_kind", "_kind") or "business"),
        action=_text(item, "_action", "_action") or "call",
        reason=_text(item, "_reason", "_reason"),
        attempt=int(attempt),
        retry_after=_text(item, "_retryAfter", "_retryAfter"),
    )


def _kind(value: str) -> Kind:
    for kind in get_args(Kind):
        if value == kind:
            return cast(Kind, kind)
    raise _Bad("_kind", f"one of {', '.join(get_args(Kind))}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _object(parent: dict[str, Any], name: str, *, optional: bool = False, where: str = "") -> dict[str, Any]:
    value = parent.get(name)
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        raise _Bad(where + name, "an object")
    return value


def _text(parent: dict[str, Any], name: str, field: str) -> str:
    value = parent.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(field, "a string")
    return _unicode(value, field)


def _unicode(value: str, field: str) -> str:
    """``value``, if it is text UTF-8 can carry: a lone surrogate (JSON's ``\\ud800``) can be neither sent,
    printed nor written back to a file."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _Bad(field, f"Unicode text (it holds a lone surrogate, U+{ord(value[exc.start]):04X})") from None
    return value


def _headers(parent: dict[str, Any], field: str) -> dict[str, str]:
    items = parent.get("headers") or []
    if not isinstance(items, list):
        raise _Bad(field, "a list of {name, value}")
    headers = {}
    for position, header in enumerate(items, 1):
        if not isinstance(header, dict) or not isinstance(header.get("name"), str):
            raise _Bad(f"{field}[{position}].name", "a string")
        if not isinstance(header.get("value"), str):
            raise _Bad(f"{field}[{position}].value", "a string")
        name = _unicode(header["name"], f"{field}[{position}].name")
        headers[name] = redact(_unicode(header["value"], f"{field}[{position}].value"), key=name)
    return headers
