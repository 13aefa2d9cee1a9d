"""Auths whose work is a flow: :class:`FlowAuth` over tokens of type ``T``, and :class:`TokenlessAuth`.

A kit Session drives an auth's :meth:`FlowAuth.auth_flow` (see :mod:`kit.auth.flow`); used on its
own as a ``requests.auth.AuthBase``, the same flow runs over plain requests (:mod:`kit.auth.plain`).
"""

from __future__ import annotations

from typing import Generic, TypeVar
from urllib.parse import urljoin

import requests

from kit.auth.flow import Exchange, Flow, Send, drive
from kit.auth.origins import Origin, check_origin, origin, redirect_refused, same_origin
from kit.auth.plain import PlainDriver
from kit.errors import TransportError

__all__ = ["FlowAuth", "TokenlessAuth"]

T = TypeVar("T")


class FlowAuth(requests.auth.AuthBase, Generic[T]):
    """An auth whose work is a flow over tokens of type ``T``; a kit Session drives it, plain requests
    calls it as an AuthBase (the same flow, see :func:`advance`).

    Subclasses implement :meth:`apply` (write the credential onto a request), :meth:`token_flow` and,
    when the credential is one value a command line can carry, :meth:`credential`. The default
    :meth:`auth_flow` gets a token, applies it and yields the request once.
    """

    #: the origin the credential belongs to; None: the origin of the first request it authenticates
    bound: Origin | None = None
    #: the requests session that sends token requests when this auth is used without a kit Session
    http: requests.Session | None = None

    def apply(self, request: requests.PreparedRequest, token: T) -> None:
        """Write the credential (and anything else this scheme adds) onto ``request``."""
        raise NotImplementedError

    def credential(self, token: T) -> str | None:
        """The one value a request carries as its credential with ``token`` (what a journal's
        ``${<PROVIDER>_TOKEN}`` stands for); None when the scheme has no single value."""
        return None

    def header_names(self) -> set[str]:
        """The headers this scheme writes (lower case); a replay drops recorded ones and lets it write its own."""
        return {"authorization"}

    def token_flow(self, renew: str | None = None) -> Flow[T]:
        """The current token, fetched first if absent, expiring, or if ``renew`` gives a reason."""
        raise NotImplementedError

    def auth_flow(self, request: requests.PreparedRequest) -> Flow[None]:
        """Get a token, apply it, send the request."""
        token = yield from self.token_flow()
        self.apply(request, token)
        yield Exchange(request)

    # -- used on its own, as a plain requests AuthBase ------------------------------------------

    def plain_sender(self) -> Send:
        """How auth exchanges are sent when this auth is used without a kit Session."""

        def send(exchange: Exchange) -> requests.Response:
            if self.http is None:
                self.http = requests.Session()
            http = self.http
            request = exchange.request
            prepared = request.prepare() if isinstance(request, requests.Request) else request
            check_origin(self.bound, prepared.url or "")
            try:
                return http.send(prepared, allow_redirects=False, timeout=exchange.timeout or (5.0, 30.0))
            except requests.RequestException as exc:
                raise TransportError.of(exc, prepared.method or "", prepared.url or "") from None

        return send

    def token(self, *, force: bool = False) -> T:
        """The current token, fetched over a plain requests session (not journaled).

        In a kit Session use ``session.token()``, which journals the fetch.
        """
        return drive(self.token_flow("forced" if force else None), self.plain_sender())

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.bound is None:
            self.bound = origin(request.url or "")
        check_origin(self.bound, request.url or "")
        return PlainDriver(self.auth_flow(request), request, self.plain_sender(), self.refuse_redirect).start()

    def refuse_redirect(self, response: requests.Response) -> requests.Response:
        """A redirect to another origin is an AuthError before requests follows it."""
        if response.is_redirect and not same_origin(urljoin(response.url, response.headers["Location"]), self.bound):
            raise redirect_refused("business", response, response.url)
        return response


class TokenlessAuth(FlowAuth[None]):
    """A scheme without a token to fetch: its credential is written (or minted) on each request."""

    def token_flow(self, renew: str | None = None) -> Flow[None]:
        return None
        yield  # pragma: no cover - makes this a generator
