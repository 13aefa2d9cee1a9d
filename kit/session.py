"""A ``requests.Session`` that records every exchange in a redacted journal.

Everything users know from requests still works (``auth=``, ``verify=``, ``cert=``, hooks,
adapters). kit adds: paths relative to the provider's base URL, a default timeout on every
request, a step label per exchange, and :meth:`Session.call`, which returns the parsed body or
raises the provider's typed error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from kit.errors import ApiError, AuthError, KitError
from kit.journal import Journal, now_utc
from kit.secrets import redact

__all__ = ["ErrorParser", "Session", "api_error", "default_error_parser", "json_body"]

DEFAULT_TIMEOUT = (5.0, 30.0)
ErrorParser = Callable[[requests.Response, str], "ApiError | None"]


def json_body(response: requests.Response) -> tuple[Any, dict[str, Any]]:
    """The parsed body (None when not JSON) and the same as a dict ({} when it is not one)."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    return body, body if isinstance(body, dict) else {}


def api_error(
    response: requests.Response, provider: str, code: Any, message: Any, body: Any, *, auth: bool | None = None
) -> ApiError:
    """An AuthError (``auth`` True, or by default for 401/403) or ApiError built from one answer."""
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


def default_error_parser(response: requests.Response, provider: str) -> ApiError | None:
    """An ApiError (AuthError for 401/403) for any status >= 400, with code and message from JSON."""
    if response.status_code < 400:
        return None
    body, data = json_body(response)
    inner = data["error"] if isinstance(data.get("error"), dict) else data
    code = inner.get("code") or inner.get("error") or inner.get("class")
    message = inner.get("message") or inner.get("error_description") or inner.get("detail")
    return api_error(response, provider, code, message, body)


class Session(requests.Session):
    """A journaling session bound to one provider and base URL."""

    def __init__(
        self,
        base_url: str,
        *,
        provider: str,
        auth: requests.auth.AuthBase | None = None,
        verify: bool | str | None = None,
        cert: str | tuple[str, str] | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        error_parser: ErrorParser = default_error_parser,
    ) -> None:
        super().__init__()
        self.base_url = base_url
        self.provider = provider
        self.auth = auth
        if verify is not None:
            self.verify = verify
        self.cert = cert
        self.timeout = timeout
        self.error_parser = error_parser
        self.journal = Journal(prefix=provider)
        self.headers["User-Agent"] = "kit/0.1"
        self._step: str | None = None
        self._closers: list[Callable[[], Any]] = []

    def on_close(self, action: Callable[[], Any]) -> None:
        """Run ``action`` (e.g. a logout) when the session closes; its failure is logged, not raised."""
        self._closers.append(action)

    def close(self) -> None:
        closers, self._closers = self._closers, []
        for action in closers:
            try:
                action()
            except Exception as exc:  # closing must not fail because the provider is unreachable
                logging.getLogger("kit").debug("on close: %s", redact(f"{type(exc).__name__}: {exc}"))
        super().close()

    def url_for(self, path: str) -> str:
        """Resolve ``path`` against the base URL (absolute URLs pass through)."""
        return path if "://" in path else urljoin(self.base_url, path)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Label every exchange sent inside the block with ``name`` in the journal."""
        previous, self._step = self._step, name
        try:
            yield
        finally:
            self._step = previous

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        if len(args) < 7 and kwargs.get("timeout") is None:  # timeout is the 7th positional after url
            kwargs["timeout"] = self.timeout
        if len(args) < 12 and kwargs.get("verify") is None and isinstance(self.verify, str):
            kwargs["verify"] = self.verify  # else REQUESTS_CA_BUNDLE would win (psf/requests#3829)
        verb = method.decode() if isinstance(method, bytes) else method
        return super().request(verb, self.url_for(url.decode() if isinstance(url, bytes) else url), *args, **kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        step = self._step or f"{request.method} {urlsplit(request.url or '').path}"
        request._kit_session, request._kit_step = self, step  # type: ignore[attr-defined]
        started, clock = now_utc(), time.perf_counter()
        try:
            response = super().send(request, **kwargs)
        except requests.RequestException as exc:
            self.journal.record(request, None, step, (time.perf_counter() - clock) * 1000, started, error=exc)
            raise
        for earlier in response.history:
            if not getattr(earlier, "_kit_recorded", False):
                self.journal.record(earlier.request, earlier, step, earlier.elapsed.total_seconds() * 1000, started)
        if not getattr(response, "_kit_recorded", False):
            self.journal.record(request, response, step, (time.perf_counter() - clock) * 1000, started)
            response._kit_recorded = True  # type: ignore[attr-defined]
        return response

    def resend(
        self, failed: requests.Response, make_request: Callable[[], requests.PreparedRequest], why: str, **kwargs: Any
    ) -> requests.Response:
        """Record ``failed``, then build and send its replacement, labelled with ``why`` in the journal.

        For auth handlers that retry (a 401, a renewed token, the request again): every exchange
        shows, in the order it happened.
        """
        step = getattr(failed.request, "_kit_step", None) or self._step or "request"
        elapsed = failed.elapsed.total_seconds() * 1000
        self.journal.record(failed.request, failed, step, elapsed, now_utc())
        failed._kit_recorded = True  # type: ignore[attr-defined]
        with self.step(f"{step} · {why}"):
            retried = self.send(make_request(), **kwargs)
        retried.history.append(failed)
        return retried

    def call(self, method: str, path: str, *, step: str | None = None, **kwargs: Any) -> Any:
        """Send a request and return its JSON body (or text); raise the provider's typed error.

        :raises AuthError: for 401/403 answers; :raises ApiError: for other provider errors;
        :raises KitError: when the provider cannot be reached.
        """
        try:
            if step:
                with self.step(step):
                    response = self.request(method, path, **kwargs)
            else:
                response = self.request(method, path, **kwargs)
        except requests.RequestException as exc:
            raise KitError(f"{self.provider}: {type(exc).__name__}: {redact(str(exc))}") from None
        error = self.error_parser(response, self.provider)
        if error is not None:
            raise error
        if "json" in response.headers.get("Content-Type", ""):
            return response.json()
        return response.text

    def __repr__(self) -> str:
        return f"<kit.Session {self.provider} {redact(self.base_url)} exchanges={len(self.journal.entries)}>"
