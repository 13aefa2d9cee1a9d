"""The seam between an auth and whatever sends for it: exchanges, flows and origins, no I/O here.

An auth describes its work as a *flow*, a generator modelled on httpx's ``Auth.auth_flow``: it
yields :class:`Exchange` objects (a token fetch, a login, a refresh, a logout, the business
request carrying the credential, that request again after a refused token) and receives each
one's ``requests.Response``. It never sends anything itself. The driver sends:

* a kit :class:`~kit.session.Session`, which checks every exchange's origin, journals it with
  its structured ``kind``/``action``/``reason``, and refuses redirects that would carry a
  credential elsewhere;
* a plain ``requests.Session``, when an auth is used on its own as a ``requests.auth.AuthBase``
  (``requests.get(url, auth=auth)``): :meth:`FlowAuth.__call__` runs the same :meth:`FlowAuth.auth_flow`,
  sends its auth exchanges itself, hands the business request back to requests, and takes the
  answer in a response hook, where the flow decides (a token check, the one retry).

Both go through :func:`advance`, the one driver: it sends auth exchanges, refuses a redirect
answered to one (token, login, refresh and logout requests never follow redirects), and throws a
transport failure into the flow as :class:`~kit.errors.TransportError`, so the flow decides whether
a bounded retry makes sense. Credentials belong to one *origin* (scheme, host, port): :func:`origin`
computes it, and nothing in kit sends a credential to another one.

No I/O happens here, and nothing blocks: a flow that waits (for another caller's token fetch, in
:mod:`kit.auth.tokencache`) waits a bounded time, said where it waits.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar

from kit.errors import AuthError, ConfigError, KitError, TransportError
from kit.secrets import show_url

__all__ = [
    "NO_AUTH",
    "Exchange",
    "Flow",
    "FlowAuth",
    "Kind",
    "Origin",
    "TokenlessAuth",
    "advance",
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


Send = Callable[[Exchange], requests.Response]


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
                if exchange.kind == "auth" and response.is_redirect:
                    raise redirect_refused("auth", response, response.request.url or "")
            except KitError as exc:
                exchange = flow.throw(exc)
                continue
            exchange = flow.send(response)
        return exchange
    except StopIteration as stop:
        return Done(stop.value)


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
        return _Plain(self, request).start()

    def _refuse_redirect(self, response: requests.Response) -> requests.Response:
        """A redirect to another origin is an AuthError before requests follows it."""
        if response.is_redirect and not same_origin(urljoin(response.url, response.headers["Location"]), self.bound):
            raise redirect_refused("business", response, response.url)
        return response


class _Plain:
    """One request through a FlowAuth on plain requests: the flow's auth exchanges are sent here, its
    business request goes back to requests, and its answer comes back through a response hook, where
    the flow goes on (a check, the one retry), as requests' own ``HTTPDigestAuth.handle_401`` does:
    the refused answer is read and closed, the body rewound, the cookies it set carried."""

    def __init__(self, auth: FlowAuth[Any], request: requests.PreparedRequest) -> None:
        self.auth = auth
        self.flow = auth.auth_flow(request)
        self.send = auth.plain_sender()
        tell = getattr(request.body, "tell", None)
        self.position = tell() if callable(tell) else None

    def start(self) -> requests.PreparedRequest:
        try:
            step = advance(self.flow, lambda: next(self.flow), self.send, until_business=True)
        except BaseException:
            self.flow.close()
            raise
        if isinstance(step, Done):  # a flow that sends nothing itself: nothing more to do
            raise KitError("an auth flow ended without yielding its request")
        request = step.request
        assert isinstance(request, requests.PreparedRequest)
        request.register_hook("response", self.answered)
        return request

    def answered(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        """The response hook: the flow reads the answer; a business exchange it yields is sent at once."""
        try:
            current = response
            step = self._feed(current)
            while not isinstance(step, Done):
                again = step.request
                assert isinstance(again, requests.PreparedRequest)
                self._rewind(again, current)
                retried: requests.Response = current.connection.send(again, **kwargs)
                retried.history.append(current)
                retried.request = again
                current = retried
                step = self._feed(current)
        finally:
            self.flow.close()
        return self.auth._refuse_redirect(current)

    def _feed(self, answer: requests.Response) -> Exchange | Done[None]:
        """Give the flow ``answer``; what it yields next that requests must send, or its end."""
        return advance(self.flow, lambda: self.flow.send(answer), self.send, until_business=True)

    def _rewind(self, again: requests.PreparedRequest, refused: requests.Response) -> None:
        """Ready ``again`` to go out after ``refused``: its body at the start, the cookies set so far."""
        _ = refused.content  # read the refused answer so its connection can be reused
        refused.close()
        if self.position is not None:
            seek = getattr(again.body, "seek", None)
            if callable(seek):
                seek(self.position)
        jar = again._cookies if again._cookies is not None else RequestsCookieJar()  # a request's own cookies
        extract_cookies_to_jar(jar, refused.request, refused.raw)
        again.headers.pop("Cookie", None)
        again.prepare_cookies(jar)


class TokenlessAuth(FlowAuth[None]):
    """A scheme without a token to fetch: its credential is written (or minted) on each request."""

    def token_flow(self, renew: str | None = None) -> Flow[None]:
        return None
        yield  # pragma: no cover - makes this a generator


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
