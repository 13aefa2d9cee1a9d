"""OAuth2 client credentials for any provider: client-auth registry, token requests, an AuthBase.

* Client authentication methods are plain functions, one signature ``(client_id, client_secret,
  headers, form) -> (headers, form)``; :data:`CLIENT_AUTH` holds the two of RFC 6749 (read-only),
  and an auth picks one by name or is given its own (``methods=``: a per-auth registration, never a
  module-wide one).
* :func:`token_request` builds the RFC 6749 §4.4 request (:func:`kit.tables.request_table` shows
  it redacted, before it is sent).
* :class:`ClientCredentialsAuth` takes tokens from a :mod:`kit.auth.tokencache` cache (single-flight,
  early renewal) and, on a 401 whose challenge or body says ``invalid_token``, invalidates the
  token it used, gets a fresh one and resends the original request exactly once. A second 401 is
  returned as is (``Session.call`` raises it as ``AuthError``). With a kit Session both attempts,
  and the token fetches, are in the journal with their kind and reason.
* A token answer is checked before it is used: an ``access_token`` string and an ``expires_in``
  that is a finite number within 1 s..366 days (:func:`kit.auth.tokencache.checked_lifetime`); when
  ``expires_in`` is absent (RFC 6749 allows it), a JWT's own ``exp`` is used, else it is an error.
* A grant narrower than asked (RFC 6749 §3.3: the server may issue fewer scopes, and then names the
  ones it granted) is kept with both scopes on the token and warned about once (:class:`NarrowedGrant`).
"""

from __future__ import annotations

import base64
import threading
import warnings
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any
from urllib.parse import quote_plus

import requests

from kit.answers import json_or_none
from kit.auth.bearer import CachedBearerAuth, Decorate
from kit.auth.flow import Flow
from kit.auth.tokencache import TokenCache
from kit.auth.tokens import CachedToken, KeyParts, checked_lifetime, jwt_exp, token_answer
from kit.errors import AuthError, ConfigError
from kit.secrets import Secret

__all__ = [
    "CLIENT_AUTH",
    "ClientCredentialsAuth",
    "NarrowedGrant",
    "client_secret_basic",
    "client_secret_post",
    "token_request",
]

Form = dict[str, str]
Headers = dict[str, str]
ClientAuthMethod = Callable[[str, Secret, Headers, Form], tuple[Headers, Form]]


def client_secret_basic(client_id: str, client_secret: Secret, headers: Headers, form: Form) -> tuple[Headers, Form]:
    """HTTP Basic with the form-urlencoded id and secret (RFC 6749 §2.3.1)."""
    pair = f"{quote_plus(client_id)}:{quote_plus(client_secret.reveal())}"
    return {**headers, "Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}, form


def client_secret_post(client_id: str, client_secret: Secret, headers: Headers, form: Form) -> tuple[Headers, Form]:
    """``client_id`` and ``client_secret`` in the form body (RFC 6749 §2.3.1)."""
    return headers, {**form, "client_id": client_id, "client_secret": client_secret.reveal()}


#: the client authentication methods of RFC 6749 §2.3.1, by name (read-only: an auth that needs another
#: is given it through ``methods=``)
CLIENT_AUTH: Mapping[str, ClientAuthMethod] = MappingProxyType(
    {"client_secret_basic": client_secret_basic, "client_secret_post": client_secret_post}
)


def _method(
    auth_method: str | ClientAuthMethod, methods: Mapping[str, ClientAuthMethod] = CLIENT_AUTH
) -> ClientAuthMethod:
    if callable(auth_method):
        return auth_method
    if auth_method not in methods:
        raise ConfigError(f"unknown client auth method {auth_method!r}; known: {', '.join(sorted(methods))}")
    return methods[auth_method]


def token_request(
    token_url: str,
    client_id: str,
    client_secret: Secret,
    *,
    scope: str | None = None,
    auth_method: str | ClientAuthMethod = "client_secret_basic",
    methods: Mapping[str, ClientAuthMethod] = CLIENT_AUTH,
) -> requests.Request:
    """The client-credentials token request, not yet sent (``auth_method`` a name in ``methods``, or a method)."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    form = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    headers, form = _method(auth_method, methods)(client_id.strip(), client_secret, headers, form)
    return requests.Request("POST", token_url, headers=headers, data=form)


def _is_invalid_token(response: requests.Response) -> bool:
    if response.status_code != 401:
        return False
    if "invalid_token" in response.headers.get("WWW-Authenticate", ""):
        return True
    body, _ = json_or_none(response)
    return isinstance(body, dict) and "invalid_token" in (body.get("code"), body.get("error"))


class NarrowedGrant(UserWarning):
    """The token endpoint granted fewer scopes than were asked for (RFC 6749 §3.3)."""


_warned: set[tuple[str, str, str, str]] = set()
_warned_lock = threading.Lock()


def _narrowed(token_url: str, client_id: str, asked: str, granted: str) -> None:
    """Warn, once per token endpoint, client and pair of scopes, that the grant is narrower than asked."""
    missing = sorted(set(asked.split()) - set(granted.split()))
    if not missing:
        return
    with _warned_lock:
        key = (token_url, client_id, asked, granted)
        if key in _warned:
            return
        _warned.add(key)
    warnings.warn(
        f"the token endpoint granted scope {granted!r} for {asked!r}: not granted {' '.join(missing)} "
        "(RFC 6749 §3.3 lets it narrow a grant); calls that need them will be refused",
        NarrowedGrant,
        stacklevel=2,
    )


class ClientCredentialsAuth(CachedBearerAuth):
    """Bearer tokens from the client-credentials grant, cached, renewed early, retried once on 401."""

    stale_answer = "401 invalid_token"

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: Secret,
        scope: str | None = None,
        auth_method: str = "client_secret_basic",
        methods: Mapping[str, ClientAuthMethod] = CLIENT_AUTH,
        cache: TokenCache | None = None,
        decorate: Decorate | None = None,
        timeout: float | tuple[float, float] = (5.0, 30.0),
        http: requests.Session | None = None,
    ) -> None:
        _method(auth_method, methods)
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scope = scope
        self.auth_method = auth_method
        self.methods = methods
        key = KeyParts(token_url, client_id, client_secret, {"scope": scope or "", "auth_method": auth_method})
        super().__init__(key=key, base_url=token_url, cache=cache, decorate=decorate, timeout=timeout, http=http)

    def is_stale(self, response: requests.Response) -> bool:
        return _is_invalid_token(response)

    def request(self) -> requests.Request:
        return token_request(
            self.token_url,
            self.client_id,
            self.client_secret,
            scope=self.scope,
            auth_method=self.auth_method,
            methods=self.methods,
        )

    def fetch_flow(self, reason: str = "absent") -> Flow[CachedToken]:
        """Ask the token endpoint for a new token (normally run by the cache's lease)."""
        response = yield from self.auth_request(self.request(), "token", reason)
        body, token = token_answer(response, "access_token", "the token answer", self._refused)
        lifetime = _lifetime(body, token, self.token_url, self.cache.clock())
        asked = self.scope or ""
        granted = _scope(body.get("scope"), asked)
        if asked and granted != asked:
            _narrowed(self.token_url, self.client_id, asked, granted)
        kind = str(body.get("token_type", "Bearer"))
        return CachedToken(token, self.cache.clock() + lifetime, kind, granted, lifetime, requested_scope=asked)

    def _refused(self, response: requests.Response, body: Any, problem: str) -> AuthError:
        """The error for a token answer without a token: the endpoint's ``error`` and description."""
        error = body.get("error") if isinstance(body, dict) else None
        detail = (body.get("error_description") if isinstance(body, dict) else None) or response.reason
        if body is None:
            detail = f"the token endpoint answered {response.status_code} with {problem}"
        elif response.status_code == 200:
            detail = "the answer has no access_token string"
        return AuthError(
            response.status_code, error, str(detail or "no token in the answer"), url=self.token_url, body=body
        )

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(client_id={self.client_id!r}, client_secret={self.client_secret!r})"


def _scope(value: Any, asked: str) -> str:
    """The granted scope: the answer's (a space-separated string, or a list as some servers send it);
    when absent, RFC 6749 §5.1 says it is the scope that was asked for."""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return asked if value is None else str(value)


def _lifetime(body: dict[str, Any], token: Secret, url: str, now: float) -> float:
    """``expires_in``, checked; when absent, what the token's own ``exp`` claim leaves (a JWT)."""
    if "expires_in" in body:
        return checked_lifetime(body["expires_in"], "expires_in", url=url)
    exp, _ = jwt_exp(token)
    left = None if exp is None else exp - now
    field = "expires_in (absent; nor does the token carry exp)" if left is None else "exp"
    return checked_lifetime(left, field, url=url)
