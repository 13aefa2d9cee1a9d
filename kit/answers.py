"""How a provider's answer becomes a typed, redacted error: the parsers every provider builds on.

A provider module supplies an :data:`ErrorParser` (its own error envelope → :class:`ApiError`, or
:class:`AuthError` for 401/403); :func:`default_error_parser` reads the common JSON shapes. A kit
session hands out :class:`Response` objects, whose ``raise_for_status`` raises that typed error
instead of requests' ``HTTPError``, whose message would carry the full URL, query included (a
token sent as ``?access_token=``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.utils import guess_json_utf

from kit.bounded import LimitError, loads
from kit.errors import ApiError, AuthError

__all__ = [
    "PROBLEM_JSON",
    "ErrorParser",
    "Response",
    "answer_body",
    "api_error",
    "default_error_parser",
    "json_body",
    "json_error_parser",
    "problem_error",
]

#: RFC 9457's media type for problem details
PROBLEM_JSON = "application/problem+json"

ErrorParser = Callable[[requests.Response, str], ApiError | None]


def answer_json(response: requests.Response, what: str = "the answer") -> Any:
    """The answer's JSON, read within kit's limits (:mod:`kit.bounded`).

    :raises LimitError: nested too deep or too large (a KitError naming the limit).
    :raises ValueError: not JSON.
    """
    content = response.content or b""
    encoding = response.encoding or guess_json_utf(content) or "utf-8"
    try:
        text = content.decode(encoding, "replace")
    except LookupError:  # a charset Python does not know
        text = content.decode("utf-8", "replace")
    return loads(text, what=what)


def json_or_none(response: requests.Response, what: str = "the answer") -> tuple[Any, str]:
    """The answer's JSON and "", or None and why not (not JSON, or beyond kit's limits)."""
    try:
        return answer_json(response, what), ""
    except LimitError as exc:
        return None, str(exc)
    except ValueError:
        return None, "a body that is not JSON"


def json_body(response: requests.Response) -> tuple[Any, dict[str, Any]]:
    """The parsed body (None when not JSON; the LimitError when beyond kit's limits) and the same as a
    dict ({} when it is not one)."""
    body: Any
    try:
        body = answer_json(response)
    except LimitError as exc:
        body = exc
    except ValueError:
        body = None
    return body, body if isinstance(body, dict) else {}


def problem_error(response: requests.Response, provider: str, body: Any, data: dict[str, Any]) -> ApiError | None:
    """The error an answer served as ``application/problem+json`` (RFC 9457) states, else None.

    ``body`` and ``data`` are the answer's :func:`json_body` (parsed once by the caller). Members are
    RFC 9457's (``type``, ``title``, ``status``, ``detail``, ``instance``) plus the provider's own
    (``code``, ``invalidParams``, …): the code is ``code`` (else ``type``), the message title and detail.
    """
    media = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if media != PROBLEM_JSON:
        return None
    message = " ".join(str(p) for p in (data.get("title"), data.get("detail")) if p) or None
    return api_error(response, provider, data.get("code") or data.get("type"), message, body)


def api_error(
    response: requests.Response, provider: str, code: Any, message: Any, body: Any, *, auth: bool | None = None
) -> ApiError:
    """An AuthError (``auth`` True, or by default for 401/403) or ApiError built from one answer."""
    if isinstance(body, LimitError):  # the answer itself was beyond kit's limits: say so, show none of it
        message, body = message or str(body), str(body)
    is_auth = response.status_code in (401, 403) if auth is None else auth
    kind = AuthError if is_auth else ApiError
    return kind(
        response.status_code,
        None if code is None else str(code),
        str(message or response.reason or "error"),
        provider=provider,
        url=urlsplit(response.url).path,
        body=body,
    )


def json_error_parser(read: Callable[[dict[str, Any]], tuple[Any, Any]]) -> ErrorParser:
    """An error parser: None below 400; problem details as RFC 9457 has them; else the ``(code, message)`` that
    ``read`` finds in the answer's JSON object ({} when it is none), as an ApiError (AuthError for 401/403)."""

    def parse(response: requests.Response, provider: str) -> ApiError | None:
        if response.status_code < 400:
            return None
        body, data = json_body(response)
        problem = problem_error(response, provider, body, data)
        if problem is not None:
            return problem
        code, message = read(data)
        return api_error(response, provider, code, message, body)

    return parse


def _code_and_message(data: dict[str, Any]) -> tuple[Any, Any]:
    inner = data["error"] if isinstance(data.get("error"), dict) else data
    code = inner.get("code") or inner.get("error") or inner.get("class")
    return code, inner.get("message") or inner.get("error_description") or inner.get("detail")


#: an ApiError (AuthError for 401/403) for any status >= 400, with code and message from JSON
default_error_parser = json_error_parser(_code_and_message)


class Response(requests.Response):
    """A requests Response whose ``raise_for_status`` raises the provider's typed, redacted error."""

    provider: str = ""
    error_parser: ErrorParser = staticmethod(default_error_parser)

    @classmethod
    def adopt(cls, response: requests.Response, provider: str, parser: ErrorParser) -> Response:
        adopted = cls.__new__(cls)
        adopted.__dict__.update(response.__dict__)
        adopted.provider = provider
        adopted.error_parser = parser
        return adopted

    def raise_for_status(self) -> None:
        """:raises ApiError: (AuthError for 401/403) for a status >= 400, never with the URL's query."""
        if self.status_code >= 400:
            error = self.error_parser(self, self.provider) or default_error_parser(self, self.provider)
            assert error is not None  # the default parser answers every status >= 400
            raise error


def answer_body(response: requests.Response, provider: str, method: str, path: str) -> Any:
    """A successful answer's body: its JSON, or its text; None for a 204 or an empty body, whatever its
    Content-Type says (LoopBack's 204s say JSON).

    :raises ApiError: the answer says JSON but holds none (``unreadable_answer``).
    """
    if response.status_code == 204 or not response.content:
        return None
    if "json" in response.headers.get("Content-Type", ""):
        body, problem = json_or_none(response, f"the answer to {method} {urlsplit(str(path)).path}")
        if problem:
            raise ApiError(response.status_code, "unreadable_answer", problem, provider=provider, url=path)
        return body
    return response.text
