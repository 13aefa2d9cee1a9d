"""The one exception family of kit.

::

    KitError
    ├── ConfigError      bad input or missing configuration (env vars, settings, form fields)
    ├── SandboxError     a local sandbox failed to start, or a handler inside it crashed
    ├── TransportError   nothing came back: connection refused or reset, TLS failure, timeout
    └── ApiError         a provider answered with an error (HTTP status, code, message)
        └── AuthError    the error is about authentication or authorisation (401, 403, ...)

Every message goes through :func:`kit.redact` before it is stored, so no registered secret,
JWT or credential-like value can appear in ``str(error)``. An error with fields (an answer's status
and code, a transport failure's method, URL and attempts) stores the fields and formats its message
when it is read, so a field filled in later (the provider of a generic OAuth2 error) shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["ApiError", "AuthError", "ConfigError", "Failure", "KitError", "SandboxError", "TransportError"]


#: how a message is redacted: kit.secrets installs redact() when it loads (errors imports nothing of
#: kit's, so every module may raise these); before that no Secret exists that could need masking
def _unchanged(value: Any) -> Any:
    return value


_redactor: Callable[[Any], Any] = _unchanged
_show_url: Callable[[str], str] = str


def use_redactor(redactor: Callable[[Any], Any], show_url: Callable[[str], str]) -> None:
    """Redact every message and body from now on with ``redactor``, URLs with ``show_url`` (called
    once, by :mod:`kit.secrets`)."""
    global _redactor, _show_url
    _redactor = redactor
    _show_url = show_url


def _clean(text: str) -> str:
    return str(_redactor(text))


class KitError(Exception):
    """Root of every error kit raises.

    ``hint``: what to do about it, when kit knows more than the message says (which credential was
    changed, and where); shown in a notebook's error box, never holding a value.
    """

    hint: str = ""

    def __init__(self, message: str) -> None:
        self._message = _clean(message)
        super().__init__(self._message)

    @property
    def message(self) -> str:
        """The message, redacted."""
        return self._message

    def __str__(self) -> str:
        return self.message


class ConfigError(KitError):
    """Bad input or missing configuration: an unknown provider, a missing env var, a bad setting."""


class SandboxError(KitError):
    """A sandbox could not start, or a handler inside it failed unexpectedly."""


@dataclass(frozen=True)
class Failure:
    """What a transport failure is made of: the request, the underlying exception's name and words."""

    method: str
    url: str  # shown, never with a query value
    cause: str  # the requests exception's name (``ConnectTimeout``)
    detail: str = ""  # its useful end (``[Errno 111] Connection refused``)
    provider: str = ""
    note: str = ""  # why the base URL may not answer: the env var it came from, a stopped sandbox
    attempts: int = 1


class TransportError(KitError):
    """Nothing came back from the provider: refused or reset connection, TLS failure, timeout.

    The message names the method, the redacted URL and a note on the base URL: for a live target
    the env var that set it, for a stopped sandbox what to run again; ``cause`` is the name of the
    underlying requests exception (``ConnectTimeout``). Formatted from :attr:`failure` when read.
    """

    def __init__(self, failure: Failure) -> None:
        self.failure = failure
        super().__init__(self.message)

    @property
    def cause(self) -> str:
        return self.failure.cause

    @property
    def attempts(self) -> int:
        return self.failure.attempts

    @property
    def message(self) -> str:
        f = self.failure
        tries = f" after {f.attempts} attempts" if f.attempts > 1 else ""
        where = f" ({f.note})" if f.note else ""
        label = f"{f.provider}: " if f.provider else ""
        return _clean(f"{label}{f.method} {f.url} failed{tries}: {f.cause}{': ' + f.detail if f.detail else ''}{where}")

    @classmethod
    def of(
        cls, exc: BaseException, method: str, url: str, *, provider: str = "", note: str = "", attempts: int = 1
    ) -> TransportError:
        """Describe ``exc`` (raised while sending ``method url``) without anything secret in it."""
        detail = _detail(str(exc))
        return cls(Failure(method, _show_url(url), type(exc).__name__, detail, provider, note, attempts))

    def after(self, attempts: int) -> TransportError:
        """The same failure, reported as the last of ``attempts`` tries."""
        return TransportError(replace(self.failure, attempts=attempts))


def _detail(text: str) -> str:
    """The useful end of a requests/urllib3 message: ``[Errno 111] Connection refused``, ``Read timed out``."""
    errno = re.search(r"\[Errno -?\d+\] [^'\")\]]+", text)
    if errno:
        return errno.group(0).strip()
    phrases = ("Read timed out", "timed out", "Connection aborted", "Connection broken", "CERTIFICATE_VERIFY_FAILED")
    for phrase in phrases:
        if phrase in text:
            return phrase
    return ""


class ApiError(KitError):
    """A provider answered with an error; carries the HTTP status and the provider's code and message."""

    def __init__(
        self,
        status: int | None,
        code: str | None,
        message: str,
        *,
        provider: str | None = None,
        url: str | None = None,
        body: Any = None,
    ) -> None:
        self.status = status
        self.code = code
        self.provider = provider
        self.url = _clean(url) if url else None
        self.body = _redactor(body)
        self.detail = _clean(message)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """``<provider> <status> <code>: <detail> (<url>)``, from the fields as they are now."""
        label = f"{self.provider} " if self.provider else ""
        where = f" ({self.url})" if self.url else ""
        return f"{label}{self.status} {self.code or '-'}: {self.detail}{where}"


class AuthError(ApiError):
    """The provider refused the credentials or the token (401), or the caller's rights (403)."""
