"""A cached bearer token as an auth flow: the part every token-based provider shares.

Subclasses say how to get a token (:meth:`CachedBearerAuth.fetch_flow`, a flow given the renew
reason, built on :meth:`CachedBearerAuth.auth_request`) and which answers mean "this token is no
longer good" (:meth:`CachedBearerAuth.is_stale`). The base takes tokens from a
:mod:`kit.auth.tokencache` cache (single-flight: the flow holds the cache's lease while it fetches),
writes ``Authorization: Bearer`` (or the raw token, or ``?access_token=``) plus any fixed headers,
and on a stale-token answer invalidates the token it used, gets a fresh one and re-sends the
*original* request, to the original origin, exactly once. A second such answer is returned as is.

Driven by a kit Session, every attempt and every fetch is journaled with its kind and reason. Used
on its own (``requests.get(url, auth=auth)``), the same flow runs over a plain requests session
(:class:`~kit.auth.scheme.FlowAuth` drives it): the credential stays bound to the origin of
``base_url``, a redirect elsewhere is refused, and the one retry re-sends the original request.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from kit.auth.flow import Exchange, Flow
from kit.auth.origins import origin
from kit.auth.scheme import FlowAuth
from kit.auth.tokencache import MemoryTokenCache, TokenCache
from kit.auth.tokens import CachedToken, KeyParts
from kit.errors import TransportError

__all__ = ["CachedBearerAuth", "Decorate"]

Decorate = Callable[[requests.PreparedRequest, CachedToken], None]


class CachedBearerAuth(FlowAuth[CachedToken]):
    """Bearer tokens from a cache; subclasses implement ``fetch_flow`` and ``is_stale``."""

    #: what a stale-token answer is called in the journal (``retry after 401 invalid_token``)
    stale_answer = "401"
    #: a token request that fails in transport or with 502/503/504 is tried once more, no more
    attempts = 2
    #: how the token travels: ``Authorization: <scheme> <token>`` (``scheme`` "" sends it raw), or
    #: the ``access_token`` query parameter when ``transport`` is "query"
    scheme = "Bearer"
    transport = "header"

    def __init__(
        self,
        *,
        key: KeyParts,
        base_url: str,
        cache: TokenCache | None = None,
        decorate: Decorate | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | tuple[float, float] = (5.0, 30.0),
        http: requests.Session | None = None,
    ) -> None:
        self.bound = origin(base_url)
        self.cache = cache or MemoryTokenCache()
        self.key = self.cache.key(key)
        self.decorate = decorate
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.http = http  # for token requests when used without a kit Session

    def fetch_flow(self, reason: str) -> Flow[CachedToken]:
        """Get a new token (the reason: absent, expiring, forced, 401, …), yielding its requests."""
        raise NotImplementedError

    def is_stale(self, response: requests.Response) -> bool:
        """True when the answer says the token itself was refused, so a fresh one may help."""
        raise NotImplementedError

    def stale_flow(self, response: requests.Response, token: CachedToken) -> Flow[bool]:
        """Whether ``response`` means ``token`` is no longer good, sending what it takes to tell.

        By default the answer alone says (:meth:`is_stale`). A scheme whose framework answers a
        stale token and a refused permission alike overrides this to ask the server about the token
        (one exchange), so that a denial never costs a new login.
        """
        return self.is_stale(response)
        yield  # pragma: no cover - makes this a generator

    def stale_reason(self, response: requests.Response) -> str:
        """How the journal names the stale-token answer that made the one retry necessary."""
        return self.stale_answer

    def auth_request(
        self, request: requests.Request, action: str, reason: str, label: str = ""
    ) -> Flow[requests.Response]:
        """Yield one token/login/refresh request; try it once more after a transport error or 502/503/504.

        :raises TransportError: when the endpoint cannot be reached (or times out) on every attempt.
        """
        exchange = Exchange(request, kind="auth", action=action, reason=reason, label=label, timeout=self.timeout)
        while True:
            try:
                answer = yield exchange
            except TransportError as exc:
                if exchange.attempt >= self.attempts:
                    raise exc.after(exchange.attempt) from None
                exchange = exchange.again(request, exc.cause)
                continue
            if answer.status_code in (502, 503, 504) and exchange.attempt < self.attempts:
                exchange = exchange.again(request, str(answer.status_code))
                continue
            return answer

    def token_flow(self, renew: str | None = None) -> Flow[CachedToken]:
        """The cached token, or a fetch under the cache's lease (so concurrent callers fetch once)."""
        got = self.cache.acquire(self.key, renew=renew)
        if isinstance(got, CachedToken):
            return got
        with got as lease:
            token = yield from self.fetch_flow(lease.reason)
            return lease.fill(token)

    def credential(self, token: CachedToken) -> str:
        return token.access_token.reveal()

    def apply(self, request: requests.PreparedRequest, token: CachedToken) -> None:
        value = token.access_token.reveal()
        if self.transport == "query":
            parts = urlsplit(request.url or "")
            kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"]
            request.url = urlunsplit(parts._replace(query=urlencode([*kept, ("access_token", value)])))
        else:
            request.headers["Authorization"] = f"{self.scheme} {value}" if self.scheme else value
        if self.headers:
            request.headers.update(self.headers)
        if self.decorate is not None:
            self.decorate(request, token)

    def header_names(self) -> set[str]:
        return {"authorization", *(name.lower() for name in self.headers)}

    def auth_flow(self, request: requests.PreparedRequest) -> Flow[None]:
        """Token, the request, and once more with a fresh token if the answer says it was stale."""
        original = _Original(request)
        token = yield from self.token_flow()
        self.apply(request, token)
        response = yield Exchange(request)
        if not (yield from self.stale_flow(response, token)):
            return
        self.cache.invalidate(self.key, token, "401")
        fresh = yield from self.token_flow()
        again = original.again(request)
        self.apply(again, fresh)
        yield Exchange(again, reason="401", attempt=2, retry_after=self.stale_reason(response))


class _Original:
    """What a request was before the auth wrote on it: its URL and headers (the rest it does not touch).

    A full ``PreparedRequest.copy()`` per request also copies the cookie jar; this snapshot is taken
    instead, and a copy is made only for the one retry after a stale-token answer.
    """

    __slots__ = ("url", "headers")

    def __init__(self, request: requests.PreparedRequest) -> None:
        self.url = request.url
        self.headers = request.headers.copy()

    def again(self, sent: requests.PreparedRequest) -> requests.PreparedRequest:
        """A copy of ``sent`` with the URL and headers it had before the auth wrote on it."""
        again = sent.copy()
        again.url = self.url
        again.headers = self.headers.copy()
        return again
