"""kit's auths in httpx: an ``httpx.Auth`` that drives the same flows, sync and async (``pip install kit[httpx]``).

:class:`HttpxAuth` wraps any :class:`~kit.auth.scheme.FlowAuth` and the base URL its credentials belong
to. httpx sends the business request (and the one retry after a refused token) through the caller's
client; the flow's own exchanges (token fetches, logins, refreshes) are sent by the auth itself, through
a short-lived client of its own that never follows a redirect, so a token endpoint that redirects is
refused as in a kit Session (:func:`kit.auth.flow.answer`), and a transport failure reaches the flow as a
:class:`~kit.errors.TransportError`, which decides whether its bounded retry makes sense.

The credential stays with its origin: a request to another origin is refused (a ConfigError naming both
origins) before anything is written onto it, and so is a redirect to another origin that the caller's
client follows (``follow_redirects=True``): that hop is refused before its headers are sent (see
``_check_hop``). The token cache is the flow's own, single-flight across threads; within one
event loop an ``asyncio.Lock`` lets one task at a time run the flow's auth steps, so concurrent tasks
wait for one token fetch, and a step that would wait for another thread's fetch runs in a worker thread, so
it never blocks the event loop (``_Steps``).
"""

from __future__ import annotations

import asyncio
import functools
import threading
import weakref
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any

import httpx
import requests
from requests.structures import CaseInsensitiveDict

from kit.auth.flow import Done, Exchange, Flow, aadvance, advance, answer
from kit.auth.origins import Origin, check_origin, origin
from kit.auth.scheme import FlowAuth
from kit.auth.waits import WouldWait, no_wait
from kit.errors import TransportError

__all__ = ["HttpxAuth"]

#: (connect, read) seconds for the auth's own exchanges when the flow names none
TIMEOUT = (5.0, 30.0)


class HttpxAuth(httpx.Auth):
    """``auth`` (a kit FlowAuth) as an ``httpx.Auth`` bound to ``base_url``'s origin.

    :param verify, cert: TLS settings for the auth's own exchanges (the token endpoint): as httpx takes them.
    """

    requires_request_body = True
    requires_response_body = True

    def __init__(
        self,
        auth: FlowAuth[Any],
        base_url: str,
        *,
        verify: bool | str = True,
        cert: str | tuple[str, str] | None = None,
    ) -> None:
        self.auth = auth
        self.base_url = base_url
        self.bound: Origin = origin(base_url)
        if auth.bound is None:
            auth.bound = self.bound
        self.verify = verify
        self.cert = cert
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"HttpxAuth({self.auth!r}, {self.base_url!r})"

    # -- sync ---------------------------------------------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.read()
        flow = self._start(request)
        try:
            step = advance(flow, lambda: next(flow), self._send, until_business=True)
            while isinstance(step, Exchange):
                response = yield self._outgoing(step, request, self._guard_sync)
                response.read()
                then = functools.partial(answer, flow, step, _answer(response, step))
                step = advance(flow, then, self._send, until_business=True)
        finally:
            flow.close()

    def _send(self, exchange: Exchange) -> requests.Response:
        outgoing, prepared = self._auth_request(exchange)
        try:
            with httpx.Client(verify=self.verify, cert=self.cert, timeout=_timeout(exchange)) as client:
                response = client.send(outgoing, follow_redirects=False)
                response.read()
        except httpx.HTTPError as exc:
            raise TransportError.of(exc, prepared.method or "", prepared.url or "") from None
        return _answer(response, exchange, prepared)

    # -- async --------------------------------------------------------------------------------

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        steps = _Steps(lambda: self._start(request))
        lock = self._lock()
        try:
            async with lock:
                step = await self._advance(steps, steps.first)
            while isinstance(step, Exchange):
                response = yield self._outgoing(step, request, self._guard_async)
                await response.aread()
                then = functools.partial(answer, steps.flow, step, _answer(response, step))
                async with lock:  # an error answer may renew the token: that step may wait, off the loop
                    step = await self._advance(steps, then, may_wait=response.status_code >= 400)
        finally:
            steps.close()

    async def _advance(
        self, steps: _Steps, start: Callable[[], Exchange], *, may_wait: bool = False
    ) -> Exchange | Done[None]:
        """:func:`kit.auth.flow.aadvance` from ``start``; each step of the flow runs as :class:`_Steps` says,
        never waiting on the event loop."""
        return await aadvance(await steps.run(start, may_wait=may_wait), lambda: steps.flow, self._asend, steps.run)

    async def _asend(self, exchange: Exchange) -> requests.Response:
        outgoing, prepared = self._auth_request(exchange)
        try:
            async with httpx.AsyncClient(verify=self.verify, cert=self.cert, timeout=_timeout(exchange)) as client:
                response = await client.send(outgoing, follow_redirects=False)
                await response.aread()
        except httpx.HTTPError as exc:
            raise TransportError.of(exc, prepared.method or "", prepared.url or "") from None
        return _answer(response, exchange, prepared)

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        with self._guard:
            lock = self._locks.get(loop)
            if lock is None:
                lock = self._locks[loop] = asyncio.Lock()
            return lock

    # -- both -----------------------------------------------------------------------------------

    def _start(self, request: httpx.Request) -> Flow[None]:
        """The flow for ``request``: refused (AuthError) when it goes to another origin than the credential's."""
        check_origin(self.bound, str(request.url))
        return self.auth.auth_flow(_prepared(request))

    def _auth_request(self, exchange: Exchange) -> tuple[httpx.Request, requests.PreparedRequest]:
        request = exchange.request
        prepared = request.prepare() if isinstance(request, requests.Request) else request
        check_origin(self.bound, prepared.url or "")
        return _request(prepared), prepared

    def _outgoing(self, exchange: Exchange, original: httpx.Request, guard: Callable[..., Any]) -> httpx.Request:
        """The business request as the flow wrote it (credential applied), with the caller's extensions and
        ``guard`` as its ``trace`` extension (the caller's own trace still called)."""
        request = exchange.request
        prepared = request.prepare() if isinstance(request, requests.Request) else request
        check_origin(self.bound, prepared.url or "")
        extensions = dict(original.extensions)
        extensions["trace"] = functools.partial(guard, extensions.get("trace"))
        if prepared.method != original.method or prepared.body != (original.content or None):
            return _request(prepared, extensions)  # the flow made another request: sent as it wrote it
        _write(original, prepared)  # the caller's request, its credential written on (as httpx's own auths do)
        original.extensions = extensions
        return original

    # A client that follows redirects (follow_redirects=True) sends the next hop itself, without running
    # the auth again, with every header but Authorization: an app secret in its own header would go
    # along. httpx copies a request's extensions to each hop, and its transport calls the ``trace``
    # extension before it writes a request's headers: there the hop to another origin is refused, so
    # that origin receives nothing (httpx's documented trace extension; a transport that is not
    # httpcore's calls no trace, and sends only where the caller's own transport sends).

    def _guard_sync(
        self, chained: Callable[[str, dict[str, Any]], Any] | None, name: str, info: dict[str, Any]
    ) -> None:
        self._check_hop(name, info)
        if chained is not None:
            chained(name, info)

    async def _guard_async(
        self, chained: Callable[[str, dict[str, Any]], Any] | None, name: str, info: dict[str, Any]
    ) -> None:
        self._check_hop(name, info)
        if chained is not None:
            await chained(name, info)

    def _check_hop(self, name: str, info: dict[str, Any]) -> None:
        if name.endswith("send_request_headers.started"):
            url = info["request"].url
            port = f":{url.port}" if url.port else ""
            check_origin(self.bound, f"{url.scheme.decode()}://{url.host.decode()}{port}{url.target.decode()}")


class _Steps:
    """A flow driven from an event loop, whose steps never wait on the loop.

    A step may wait for another thread's token fetch (the cache's :meth:`~kit.auth.tokencache.TokenCache.acquire`
    blocks, bounded): on the loop, that wait would stall every task of it. So a step runs on the loop inside
    :func:`~kit.auth.tokencache.no_wait`, where the cache raises :class:`WouldWait` instead of waiting: the first
    step (nothing sent yet) then starts afresh in a worker thread, where it may wait. A step that may renew
    the token after an error answer runs in a worker thread from the start. A step in a thread is shielded
    from the task's cancellation (a thread cannot be stopped midway): the flow is closed once it has ended,
    so a token lease it holds is given back (:meth:`~kit.auth.tokencache.Lease.cancel`).
    """

    def __init__(self, start: Callable[[], Flow[None]]) -> None:
        self.start = start
        self.flow = start()
        self.running: asyncio.Future[Exchange | Done[None]] | None = None

    def first(self) -> Exchange:
        return next(self.flow)

    async def run(self, step: Callable[[], Exchange], *, may_wait: bool = False) -> Exchange | Done[None]:
        if not may_wait:
            try:
                with no_wait():
                    return _done_or(step)
            except WouldWait:
                if step != self.first:
                    raise  # only the first step waits on a cache; a later one that would is kit's bug, said
                self.flow = self.start()  # nothing was sent: the same request, its first step off the loop
                step = self.first
        self.running = asyncio.get_running_loop().run_in_executor(None, _done_or, step)
        return await asyncio.shield(self.running)

    def close(self) -> None:
        """Close the flow now, or once its running step has ended (it runs in a thread)."""
        if self.running is not None and not self.running.done():
            self.running.add_done_callback(lambda _: self.flow.close())
        else:
            self.flow.close()


def _done_or(step: Callable[[], Exchange]) -> Exchange | Done[None]:
    """``step()``, or :class:`Done` when the flow ended (a StopIteration cannot cross into a Future)."""
    try:
        return step()
    except StopIteration as stop:
        return Done(stop.value)


def _prepared(request: httpx.Request) -> requests.PreparedRequest:
    """``request`` as the flows see requests: method, URL, headers and the body's bytes."""
    prepared = requests.PreparedRequest()
    prepared.method = request.method
    prepared.url = str(request.url)
    prepared.headers = CaseInsensitiveDict(request.headers.multi_items())
    prepared.body = request.content or None
    return prepared


def _write(request: httpx.Request, prepared: requests.PreparedRequest) -> None:
    """What the flow wrote on ``prepared`` (headers, the URL of a query credential), written on ``request``."""
    written = {name.lower(): _text(value) for name, value in prepared.headers.items()}
    for name in [name for name in request.headers if name.lower() not in written]:
        del request.headers[name]
    for name, value in written.items():
        if request.headers.get(name) != value:
            request.headers[name] = value
    if prepared.url != str(request.url):
        request.url = httpx.URL(prepared.url or "")


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _request(prepared: requests.PreparedRequest, extensions: Any = None) -> httpx.Request:
    body: Any = prepared.body
    content: bytes | None = body.encode("utf-8") if isinstance(body, str) else body
    if content is not None and not isinstance(content, bytes):  # a generator body (requests streams it)
        content = b"".join(part.encode("utf-8") if isinstance(part, str) else part for part in body)
    headers = [(name, _text(value)) for name, value in prepared.headers.items()]
    return httpx.Request(
        prepared.method or "GET", prepared.url or "", headers=headers, content=content, extensions=extensions
    )


def _answer(
    response: httpx.Response, exchange: Exchange, prepared: requests.PreparedRequest | None = None
) -> requests.Response:
    """httpx's answer as the flows read answers (a ``requests.Response``, body already read)."""
    shown = requests.Response()
    shown.status_code = response.status_code
    shown.headers = CaseInsensitiveDict(response.headers.items())
    shown._content = response.content
    shown.encoding = response.encoding
    shown.reason = response.reason_phrase
    shown.url = str(response.request.url)
    request = exchange.request
    shown.request = prepared or (request.prepare() if isinstance(request, requests.Request) else request)
    return shown


def _timeout(exchange: Exchange) -> httpx.Timeout:
    chosen = exchange.timeout or TIMEOUT
    connect, read = chosen if isinstance(chosen, tuple) else (chosen, chosen)
    return httpx.Timeout(read, connect=connect)
