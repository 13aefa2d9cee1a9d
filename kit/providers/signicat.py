"""Signicat, the client side: OAuth2 client credentials with a shared, single-flight token cache.

CONFIRMED (shared notes, section 2): token URL ``{base}/auth/open/connect/token`` with
``grant_type=client_credentials`` and scope ``signicat-api``; RS256 ``at+jwt`` access tokens
whose ``account_id`` claim the official SDK adds to every API call as ``signicat-accountId``;
problem-details errors with ``code`` ``invalid_token`` on 401 and a distinct 403; discovery and
JWKS under ``/auth/open/.well-known/openid-configuration`` (CONFIRMED for tenant hosts,
INFERRED for api.signicat.com). The SDK uses client_secret_post and no early renewal; kit
defaults to client_secret_basic (RFC 6749's recommended method) with a 30 s margin.
"""

from __future__ import annotations

import dataclasses
import functools
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jwt
import pandas as pd
import requests

from kit.answers import api_error, json_body
from kit.claims import claims, register_meanings
from kit.credentials import Credentials as _Credentials
from kit.errors import ApiError
from kit.oauth2 import ClientCredentialsAuth, request_table
from kit.protocol.signicat import ACCOUNT_PARAMETER, DISCOVERY_PATH, SCOPE, TOKEN_PATH
from kit.secrets import Secret, fingerprint
from kit.session import Session
from kit.spec import BusinessCall, Provider
from kit.tables import Table
from kit.tokencache import TokenCache
from kit.tokens import CachedToken

__all__ = ["PROVIDER", "Credentials", "error_parser", "session", "token_request_table", "token_table", "verify_token"]

DEFAULT_BASE_URL = "https://api.signicat.com/"

register_meanings(
    {
        "account_id": "Signicat account the client belongs to (sent as signicat-accountId)",
        "sandbox": "true for tokens from a Signicat sandbox client",
    }
)


@dataclasses.dataclass(frozen=True)
class Credentials(_Credentials):
    """Signicat API client credentials; ``client_secret`` may be given as a plain str."""

    PROVIDER = "signicat"
    client_id: str
    client_secret: Secret
    account_id: str | None = None
    scope: str = SCOPE
    auth_method: str = "client_secret_basic"


@functools.lru_cache(maxsize=64)
def _account_of(token: str) -> str | None:
    value = jwt.decode(token, options={"verify_signature": False}).get("account_id")
    return None if value is None else str(value)


def add_account_id(request: requests.PreparedRequest, token: CachedToken) -> None:
    """Add ``signicat-accountId`` from the token's ``account_id`` claim, as the official SDK does."""
    account = _account_of(token.access_token.reveal())
    url = request.url or ""
    if not account or TOKEN_PATH in url:
        return
    if ACCOUNT_PARAMETER in url:
        query = urlsplit(url).query
        if any(k == ACCOUNT_PARAMETER for k, _ in parse_qsl(query)):
            return  # the caller named an account: theirs stands
    extra = _parameter(account)
    if "#" in url:
        parts = urlsplit(url)
        request.url = urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))
    else:  # no fragment: append to the query as it stands
        request.url = f"{url}{extra}" if url.endswith("?") else f"{url}&{extra}" if "?" in url else f"{url}?{extra}"


@functools.lru_cache(maxsize=64)
def _parameter(account: str) -> str:
    return urlencode({ACCOUNT_PARAMETER: account})


def error_parser(response: requests.Response, provider: str) -> ApiError | None:
    """Problem details (``code``, ``title``, ``detail``) or RFC 6749 errors as AuthError/ApiError."""
    if response.status_code < 400:
        return None
    body, data = json_body(response)
    message = data.get("title") or data.get("error_description")
    if data.get("detail") and data.get("title"):
        message = f"{data['title']} {data['detail']}"
    return api_error(response, provider, data.get("code") or data.get("error"), message, body)


def auth_for(credentials: Credentials, base_url: str, *, cache: TokenCache | None = None) -> ClientCredentialsAuth:
    """The auth for Signicat: client credentials, cached, retried once, with signicat-accountId.

    A kit Session drives it as a flow; on its own it is a requests AuthBase bound to ``base_url``'s origin.
    """
    return ClientCredentialsAuth(
        token_url=base_url + TOKEN_PATH,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        scope=credentials.scope,
        auth_method=credentials.auth_method,
        cache=cache,
        decorate=add_account_id,
    )


def session(
    credentials: Credentials,
    base_url: str = DEFAULT_BASE_URL,
    *,
    verify: bool | str | None = None,
    cache: TokenCache | None = None,
) -> Session:
    """A journaling session whose token fetches, retries and API calls all land in its journal."""
    auth = auth_for(credentials, base_url, cache=cache)
    return Session(base_url, provider="signicat", auth=auth, verify=verify, error_parser=error_parser)


def token_request_table(
    credentials: Credentials, base_url: str = DEFAULT_BASE_URL, auth_method: str | None = None
) -> pd.DataFrame:
    """The token request as it would be sent (redacted), for one client-auth method."""
    creds = dataclasses.replace(credentials, auth_method=auth_method) if auth_method else credentials
    return request_table(auth_for(creds, base_url).request())


def token_table(token: CachedToken) -> pd.DataFrame:
    """The token response as kit keeps it: the token as a fingerprint, type, scope, expiry."""
    return Table(
        [
            {
                "access_token": f"fp={fingerprint(token.access_token.reveal())}",
                "token_type": token.token_type,
                "scope": token.scope,
                "expires_in": f"{token.lifetime:.0f} s",
            }
        ]
    )


def verify_token(s: Session, token: CachedToken | str, *, now: float | str | None = None) -> pd.DataFrame:
    """Claims table of ``token`` verified with the key that discovery + JWKS publish for its ``kid``."""
    raw = token.access_token.reveal() if isinstance(token, CachedToken) else token
    meta = s.probe("GET", DISCOVERY_PATH, step="discovery", public=True).json()
    keys = jwt.PyJWKSet.from_dict(s.probe("GET", meta["jwks_uri"], step="jwks", public=True).json())
    kid = jwt.get_unverified_header(raw).get("kid")
    key = next((k.key for k in keys.keys if k.key_id == kid), None)
    audience = meta["issuer"].removesuffix("/auth/open")
    return claims(raw, key, algorithms=["RS256"], audience=audience, issuer=meta["issuer"], now=now)


PROVIDER = Provider(
    name="signicat",
    credentials=Credentials,
    session=session,
    scheme="OAuth2 client credentials → RS256 at+jwt (Bearer), cached and renewed early, JWKS",
    live_url="https://api.signicat.com/",
    emulator_module="kit.sandbox.signicat",
    probes_module="kit.probes.signicat",
    business=BusinessCall("POST", "auth/rest/sessions", body={}),
    facts={
        "revocation": "none: a token lives until exp (a 401 makes kit fetch another and retry once)",
        "tenant or permission model": "account id from the token's account_id claim; 403 per API product",
    },
)
