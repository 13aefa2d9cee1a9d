"""The seam between an auth and whatever sends for it: exchanges, flows and origins, no I/O here.

An auth describes its work as a *flow*, a generator modelled on httpx's ``Auth.auth_flow``: it
yields :class:`Exchange` objects (a token fetch, a login, a refresh, a logout, the business
request carrying the credential, that request again after a refused token) and receives each
one's ``requests.Response``. It never sends anything itself. The driver sends:

* a kit :class:`~kit.session.Session`, which checks every exchange's origin, journals it with
  its structured ``kind``/``action``/``reason``, and refuses redirects that would carry a
  credential elsewhere;
* :func:`drive` with a plain ``requests.Session``, when an auth is used on its own as a
  ``requests.auth.AuthBase`` (``requests.get(url, auth=auth)``).

A transport failure is thrown into the flow as :class:`~kit.errors.TransportError`, so the flow
decides whether a bounded retry makes sense. Credentials belong to one *origin* (scheme, host,
port): :func:`origin` computes it, and nothing in kit sends a credential to another one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from typing import Any, Literal, TypeVar
from urllib.parse import urljoin, urlsplit

import requests

from kit.errors import AuthError, ConfigError, KitError, TransportError
from kit.secrets import show_url

__all__ = [
    "NO_AUTH",
    "Exchange",
    "Flow",
    "FlowAuth",
    "Kind",
    "Origin",
    "drive",
    "origin",
    "redirect_refused",
    "same_origin",
    "show_origin",
]

Kind = Literal["auth", "business", "probe", "public"]
T = TypeVar("T")
Flow = Generator["Exchange", requests.Response, T]
Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> Origin:
    """``(scheme, host, port)`` of ``url``, lower-cased, with the scheme's default port filled in.

    :raises ConfigError: the URL has no http(s) scheme, no host, or a port out of range.
    """
    scheme_end = url.find("://")
    if scheme_end > 0:  # the origin lies in the text before the first "/", "?" or "#" after "://"
        rest = url[scheme_end + 3 :]
        cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
        return _origin_of(url[: scheme_end + 3 + cut])
    return _origin_of(url)


@functools.lru_cache(maxsize=256)
def _origin_of(url: str) -> Origin:
    """:func:`origin` of a URL, cached by its scheme and authority only (a session's URLs share them,
    and no path or query, which may hold a token, is kept in the cache)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"{show_url(url)} has a port that is not a number within 0..65535") from None
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ConfigError(f"{show_url(url)} is not an http(s) URL with a host")
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def show_origin(value: Origin) -> str:
    """``https://host:443`` (IPv6 hosts in brackets)."""
    scheme, host, port = value
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


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


def redirect_refused(kind: str, response: requests.Response, sent_to: str) -> AuthError:
    """The error for a redirect kit will not follow: it names both origins and never the URL's query."""
    location = urljoin(sent_to, response.headers.get("Location", ""))
    try:
        there = show_origin(origin(location))
    except ConfigError:
        there = "a URL that is not http(s)"
    here = show_origin(origin(sent_to))
    why = (
        "token, login, refresh and logout requests never follow redirects"
        if kind == "auth"
        else "kit never sends a credential to another origin"
    )
    return AuthError(
        response.status_code,
        "redirect_refused",
        f"{here} answered {response.status_code} to {there}; not followed: {why}",
        provider=None,
        url=urlsplit(sent_to).path,
    )


class _NoAuth(requests.auth.AuthBase):
    """Adds nothing: stands in for the session's auth when a request must go out without it."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request

    def __repr__(self) -> str:
        return "NO_AUTH"


#: pass as ``auth=`` to send a request without the session's credentials
NO_AUTH = _NoAuth()


def drive(flow: Flow[T], send: Callable[[Exchange], requests.Response]) -> T:
    """Run ``flow`` to its end, sending each exchange with ``send``; return the flow's value.

    ``send`` raises :class:`~kit.errors.TransportError` when nothing came back; that error is
    thrown into the flow, which may retry or let it propagate. The flow is always closed, so a
    token lease it holds is released even when something fails in between.
    """
    try:
        exchange = next(flow)
        while True:
            try:
                response = send(exchange)
            except KitError as exc:
                exchange = flow.throw(exc)
                continue
            exchange = flow.send(response)
    except StopIteration as stop:
        value: T = stop.value
        return value
    finally:
        flow.close()


class FlowAuth(requests.auth.AuthBase):
    """An auth whose work is a flow; a kit Session drives it, plain requests calls it as an AuthBase.

    Subclasses implement :meth:`apply` (write the credential onto a request) and, when they use
    tokens, :meth:`token_flow`. The default :meth:`auth_flow` gets a token (if any), applies it
    and yields the request once.
    """

    #: the origin the credential belongs to; None: the origin of the first request it authenticates
    bound: Origin | None = None
    #: the requests session that sends token requests when this auth is used without a kit Session
    http: requests.Session | None = None

    def apply(self, request: requests.PreparedRequest, token: Any) -> None:
        """Write the credential (and anything else this scheme adds) onto ``request``."""
        raise NotImplementedError

    def header_names(self) -> set[str]:
        """The headers this scheme writes (lower case); a replay drops recorded ones and lets it write its own."""
        return {"authorization"}

    def token_flow(self, renew: str | None = None) -> Flow[Any]:
        """The current token, fetched first if absent, expiring, or if ``renew`` gives a reason.

        Schemes without tokens return None and yield nothing.
        """
        return None
        yield  # pragma: no cover - makes this a generator

    def auth_flow(self, request: requests.PreparedRequest) -> Flow[None]:
        """Get a token if the scheme has one, apply it, send the request."""
        token = yield from self.token_flow()
        self.apply(request, token)
        yield Exchange(request)

    # -- used on its own, as a plain requests AuthBase ------------------------------------------

    def plain_sender(self) -> Callable[[Exchange], requests.Response]:
        """How token requests are sent when this auth is used without a kit Session."""

        def send(exchange: Exchange) -> requests.Response:
            if self.http is None:
                self.http = requests.Session()
            http, request = self.http, exchange.request
            prepared = request.prepare() if isinstance(request, requests.Request) else request
            check_origin(self.bound, prepared.url or "")
            try:
                answer = http.send(prepared, allow_redirects=False, timeout=exchange.timeout or (5.0, 30.0))
            except requests.RequestException as exc:
                raise TransportError.of(exc, prepared.method or "", prepared.url or "") from None
            if answer.is_redirect:
                raise redirect_refused(exchange.kind, answer, prepared.url or "")
            return answer

        return send

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if self.bound is None:
            self.bound = origin(request.url or "")
        check_origin(self.bound, request.url or "")
        self.apply(request, drive(self.token_flow(), self.plain_sender()))
        request.register_hook("response", self._refuse_redirect)
        return request

    def _refuse_redirect(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        """A response hook: a redirect to another origin is an AuthError before requests follows it."""
        if response.is_redirect and not same_origin(urljoin(response.url, response.headers["Location"]), self.bound):
            raise redirect_refused("business", response, response.url)
        return response


def same_origin(url: str, bound: Origin | None) -> bool:
    """Whether ``url`` is on the ``bound`` origin (a URL that is not http(s) never is)."""
    try:
        return origin(url) == bound
    except ConfigError:
        return False


def check_origin(bound: Origin | None, url: str) -> None:
    """Raise ConfigError when ``url`` is not on the ``bound`` origin (None: anything goes)."""
    if bound is not None and origin(url) != bound:
        raise ConfigError(
            f"{show_url(url)} is on {show_origin(origin(url))}, but these credentials belong to "
            f"{show_origin(bound)}: kit sends nothing there (open a session for that origin instead)"
        )
