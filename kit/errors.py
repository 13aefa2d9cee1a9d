"""The one exception family of kit.

::

    KitError
    ├── ConfigError      bad input or missing configuration (env vars, settings, form fields)
    ├── SandboxError     a local sandbox failed to start, or a handler inside it crashed
    └── ApiError         a provider answered with an error (HTTP status, code, message)
        └── AuthError    the error is about authentication or authorisation (401, 403, ...)

Every message goes through :func:`kit.redact` before it is stored, so no registered secret,
JWT or credential-like value can appear in ``str(error)``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ApiError", "AuthError", "ConfigError", "KitError", "SandboxError"]


def _clean(text: str) -> str:
    from kit.secrets import redact  # late import: secrets imports errors

    return str(redact(text))


class KitError(Exception):
    """Root of every error kit raises."""

    def __init__(self, message: str) -> None:
        self.message = _clean(message)
        super().__init__(self.message)


class ConfigError(KitError):
    """Bad input or missing configuration: an unknown provider, a missing env var, a bad setting."""


class SandboxError(KitError):
    """A sandbox could not start, or a handler inside it failed unexpectedly."""


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
        from kit.secrets import redact

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
