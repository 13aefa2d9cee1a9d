"""OAuth2 client credentials for any provider: client-auth registry, token requests, an AuthBase.

* Client authentication methods are plain functions in a registry (:data:`CLIENT_AUTH`), one
  signature ``(client_id, client_secret, headers, form) -> (headers, form)``; a provider picks
  one by name, and :func:`register_client_auth` adds more.
* :func:`token_request` builds the RFC 6749 §4.4 request; :func:`request_table` shows it
  redacted, before it is sent.
* :class:`ClientCredentialsAuth` takes tokens from a :mod:`kit.tokencache` cache (single-flight,
  early renewal) and, on a 401 whose challenge or body says ``invalid_token``, invalidates the
  token it used, gets a fresh one and resends the original request exactly once. A second 401 is
  returned as is (``Session.call`` raises it as ``AuthError``). With a kit Session both attempts,
  and the token fetches, are in the journal with their kind and reason.
* A token answer is checked before it is used: an ``access_token`` string and an ``expires_in``
  that is a finite number within 1 s..366 days (:func:`kit.tokencache.checked_lifetime`); when
  ``expires_in`` is absent (RFC 6749 allows it), a JWT's own ``exp`` is used, else it is an error.
* A grant narrower than asked (RFC 6749 §3.3: the server may issue fewer scopes, and then names the
  ones it granted) is kept with both scopes on the token and warned about once (:class:`NarrowedGrant`).
"""

from __future__ import annotations

import base64
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

import jwt
import pandas as pd
import requests

from kit.answers import json_or_none
from kit.bearer import CachedBearerAuth, Decorate
from kit.errors import AuthError, ConfigError
from kit.flow import Flow
from kit.secrets import Secret, redact
from kit.tables import Table
from kit.tokencache import TokenCache
from kit.tokens import CachedToken, KeyParts, checked_lifetime

__all__ = [
    "CLIENT_AUTH",
    "ClientCredentialsAuth",
    "NarrowedGrant",
    "client_secret_basic",
    "client_secret_post",
    "register_client_auth",
    "request_table",
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


CLIENT_AUTH: dict[str, ClientAuthMethod] = {
    "client_secret_basic": client_secret_basic,
    "client_secret_post": client_secret_post,
}


def register_client_auth(name: str, method: ClientAuthMethod) -> None:
    """Add a client authentication method usable by name."""
    CLIENT_AUTH[name] = method


def _method(auth_method: str | ClientAuthMethod) -> ClientAuthMethod:
    if callable(auth_method):
        return auth_method
    if auth_method not in CLIENT_AUTH:
        raise ConfigError(f"unknown client auth method {auth_method!r}; known: {', '.join(sorted(CLIENT_AUTH))}")
    return CLIENT_AUTH[auth_method]


def token_request(
    token_url: str,
    client_id: str,
    client_secret: Secret,
    *,
    scope: str | None = None,
    auth_method: str | ClientAuthMethod = "client_secret_basic",
) -> requests.Request:
    """The client-credentials token request, not yet sent."""
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    form = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    headers, form = _method(auth_method)(client_id.strip(), client_secret, headers, form)
    return requests.Request("POST", token_url, headers=headers, data=form)


def request_table(request: requests.Request) -> pd.DataFrame:
    """The request's method, URL, headers and form fields as rows, secrets masked."""
    rows = [{"part": "line", "name": request.method, "value": redact(request.url)}]
    rows += [{"part": "header", "name": k, "value": redact(v, key=k)} for k, v in request.headers.items()]
    data = request.data if isinstance(request.data, dict) else {}
    rows += [{"part": "form", "name": k, "value": redact(str(v), key=k)} for k, v in data.items()]
    body = request.json if isinstance(request.json, dict) else {}
    rows += [{"part": "json", "name": k, "value": redact(str(v), key=k)} for k, v in body.items()]
    return Table(rows, columns=["part", "name", "value"])


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
        cache: TokenCache | None = None,
        decorate: Decorate | None = None,
        timeout: float | tuple[float, float] = (5.0, 30.0),
        http: requests.Session | None = None,
    ) -> None:
        _method(auth_method)
        self.token_url, self.client_id, self.client_secret = token_url, client_id, client_secret
        self.scope, self.auth_method = scope, auth_method
        key = KeyParts(token_url, client_id, client_secret, {"scope": scope or "", "auth_method": auth_method})
        super().__init__(key=key, base_url=token_url, cache=cache, decorate=decorate, timeout=timeout, http=http)

    def is_stale(self, response: requests.Response) -> bool:
        return _is_invalid_token(response)

    def request(self) -> requests.Request:
        return token_request(
            self.token_url, self.client_id, self.client_secret, scope=self.scope, auth_method=self.auth_method
        )

    def fetch_flow(self, reason: str = "absent") -> Flow[CachedToken]:
        """Ask the token endpoint for a new token (normally run by the cache's lease)."""
        response = yield from self.auth_request(self.request(), "token", reason)
        body, problem = json_or_none(response, "the token answer")
        if response.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            error = body.get("error") if isinstance(body, dict) else None
            detail = (body.get("error_description") if isinstance(body, dict) else None) or response.reason
            if body is None:
                detail = f"the token endpoint answered {response.status_code} with {problem}"
            elif response.status_code == 200:
                detail = "the answer has no access_token string"
            raise AuthError(
                response.status_code, error, str(detail or "no token in the answer"), url=self.token_url, body=body
            )
        token = Secret(body["access_token"])  # a Secret first: from here on every sink masks it
        lifetime = _lifetime(body, token, self.token_url)
        asked = self.scope or ""
        granted = _scope(body.get("scope"), asked)
        if asked and granted != asked:
            _narrowed(self.token_url, self.client_id, asked, granted)
        kind = str(body.get("token_type", "Bearer"))
        return CachedToken(token, time.time() + lifetime, kind, granted, lifetime, requested_scope=asked)

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(client_id={self.client_id!r}, client_secret={self.client_secret!r})"


def _scope(value: Any, asked: str) -> str:
    """The granted scope: the answer's (a space-separated string, or a list as some servers send it);
    when absent, RFC 6749 §5.1 says it is the scope that was asked for."""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return asked if value is None else str(value)


def _lifetime(body: dict[str, Any], token: Secret, url: str) -> float:
    """``expires_in``, checked; when absent, what the token's own ``exp`` claim leaves (a JWT)."""
    if "expires_in" in body:
        return checked_lifetime(body["expires_in"], "expires_in", url=url)
    try:
        exp = jwt.decode(token.reveal(), options={"verify_signature": False}).get("exp")
    except jwt.PyJWTError:
        exp = None
    left = float(exp) - time.time() if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None
    field = "expires_in (absent; nor does the token carry exp)" if left is None else "exp"
    return checked_lifetime(left, field, url=url)
