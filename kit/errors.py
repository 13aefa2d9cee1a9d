"""The one exception family of kit.

::

    KitError
    ├── ConfigError      bad input or missing configuration (env vars, settings, form fields)
    ├── SandboxError     a local sandbox failed to start, or a handler inside it crashed
    ├── TransportError   nothing came back: connection refused or reset, TLS failure, timeout
    └── ApiError         a provider answered with an error (HTTP status, code, message)
        └── AuthError    the error is about authentication or authorisation (401, 403, ...)

Every message goes through :func:`kit.redact` before it is stored, so no registered secret,
JWT or credential-like value can appear in ``str(error)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["ApiError", "AuthError", "ConfigError", "KitError", "SandboxError", "TransportError"]


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
        self.message = _clean(message)
        super().__init__(self.message)


class ConfigError(KitError):
    """Bad input or missing configuration: an unknown provider, a missing env var, a bad setting."""


class SandboxError(KitError):
    """A sandbox could not start, or a handler inside it failed unexpectedly."""


class TransportError(KitError):
    """Nothing came back from the provider: refused or reset connection, TLS failure, timeout.

    The message names the method, the redacted URL and a note on the base URL: for a live target
    the env var that set it, for a stopped sandbox what to run again; ``cause`` is the name of the
    underlying requests exception (``ConnectTimeout``).
    """

    def __init__(self, message: str, *, cause: str = "", attempts: int = 1) -> None:
        super().__init__(message)
        self.cause = cause
        self.attempts = attempts

    @classmethod
    def of(
        cls,
        exc: BaseException,
        method: str,
        url: str,
        *,
        provider: str = "",
        note: str = "",
        attempts: int = 1,
    ) -> TransportError:
        """Describe ``exc`` (raised while sending ``method url``) without anything secret in it."""
        show_url = _show_url
        name = type(exc).__name__
        detail = _detail(str(exc))
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        where = f" ({note})" if note else ""
        label = f"{provider}: " if provider else ""
        message = f"{label}{method} {show_url(url)} failed{tries}: {name}{': ' + detail if detail else ''}{where}"
        return cls(message, cause=name, attempts=attempts)

    def after(self, attempts: int) -> TransportError:
        """The same failure, reported as the last of ``attempts`` tries."""
        again = f" failed after {attempts} attempts:"
        message = re.sub(r" failed(?: after \d+ attempts)?:", again, self.message, count=1)
        return TransportError(message, cause=self.cause, attempts=attempts)


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
        redact = _redactor
        self.status = status
        self.code = code
        self.provider = provider
        self.url = _clean(url) if url else None
        self.body = redact(body)
        label = f"{provider} " if provider else ""
        where = f" ({self.url})" if self.url else ""
        super().__init__(f"{label}{status} {code or '-'}: {message}{where}")
        self.detail = _clean(message)


class AuthError(ApiError):
    """The provider refused the credentials or the token (401), or the caller's rights (403)."""
