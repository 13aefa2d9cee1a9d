"""A ``requests.Session`` bound to one origin that drives auth flows and journals every exchange.

Everything users know from requests still works (``auth=``, ``verify=``, ``cert=``, hooks,
adapters). kit adds: paths relative to the provider's base URL, a default timeout on every
request, :meth:`Session.call` (the parsed body, or the provider's typed error), and the other
side of the seam in :mod:`kit.auth.flow`: when the auth is a :class:`~kit.auth.scheme.FlowAuth`, the session
runs its flow, sending and journaling each exchange (token fetch, login, refresh, the call, the
call again after a refused token) with its structured kind and reason.

**Origin binding.** The session's credentials belong to the origin (scheme, host, port) of its
base URL, and the session sends nothing anywhere else (:mod:`kit.wire` does the checking):

* a path or absolute URL on another origin is a :class:`~kit.errors.ConfigError`, nothing sent;
* token, login, refresh and logout requests never follow redirects: a redirect there is an
  :class:`~kit.errors.AuthError` naming both origins;
* a business call redirected to **another** origin is refused the same way (not followed, with or
  without credentials: a 307 would also carry a body that may hold a password); a redirect within
  the origin is followed, as requests does;
* the one retry after a refused token re-sends the original request, never the redirected one.

Every exception out of ``request``/``get``/``post``/``call``/``send``/``run`` is a
:class:`~kit.errors.KitError` whose text holds no secret.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urljoin

import requests

from kit.answers import ErrorParser, answer_body, default_error_parser
from kit.arguments import ascii_text, checked, request_options
from kit.auth.flow import NO_AUTH, Flow, Kind
from kit.auth.origins import Origin, check_origin, origin
from kit.auth.scheme import FlowAuth
from kit.errors import ConfigError
from kit.record.journal import DEFAULT_LIMIT, Journal
from kit.secrets import redact
from kit.wire import Hint, Wire

if TYPE_CHECKING:
    from kit.auth.httpx_bridge import HttpxAuth

__all__ = ["DEFAULT_TIMEOUT", "Session"]

DEFAULT_TIMEOUT = (5.0, 30.0)
T = TypeVar("T")
R = TypeVar("R")
A = TypeVar("A", bound=requests.auth.AuthBase)


class Session(requests.Session, Generic[T]):
    """A journaling session bound to one provider, base URL and origin; ``T`` is its auth's token type."""

    @checked
    def __init__(
        self,
        base_url: str,
        *,
        provider: str,
        auth: FlowAuth[T] | requests.auth.AuthBase | None = None,
        verify: bool | str | None = None,
        cert: str | tuple[str, str] | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        error_parser: ErrorParser = default_error_parser,
        explain: Callable[[], str] | None = None,
        hint: Hint | None = None,
        journal_limit: int = DEFAULT_LIMIT,
        note: Callable[[], str] | None = None,
    ) -> None:
        super().__init__()
        self.base_url = base_url
        self.origin: Origin = origin(base_url)
        self.provider = provider
        self.error_parser = error_parser
        self.wire = Wire(
            self,
            super().send,  # requests' own send: the wire decides about redirects itself
            origin=self.origin,
            provider=provider,
            journal=Journal(prefix=provider, limit=journal_limit),
            error_parser=error_parser,
            explain=explain,
            hint=hint,
        )
        self.note = note
        self.auth = auth
        if verify is not None:
            self.verify = verify
        self.cert = cert
        self.timeout = timeout
        self.headers["User-Agent"] = "kit/0.1"
        self._closers: list[Callable[[], Any]] = []

    # -- lifecycle ------------------------------------------------------------------------------

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

    @property
    def journal(self) -> Journal:
        """Every exchange this session sent, redacted when read."""
        return self.wire.journal

    def auth_as(self, kind: type[A]) -> A:
        """The session's auth, typed as ``kind`` (``s.auth_as(CachedBearerAuth).cache``).

        :raises ConfigError: the session's auth is not a ``kind``.
        """
        if not isinstance(self.auth, kind):
            raise ConfigError(f"this {self.provider} session's auth is {type(self.auth).__name__}, not {kind.__name__}")
        return self.auth

    def httpx_auth(self) -> HttpxAuth:
        """This session's auth for httpx (sync and async clients): the same flow, token cache and origin
        (``kit[httpx]``). httpx's exchanges are not journaled.

        :raises ConfigError: httpx is not installed, or the session's auth is not one of kit's.
        """
        try:
            from kit.auth.httpx_bridge import HttpxAuth
        except ImportError:
            raise ConfigError("httpx is not installed: pip install 'kit[httpx]'") from None
        auth = self.auth_as(FlowAuth)
        return HttpxAuth(auth, self.base_url, verify=self.verify, cert=self.cert)

    # -- what callers use -----------------------------------------------------------------------

    @checked
    def url_for(self, path: str) -> str:
        """Resolve ``path`` against the base URL (absolute URLs pass through, then meet the origin check)."""
        return self._resolve(path)

    def _resolve(self, path: str) -> str:
        if "://" in path:
            return path
        plain = not path.startswith(("/", ".")) and "/." not in path and ":" not in path.partition("/")[0]
        if plain and self.base_url.endswith("/"):
            return self.base_url + path  # what urljoin gives for a plain relative path, without parsing
        return urljoin(self.base_url, path)

    @checked
    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Label every business exchange sent inside the block with ``name`` in the journal."""
        with self.wire.labelled(name):
            yield

    @checked
    def request(
        self,
        method: str | bytes,
        url: str | bytes,
        params: Any = None,
        data: Any = None,
        headers: Any = None,
        cookies: Any = None,
        files: Any = None,
        auth: Any = None,
        timeout: Any = None,
        allow_redirects: bool = True,
        proxies: Any = None,
        hooks: Any = None,
        stream: bool | None = None,
        verify: Any = None,
        cert: Any = None,
        json: Any = None,
        *,
        kind: Kind = "business",
    ) -> requests.Response:
        """Send one request through the auth's flow (token, call, one retry) and journal each exchange.

        ``auth=kit.auth.flow.NO_AUTH`` sends without the session's credentials; ``kind`` labels the entry.

        :raises ConfigError: the URL is on another origin (nothing is sent).
        :raises AuthError: a redirect to another origin, or on a token/login/refresh/logout request.
        :raises TransportError: the provider could not be reached.
        """
        verb = ascii_text(method, "method", "Session.request").upper()
        request_options(timeout, headers, params, "Session.request")
        target = self._resolve(ascii_text(url, "url", "Session.request"))
        with self.wire.guard(verb, target):
            check_origin(self.origin, target)
            chosen = self.auth if auth is None else auth
            flow_auth = chosen if isinstance(chosen, FlowAuth) else None
            prepared = self.prepare_request(
                requests.Request(
                    verb,
                    target,
                    headers=headers,
                    files=files,
                    data=data or {},
                    json=json,
                    params=params or {},
                    auth=NO_AUTH if flow_auth is not None or chosen is None else chosen,
                    cookies=cookies,
                    hooks=hooks,
                )
            )
            if verify is None and isinstance(self.verify, str):
                verify = self.verify  # else REQUESTS_CA_BUNDLE would win (psf/requests#3829)
            options = {
                "timeout": self.timeout if timeout is None else timeout,
                "allow_redirects": allow_redirects,
                **self.merge_environment_settings(prepared.url or target, proxies or {}, stream, verify, cert),
            }
            flow = flow_auth.auth_flow(prepared) if flow_auth is not None else self.wire.once(prepared, kind)
            _, response = self.wire.drive(flow, options)
        assert response is not None
        return response

    @checked
    def probe(
        self, method: str, path: str, *, step: str | None = None, public: bool = False, **kwargs: Any
    ) -> requests.Response:
        """Send without the session's credentials; the caller's own headers go as given.

        For failure-mode cases (kind ``probe``) and for what needs no credential, like discovery or
        a key set (``public=True``, kind ``public``). The origin check still applies.
        """
        with self.wire.labelled(step):
            return self.request(method, path, auth=NO_AUTH, kind="public" if public else "probe", **kwargs)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Send an already prepared request as it is (no credential added), origin-checked and journaled."""
        with self.wire.guard(request.method or "", request.url or ""):
            check_origin(self.origin, request.url or "")
            kwargs.setdefault("timeout", self.timeout)
            _, response = self.wire.drive(self.wire.once(request), kwargs)
        assert response is not None
        return response

    def run(self, flow: Flow[R]) -> R:
        """Drive an auth flow (a token fetch, a logout) through this session; return its value."""
        with self.wire.guard("", self.base_url):
            value, _ = self.wire.drive(flow, {"timeout": self.timeout})
        return value

    @checked
    def token(self, renew: str | None = None) -> T | None:
        """The auth's current token, fetched through this session if needed (journaled); None without one.

        :param renew: a reason to get a new one now (``forced``, ``expiring``: as if it were about to expire).
        """
        auth = self.auth
        if not isinstance(auth, FlowAuth):
            return None
        token: T = self.run(auth.token_flow(renew))
        return token

    @checked
    def require_token(self, renew: str | None = None) -> T:
        """:meth:`token`, for a session whose auth has tokens.

        :raises ConfigError: the session's auth has no tokens (a scheme that signs or mints per request).
        """
        token = self.token(renew)
        if token is None:
            raise ConfigError(
                f"this {self.provider} session's auth has no token (it writes its credential per request)"
            )
        return token

    def token_value(self) -> str | None:
        """The credential a request would carry as its token, for command-line use; None without one.

        Exactly what a journal's ``${<PROVIDER>_TOKEN}`` placeholder stands for: the auth's
        :meth:`~kit.auth.scheme.FlowAuth.credential` of its current token (fetched, or minted, as a
        request would).
        """
        auth = self.auth
        if not isinstance(auth, FlowAuth):
            return None
        with self.wire.guard("", self.base_url):
            return auth.credential(self.run(auth.token_flow()))

    @checked
    def call(self, method: str, path: str, *, step: str | None = None, **kwargs: Any) -> Any:
        """Send a request and return its JSON body (or text; None for a 204 or an empty body, whatever
        its Content-Type says); raise the provider's typed error.

        :raises AuthError: for 401/403 answers; :raises ApiError: for other provider errors;
        :raises TransportError: when the provider cannot be reached; :raises ConfigError: another origin.
        """
        with self.wire.labelled(step):
            response = self.request(method, path, **kwargs)
        error = self.error_parser(response, self.provider)
        if error is not None:
            raise self.wire.hinted(error)
        return answer_body(response, self.provider, method, path)

    def __repr__(self) -> str:
        said = self.note() if self.note is not None else ""
        extra = f" ({said})" if said else ""
        return f"<kit.Session {self.provider} {redact(self.base_url)} exchanges={len(self.journal)}{extra}>"
