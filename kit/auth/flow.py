"""The seam between an auth and whatever sends for it: exchanges and flows, and the one driver.

An auth describes its work as a *flow*, a generator modelled on httpx's ``Auth.auth_flow``: it
yields :class:`Exchange` objects (a token fetch, a login, a refresh, a logout, the business
request carrying the credential, that request again after a refused token) and receives each
one's ``requests.Response``. It never sends anything itself. The driver sends:

* a kit :class:`~kit.session.Session`, which checks every exchange's origin, journals it with
  its structured ``kind``/``action``/``reason``, and refuses redirects that would carry a
  credential elsewhere;
* a plain ``requests.Session``, when an auth is used on its own as a ``requests.auth.AuthBase``
  (``requests.get(url, auth=auth)``): :mod:`kit.auth.plain` runs the same ``auth_flow``, sends its
  auth exchanges itself, hands the business request back to requests, and takes the answer in a
  response hook, where the flow decides (a token check, the one retry).

Both go through :func:`advance`, the one sync driver (:func:`aadvance` is its async twin, for httpx's
``AsyncClient``): it sends auth exchanges, refuses a redirect
answered to one (token, login, refresh and logout requests never follow redirects), and throws a
transport failure into the flow as :class:`~kit.errors.TransportError`, so the flow decides whether
a bounded retry makes sense. The auths themselves are :mod:`kit.auth.scheme`; origins are
:mod:`kit.auth.origins`.

No I/O happens here, and nothing blocks: a flow that waits (for another caller's token fetch, in
:mod:`kit.auth.tokencache`) waits a bounded time, said where it waits.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, replace
from typing import Generic, Literal, TypeVar

import requests

from kit.auth.origins import redirect_refused
from kit.errors import KitError

__all__ = ["NO_AUTH", "ASend", "Done", "Exchange", "Flow", "Kind", "Send", "aadvance", "advance", "answer", "drive"]

Kind = Literal["auth", "business", "probe", "public"]
T = TypeVar("T")
Flow = Generator["Exchange", requests.Response, T]


@dataclass(frozen=True)
class Exchange:
    """One request a flow wants sent, with why.

    :param request: a ``requests.Request`` (the driver prepares it) or a ``PreparedRequest``.
    :param kind: ``auth`` (token, login, refresh, logout), ``business``, ``probe`` or ``public``.
    :param action: ``token``, ``login``, ``refresh``, ``logout``, ``check`` (is the token still good?)
        for auth exchanges; ``call`` else.
    :param reason: why it is sent: ``absent``, ``expiring``, ``forced``, ``401``, ``refresh refused``…
    :param attempt: 1, or 2 for the bounded retry after a transport error or a 502/503/504.
    :param retry_after: what made this attempt necessary (``503``, ``ReadTimeout``, ``401 invalid_token``).
    :param label: a human label for the journal (``login workspace``); the driver derives one if empty.
    :param timeout: the timeout for this exchange (None: the driver's default).
    """

    request: requests.Request | requests.PreparedRequest
    kind: Kind = "business"
    action: str = "call"
    reason: str = ""
    attempt: int = 1
    retry_after: str = ""
    label: str = ""
    timeout: float | tuple[float, float] | None = None

    def again(self, request: requests.Request | requests.PreparedRequest, retry_after: str) -> Exchange:
        """The same exchange as a further attempt (``attempt + 1``), caused by ``retry_after``."""
        return replace(self, request=request, attempt=self.attempt + 1, retry_after=retry_after)


class _NoAuth(requests.auth.AuthBase):
    """Adds nothing: stands in for the session's auth when a request must go out without it."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request

    def __repr__(self) -> str:
        return "NO_AUTH"


#: pass as ``auth=`` to send a request without the session's credentials
NO_AUTH = _NoAuth()


Send = Callable[[Exchange], requests.Response]
ASend = Callable[[Exchange], Awaitable[requests.Response]]


@dataclass(frozen=True)
class Done(Generic[T]):
    """A flow's end: the value it returned."""

    value: T


def advance(
    flow: Flow[T], start: Callable[[], Exchange], send: Send, *, until_business: bool = False
) -> Exchange | Done[T]:
    """The one driver: run ``flow`` from ``start()`` (``next(flow)``, or ``flow.send(answer)``), sending each
    exchange with ``send`` and feeding it the answer, until the flow ends (:class:`Done`) or, with
    ``until_business``, yields a non-auth exchange, which is returned unsent (requests sends it).

    A redirect answered to an auth exchange is refused (an AuthError thrown into the flow, as a
    KitError from ``send`` is), so no flow ever follows one.
    """
    try:
        exchange = start()
        while not (until_business and exchange.kind != "auth"):
            try:
                response = send(exchange)
            except KitError as exc:
                exchange = flow.throw(exc)
                continue
            exchange = answer(flow, exchange, response)
        return exchange
    except StopIteration as stop:
        return Done(stop.value)


async def aadvance(
    first: Exchange | Done[T],
    flow: Callable[[], Flow[T]],
    asend: ASend,
    run: Callable[[Callable[[], Exchange]], Awaitable[Exchange | Done[T]]],
) -> Exchange | Done[T]:
    """The async driver: :func:`advance` with ``until_business``, from the flow's ``first`` step, each auth
    exchange awaited with ``asend`` and each further step of the flow (``flow()``, the flow now) run by
    ``run``, which may move it off the event loop. The same refusals: a KitError from ``asend`` is thrown
    into the flow, a redirect answered to an auth exchange is refused (:func:`answer`).
    """
    step = first
    while isinstance(step, Exchange) and step.kind == "auth":
        exchange = step
        try:
            response = await asend(exchange)
        except KitError as exc:
            step = await run(functools.partial(flow().throw, exc))
            continue
        step = await run(functools.partial(answer, flow(), exchange, response))
    return step


def answer(flow: Flow[T], exchange: Exchange, response: requests.Response) -> Exchange:
    """Feed ``exchange``'s ``response`` to ``flow``; the next exchange it yields (StopIteration at its end).

    A redirect answered to an auth exchange is refused: an AuthError thrown into the flow, never followed.
    """
    if exchange.kind == "auth" and response.is_redirect:
        return flow.throw(redirect_refused("auth", response, response.request.url or ""))
    return flow.send(response)


def drive(flow: Flow[T], send: Send) -> T:
    """Run ``flow`` to its end, sending each exchange with ``send``; return the flow's value.

    ``send`` raises :class:`~kit.errors.TransportError` when nothing came back; that error is
    thrown into the flow, which may retry or let it propagate. The flow is always closed, so a
    token lease it holds is released even when something fails in between.
    """
    try:
        done = advance(flow, lambda: next(flow), send)
        assert isinstance(done, Done)
        return done.value
    finally:
        flow.close()
