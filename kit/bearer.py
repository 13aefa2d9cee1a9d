"""A cached bearer token as a requests ``AuthBase``: the part every token-based provider shares.

Subclasses say how to get a token (:meth:`CachedBearerAuth.fetch`, given the renew reason) and
which answers mean "this token is no longer good" (:meth:`CachedBearerAuth.is_stale`). The base
takes tokens from a :mod:`kit.tokencache` cache (single-flight, early renewal), writes
``Authorization: Bearer`` plus any fixed headers, and on a stale-token answer invalidates the
token it used, gets a fresh one and resends the request exactly once. A second such answer is
returned as is. With a kit Session every attempt and every fetch is in the journal, with why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from kit.errors import KitError
from kit.tokencache import CachedToken, MemoryTokenCache, TokenCache

__all__ = ["CachedBearerAuth", "Decorate"]

Decorate = Callable[[requests.PreparedRequest, CachedToken], None]


class CachedBearerAuth(requests.auth.AuthBase):
    """Bearer tokens from a cache; subclasses implement ``fetch`` (and may refine ``is_stale``)."""

    retry_reason = "retry after 401"

    def __init__(
        self,
        *,
        key: str,
        cache: TokenCache | None = None,
        session: requests.Session | None = None,
        decorate: Decorate | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | tuple[float, float] = (5.0, 30.0),
    ) -> None:
        self.key = key
        self.cache = cache or MemoryTokenCache()
        self.session = session or requests.Session()
        self.decorate = decorate
        self.headers = dict(headers or {})
        self.timeout = timeout

    def fetch(self, reason: str = "absent") -> CachedToken:
        """Get a new token (called by the cache with the reason: absent, expiring, forced, 401)."""
        raise NotImplementedError

    def is_stale(self, response: requests.Response) -> bool:
        """True when the answer says the token itself was refused, so a fresh one may help."""
        raise NotImplementedError

    @contextmanager
    def labelled(self, label: str) -> Iterator[None]:
        """Label exchanges in the journal when the session keeps one."""
        step = getattr(self.session, "step", None)
        if step is None:
            yield
        else:
            with step(label):
                yield

    #: a token request that fails in transport or with 502/503/504 is tried once more, no more
    attempts = 2

    def send(self, request: requests.Request, label: str) -> requests.Response:
        """Send a token request (login, refresh, token endpoint) through the session, labelled.

        :raises KitError: when the endpoint cannot be reached (or times out) on every attempt.
        """
        why = ""
        for attempt in range(1, self.attempts + 1):
            try:
                with self.labelled(label + why):
                    answer = self.session.send(request.prepare(), timeout=self.timeout)
            except requests.RequestException as exc:
                if attempt == self.attempts:
                    raise KitError(f"token request failed after {attempt} attempts: {type(exc).__name__}") from None
                why = f" · retry after {type(exc).__name__}"
                continue
            if answer.status_code not in (502, 503, 504) or attempt == self.attempts:
                return answer
            why = f" · retry after {answer.status_code}"
        raise AssertionError("unreachable")

    def _fetch(self, reason: str) -> CachedToken:
        token = self.fetch(reason)
        journal = getattr(self.session, "journal", None)
        if journal is not None:  # the answer that carried the token was journaled before it was a Secret
            journal.forget(token.access_token)
        return token

    def token(self, *, force: bool = False) -> CachedToken:
        """The current token from the cache (fetched once if absent, expiring or forced)."""
        return self.cache.get(self.key, self._fetch, force=force)

    #: how the token travels: ``Authorization: <scheme> <token>`` (``scheme`` "" sends it raw), or
    #: the ``access_token`` query parameter when ``transport`` is "query"
    scheme = "Bearer"
    transport = "header"

    def _apply(self, request: requests.PreparedRequest, token: CachedToken) -> None:
        value = token.access_token.reveal()
        if self.transport == "query":
            parts = urlsplit(request.url or "")
            kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"]
            request.url = urlunsplit(parts._replace(query=urlencode([*kept, ("access_token", value)])))
        else:
            request.headers["Authorization"] = f"{self.scheme} {value}" if self.scheme else value
        request.headers.update(self.headers)
        if self.decorate is not None:
            self.decorate(request, token)
        request._kit_token = token  # type: ignore[attr-defined]

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self._apply(request, self.token())
        request.register_hook("response", self._retry_once)
        return request

    def _retry_once(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        request = response.request
        if not self.is_stale(response) or getattr(request, "_kit_retried", False):
            return response
        _ = response.content  # read the refused answer so its connection can be reused
        response.close()

        def renewed() -> requests.PreparedRequest:
            used: CachedToken | None = getattr(request, "_kit_token", None)
            if used is not None:
                self.cache.invalidate(self.key, used, "401")
            again = request.copy()
            self._apply(again, self.token())
            again._kit_retried = True  # type: ignore[attr-defined]
            return again

        resend = getattr(self.session, "resend", None)
        if resend is not None and getattr(request, "_kit_session", None) is self.session:
            return resend(response, renewed, self.retry_reason, **kwargs)
        again = renewed()
        retried = response.connection.send(again, **kwargs)
        retried.history.append(response)
        retried.request = again
        return retried
