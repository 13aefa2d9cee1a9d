"""The wire: a requests.Session that sends what auth flows yield, within one origin, and journals it.

:class:`Wire` is the driver side of the seam in :mod:`kit.flow`. For every exchange a flow yields it
checks the origin, sends it without letting requests follow redirects, and decides itself:

* token, login, refresh and logout requests never follow a redirect: it is an
  :class:`~kit.errors.AuthError` naming both origins;
* any other request redirected to **another** origin is refused the same way: not followed with
  or without credentials, since a 307 would also carry its body (which may hold a password); a
  redirect within the origin is followed as requests would (method and body rules, cookies);
* a transport failure becomes a :class:`~kit.errors.TransportError` thrown into the flow, which
  may retry; anything else that cannot be sent becomes a KitError that does not quote the value.

Each exchange is journaled once, after the flow has read its answer, so a token the answer carried
is already a registered secret and is masked as the entry is written. The user-facing API on top of
this lives in :mod:`kit.session`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests

from kit.answers import ErrorParser, Response, default_error_parser
from kit.errors import ApiError, KitError, TransportError
from kit.flow import NO_AUTH, Exchange, Flow, Kind, Origin, check_origin, drive, origin, redirect_refused, same_origin
from kit.journal import DEFAULT_LIMIT, Journal, now_utc
from kit.secrets import redact, show_url

__all__ = ["Wire"]

T = TypeVar("T")
E = TypeVar("E", bound=KitError)


def _cannot_send(exc: BaseException) -> str:
    """Why a request could not be sent, without the value that made it fail (it may be a secret)."""
    if isinstance(exc, (ValueError, UnicodeError)):  # invalid header or URL: their messages quote the value
        return f"{type(exc).__name__}: a header or the URL holds a newline, an edge space or a forbidden character"
    return f"{type(exc).__name__}: {redact(str(exc))}"


class Wire(requests.Session):
    """Sends flow exchanges within ``origin`` and journals each; :class:`kit.Session` builds on it."""

    def __init__(
        self,
        base_url: str,
        *,
        provider: str,
        error_parser: ErrorParser = default_error_parser,
        explain: Callable[[], str] | None = None,
        journal_limit: int = DEFAULT_LIMIT,
    ) -> None:
        super().__init__()
        self.base_url = base_url
        self.origin: Origin = origin(base_url)
        self.provider = provider
        self.error_parser = error_parser
        #: why the base URL may not answer, for transport errors: the env var it came from (live), or a
        #: stopped sandbox and what to run (set by :class:`kit.Target`)
        self.explain = explain
        #: what to do about a refusal: which credential was changed and where (set by :class:`kit.Target`)
        self.hint: Callable[[KitError], str] | None = None
        self.journal = Journal(prefix=provider, limit=journal_limit)
        self._steps = threading.local()  # the step label is per thread: threads share a session

    @property
    def _step(self) -> str | None:
        """The label of the step the calling thread is in (None outside any)."""
        label: str | None = getattr(self._steps, "label", None)
        return label

    @_step.setter
    def _step(self, label: str | None) -> None:
        self._steps.label = label

    def limit_journal(self, limit: int) -> None:
        """Keep at most ``limit`` entries from now on (a fresh journal; what was recorded goes)."""
        self.journal = Journal(prefix=self.provider, limit=limit)

    @contextmanager
    def _guard(self, method: str, url: str) -> Iterator[None]:
        """Let KitErrors through; turn anything else into a KitError without a secret in it."""
        try:
            yield
        except KitError as exc:
            self.hinted(exc)
            raise
        except Exception as exc:
            where = f"{method} {show_url(url)}".strip()
            raise KitError(f"{self.provider}: {where} could not be sent: {_cannot_send(exc)}") from None

    def hinted(self, error: E) -> E:
        """``error`` with the session's hint (which credential to look at) when it has none yet, and the
        provider it came from when the flow that raised it did not know (a generic OAuth2 token fetch)."""
        if isinstance(error, ApiError) and not error.provider:
            error.provider = self.provider
        if self.hint is not None and not error.hint:
            error.hint = self.hint(error)
        return error

    @staticmethod
    def _once(request: requests.PreparedRequest, kind: Kind) -> Flow[None]:
        yield Exchange(request, kind=kind)

    def _drive(self, flow: Flow[T], options: dict[str, Any]) -> tuple[T, requests.Response | None]:
        """Run ``flow``; each exchange is journaled once the flow has read its answer (and so knows its secrets).

        The response returned is the last non-auth exchange's (an auth exchange's only when there was
        no other): a token check sent after a refused call does not replace the call's answer.
        """
        pending: list[Callable[[], Any]] = []
        last: list[requests.Response] = []

        def send(exchange: Exchange) -> requests.Response:
            self._settle(pending)
            response, record = self._transmit(exchange, options)
            pending.append(record)
            if exchange.kind != "auth" or not last:  # the caller's answer: the last call, not a check after it
                last[:] = [response]
            return response

        try:
            value = drive(flow, send)
        finally:
            self._settle(pending)
        return value, (last[0] if last else None)

    @staticmethod
    def _settle(pending: list[Callable[[], Any]]) -> None:
        while pending:
            pending.pop(0)()

    def _prepare(self, request: requests.Request | requests.PreparedRequest) -> requests.PreparedRequest:
        if isinstance(request, requests.PreparedRequest):
            return request
        request.auth = NO_AUTH  # a flow's own request carries exactly what the flow put on it
        return self.prepare_request(request)

    def _label(self, exchange: Exchange, request: requests.PreparedRequest) -> str:
        if exchange.kind == "auth":
            base = exchange.label or exchange.action
            base = f"{base} ({exchange.reason})" if exchange.reason else base
        else:
            base = exchange.label or self._step or f"{request.method} {urlsplit(request.url or '').path}"
        return f"{base} · retry after {exchange.retry_after}" if exchange.retry_after else base

    def _transmit(self, exchange: Exchange, options: dict[str, Any]) -> tuple[requests.Response, Callable[[], Any]]:
        """Send one exchange, following redirects only within the origin; return the answer and its recorder."""
        request = self._prepare(exchange.request)
        kwargs = dict(options)
        asked_to_follow = kwargs.pop("allow_redirects", True)
        if exchange.timeout is not None:
            kwargs["timeout"] = exchange.timeout
        label, history = self._label(exchange, request), list[requests.Response]()
        while True:
            check_origin(self.origin, request.url or "")
            started, clock = now_utc(), time.perf_counter()
            record = partial(self._record, exchange, request, label=label, started=started, hop=len(history))
            try:
                raw = super().send(request, allow_redirects=False, **kwargs)
            except requests.RequestException as exc:
                note = self.explain() if self.explain else ""
                method, url = request.method or "", request.url or ""
                failure = TransportError.of(exc, method, url, provider=self.provider, note=note)
                record(None, (time.perf_counter() - clock) * 1000, error=failure.message)
                raise failure from None
            except (ValueError, UnicodeError) as exc:
                record(None, (time.perf_counter() - clock) * 1000, error=_cannot_send(exc))
                raise
            response = Response.adopt(raw, self.provider, self.error_parser)
            elapsed = (time.perf_counter() - clock) * 1000
            hop = response.next
            if hop is None or (not asked_to_follow and exchange.kind != "auth"):  # not a redirect, or the caller's
                response.history = history
                return response, partial(record, response, elapsed)
            record(response, elapsed)
            if exchange.kind == "auth":
                raise redirect_refused("auth", response, request.url or "")
            if not same_origin(hop.url or "", self.origin):
                raise redirect_refused(exchange.kind, response, request.url or "")
            history.append(response)
            if len(history) > self.max_redirects:
                where = show_url(request.url or "")
                raise KitError(f"{self.provider}: more than {self.max_redirects} redirects from {where}")
            request = hop

    def _record(
        self,
        exchange: Exchange,
        request: requests.PreparedRequest,
        response: requests.Response | None,
        elapsed_ms: float,
        *,
        label: str,
        started: Any,
        hop: int,
        error: str | None = None,
    ) -> None:
        self.journal.record(
            request,
            response,
            step=label,
            elapsed_ms=elapsed_ms,
            started=started,
            error=error,
            kind=exchange.kind,
            action=exchange.action,
            reason="redirect" if hop else exchange.reason,
            attempt=exchange.attempt,
            retry_after=exchange.retry_after,
        )
