"""The wire: sends what auth flows yield, within one origin, and journals each exchange as it is sent.

:class:`Wire` is the driver side of the seam in :mod:`kit.auth.flow`, a part a
:class:`~kit.session.Session` *has* (not a base it inherits): the session hands it its
``requests.Session`` transport, its journal and what to say about failures. For every exchange a
flow yields it checks the origin, sends it without letting requests follow redirects, and decides
itself:

* token, login, refresh and logout answers that redirect are handed back as they are, and the
  driver (:func:`kit.auth.flow.drive`) refuses them: an :class:`~kit.errors.AuthError` naming both origins;
* any other request redirected to **another** origin is refused the same way: not followed with
  or without credentials, since a 307 would also carry its body (which may hold a password); a
  redirect within the origin is followed as requests would (method and body rules, cookies);
* a transport failure becomes a :class:`~kit.errors.TransportError` thrown into the flow, which
  may retry; anything else that cannot be sent becomes a KitError that does not quote the value.

Each exchange is journaled once, as it is sent (a redirect hop too): the journal keeps a reference
and redacts when it is read (:mod:`kit.record.entry` says why that is the one point).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypedDict, TypeVar
from urllib.parse import urlsplit

import requests

from kit.answers import ErrorParser, Response
from kit.auth.flow import NO_AUTH, Exchange, Flow, Kind, drive
from kit.auth.origins import Origin, check_origin, redirect_refused, same_origin
from kit.errors import ApiError, KitError, TransportError
from kit.record.journal import Journal, now_utc
from kit.secrets import redact, show_url

__all__ = ["Hint", "Transport", "Wire", "Wiring"]

T = TypeVar("T")
E = TypeVar("E", bound=KitError)
#: what to do about a refusal: which credential was changed and where (a :class:`kit.Target` gives it)
Hint = Callable[[KitError], str]
#: sends one prepared request as it is, redirects not followed (requests' own ``Session.send``)
Transport = Callable[..., requests.Response]


class Wiring(TypedDict, total=False):
    """What a :class:`kit.Target` gives every session it makes, through the provider's factory."""

    #: why the base URL may not answer: the env var it came from (live), or a stopped sandbox
    explain: Callable[[], str] | None
    #: what to do about a refusal: which credential was changed and where
    hint: Hint | None
    #: keep at most this many journal entries
    journal_limit: int
    #: what the session's repr adds (made before the form's last Submit or Reset)
    note: Callable[[], str] | None


def _cannot_send(exc: BaseException) -> str:
    """Why a request could not be sent, without the value that made it fail (it may be a secret)."""
    if isinstance(exc, (ValueError, UnicodeError)):  # invalid header or URL: their messages quote the value
        return f"{type(exc).__name__}: a header or the URL holds a newline, an edge space or a forbidden character"
    return f"{type(exc).__name__}: {redact(str(exc))}"


class Wire:
    """Sends flow exchanges within ``origin`` through ``transport`` and journals each in ``journal``."""

    def __init__(
        self,
        http: requests.Session,
        transport: Transport,
        *,
        origin: Origin,
        provider: str,
        journal: Journal,
        error_parser: ErrorParser,
        explain: Callable[[], str] | None = None,
        hint: Hint | None = None,
    ) -> None:
        self.http = http  # prepares requests (its headers, cookies, adapters) and counts redirects
        self.transport = transport
        self.origin = origin
        self.provider = provider
        self.journal = journal
        self.error_parser = error_parser
        #: why the base URL may not answer, for transport errors: the env var it came from (live), or a
        #: stopped sandbox and what to run
        self.explain = explain
        self.hint = hint
        self._steps = threading.local()  # the step label is per thread: threads share a session

    # -- step labels ------------------------------------------------------------------------------

    @property
    def step(self) -> str | None:
        """The label of the step the calling thread is in (None outside any)."""
        label: str | None = getattr(self._steps, "label", None)
        return label

    @contextmanager
    def labelled(self, name: str | None) -> Iterator[None]:
        """Label every business exchange this thread sends inside the block with ``name`` (None: as it is)."""
        if name is None:
            yield
            return
        previous = self.step
        self._steps.label = name
        try:
            yield
        finally:
            self._steps.label = previous

    # -- errors -----------------------------------------------------------------------------------

    @contextmanager
    def guard(self, method: str, url: str) -> Iterator[None]:
        """Let KitErrors through (hinted); turn anything else into a KitError without a secret in it."""
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

    # -- driving ----------------------------------------------------------------------------------

    @staticmethod
    def once(request: requests.PreparedRequest, kind: Kind = "business") -> Flow[None]:
        """A flow of one exchange: ``request`` sent as it is."""
        yield Exchange(request, kind=kind)

    def drive(self, flow: Flow[T], options: dict[str, Any]) -> tuple[T, requests.Response | None]:
        """Run ``flow``, sending each exchange with ``options``; its value and the caller's answer.

        The answer is the last non-auth exchange's (an auth exchange's only when there was no other):
        a token check sent after a refused call does not replace the call's answer.
        """
        last: list[requests.Response] = []

        def send(exchange: Exchange) -> requests.Response:
            response = self._transmit(exchange, options)
            if exchange.kind != "auth" or not last:
                last[:] = [response]
            return response

        value = drive(flow, send)
        return value, (last[0] if last else None)

    def _prepare(self, request: requests.Request | requests.PreparedRequest) -> requests.PreparedRequest:
        if isinstance(request, requests.PreparedRequest):
            return request
        request.auth = NO_AUTH  # a flow's own request carries exactly what the flow put on it
        return self.http.prepare_request(request)

    def _label(self, exchange: Exchange, request: requests.PreparedRequest) -> str:
        if exchange.kind == "auth":
            base = exchange.label or exchange.action
            base = f"{base} ({exchange.reason})" if exchange.reason else base
        else:
            base = exchange.label or self.step or f"{request.method} {urlsplit(request.url or '').path}"
        return f"{base} · retry after {exchange.retry_after}" if exchange.retry_after else base

    def _transmit(self, exchange: Exchange, options: dict[str, Any]) -> requests.Response:
        """Send one exchange, following redirects only within the origin (never an auth exchange's)."""
        request = self._prepare(exchange.request)
        kwargs = dict(options)
        asked_to_follow = kwargs.pop("allow_redirects", True)
        if exchange.timeout is not None:
            kwargs["timeout"] = exchange.timeout
        label = self._label(exchange, request)
        history = list[requests.Response]()
        while True:
            check_origin(self.origin, request.url or "")
            started = now_utc()
            clock = time.perf_counter()
            hop = len(history)
            try:
                raw = self.transport(request, allow_redirects=False, **kwargs)
            except requests.RequestException as exc:
                note = self.explain() if self.explain else ""
                method = request.method or ""
                url = request.url or ""
                failure = TransportError.of(exc, method, url, provider=self.provider, note=note)
                elapsed = (time.perf_counter() - clock) * 1000
                self.journal.record(
                    exchange, None, sent=request, step=label, elapsed_ms=elapsed, started=started, hop=hop,
                    error=failure.message,
                )  # fmt: skip
                raise failure from None
            except (ValueError, UnicodeError) as exc:
                elapsed = (time.perf_counter() - clock) * 1000
                self.journal.record(
                    exchange, None, sent=request, step=label, elapsed_ms=elapsed, started=started, hop=hop,
                    error=_cannot_send(exc),
                )  # fmt: skip
                raise
            response = Response.adopt(raw, self.provider, self.error_parser)
            elapsed = (time.perf_counter() - clock) * 1000
            self.journal.record(
                exchange, response, sent=request, step=label, elapsed_ms=elapsed, started=started, hop=hop
            )
            following = response.next
            if following is None or exchange.kind == "auth" or not asked_to_follow:  # the flow or caller decides
                response.history = history
                return response
            if not same_origin(following.url or "", self.origin):
                raise redirect_refused(exchange.kind, response, request.url or "")
            history.append(response)
            if len(history) > self.http.max_redirects:
                where = show_url(request.url or "")
                raise KitError(f"{self.provider}: more than {self.http.max_redirects} redirects from {where}")
            request = following
