"""Signicat, the client side: OAuth2 client credentials with a shared, single-flight token cache.

CONFIRMED (shared notes, section 2): token URL ``{base}/auth/open/connect/token`` with
``grant_type=client_credentials`` and scope ``signicat-api``; RS256 ``at+jwt`` access tokens
whose ``account_id`` claim the official SDK adds to every API call as ``signicat-accountId``;
problem-details errors with ``code`` ``invalid_token`` on 401 and a distinct 403; discovery and
JWKS under ``/auth/open/.well-known/openid-configuration`` (CONFIRMED for tenant hosts,
INFERRED for api.signicat.com). The SDK uses client_secret_post and no early renewal; kit
defaults to client_secret_basic (RFC 6749's recommended method) with a 30 s margin.

OBSERVED against node ``oidc-provider`` 9 (an OpenID Certified server, mounted at Signicat's paths):
the client works with opaque access tokens too (RFC 6749's general model; the account id then
comes from the credentials' ``account_id``, if given), with a JWT access token whose ``aud`` is a
resource indicator (RFC 8707, RFC 9068: pass ``audience=`` to :func:`verify_token`), with any
signing algorithm its JWKS key allows from an allow-list, and with a grant narrowed to fewer scopes
than asked (shown in :func:`token_table`, warned about once).
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING, Any, Unpack
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from kit.answers import json_error_parser, json_or_none
from kit.auth.oauth2 import ClientCredentialsAuth
from kit.auth.tokencache import TokenCache
from kit.auth.tokens import CachedToken
from kit.credentials import Credentials as _Credentials
from kit.errors import ConfigError
from kit.meanings import register_meanings
from kit.providers.signicat.facts import FACTS
from kit.providers.signicat.protocol import (
    ACCOUNT_PARAMETER,
    DISCOVERY_PATH,
    LIVE_URL,
    ORGANIZATION_HEADER,
    ORGANIZATION_PARAMETER,
    SCOPE,
    TOKEN_PATH,
)
from kit.secrets import Secret, fingerprint
from kit.session import Session
from kit.spec import BusinessCall, Provider
from kit.wire import Wiring

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Credentials",
    "PROVIDER",
    "error_parser",
    "httpx_auth",
    "session",
    "token_request_table",
    "token_table",
    "verify_token",
]

DEFAULT_BASE_URL = LIVE_URL

register_meanings(
    FACTS,
    {
        "account_id": ("Signicat account the client belongs to (sent as signicat-accountId)", "account-id"),
        "sandbox": ("true for tokens from a Signicat sandbox client", "at-jwt"),
    },
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
    #: sent on every API call as the official SDK sends it (fact organization-id), when set
    organization_id: str | None = None


@functools.lru_cache(maxsize=64)
def _account_of(token: str) -> str | None:
    """The token's ``account_id`` claim; None for a token without one, or an opaque token."""
    if token.count(".") != 2:
        return None
    import jwt  # PyJWT (and cryptography) load with the first business call, not with kit

    try:
        value = jwt.decode(token, options={"verify_signature": False}).get("account_id")
    except jwt.PyJWTError:
        return None
    return None if value is None else str(value)


def add_account_id(request: requests.PreparedRequest, token: CachedToken, default: str | None = None) -> None:
    """Add ``signicat-accountId`` from the token's ``account_id`` claim, as the official SDK does
    (for an opaque token: ``default``, the credentials' account id, when there is one)."""
    account = _account_of(token.access_token.reveal()) or default
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


def _decorate(
    request: requests.PreparedRequest, token: CachedToken, *, account: str | None, organization: str | None
) -> None:
    """What the official SDK adds to an API call: signicat-accountId, and with an organization id configured the
    ``Signicat-OrganizationId`` header and ``signicat-organizationId`` parameter (fact organization-id)."""
    add_account_id(request, token, default=account)
    url = request.url or ""
    if not organization or TOKEN_PATH in url:
        return
    request.headers[ORGANIZATION_HEADER] = organization
    if any(k == ORGANIZATION_PARAMETER for k, _ in parse_qsl(urlsplit(url).query)):
        return  # the caller named one: theirs stands
    parts = urlsplit(url)
    extra = urlencode({ORGANIZATION_PARAMETER: organization})
    request.url = urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


def _code_and_message(data: dict[str, Any]) -> tuple[Any, Any]:
    """Problem details' members (``code``, ``title``, ``detail``) in plain JSON, or RFC 6749's (``error``, …)."""
    message = data.get("title") or data.get("error_description")
    if data.get("detail") and data.get("title"):
        message = f"{data['title']} {data['detail']}"
    return data.get("code") or data.get("error"), message


#: problem details (by their media type, RFC 9457, or their shape in plain JSON) or RFC 6749 errors, as
#: AuthError/ApiError
error_parser = json_error_parser(_code_and_message)


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
        decorate=functools.partial(_decorate, account=credentials.account_id, organization=credentials.organization_id),
    )


def session(
    credentials: Credentials,
    base_url: str = DEFAULT_BASE_URL,
    *,
    verify: bool | str | None = None,
    cache: TokenCache | None = None,
    **wiring: Unpack[Wiring],
) -> Session[CachedToken]:
    """A journaling session whose token fetches, retries and API calls all land in its journal."""
    auth = auth_for(credentials, base_url, cache=cache)
    return Session(base_url, provider="signicat", auth=auth, verify=verify, error_parser=error_parser, **wiring)


def token_request_table(
    credentials: Credentials, base_url: str = DEFAULT_BASE_URL, auth_method: str | None = None
) -> pd.DataFrame:
    """The token request as it would be sent (redacted), for one client-auth method."""
    from kit.tables import request_table

    creds = dataclasses.replace(credentials, auth_method=auth_method) if auth_method else credentials
    return request_table(auth_for(creds, base_url).request())


def token_table(token: CachedToken) -> pd.DataFrame:
    """The token response as kit keeps it: the token as a fingerprint, its format, type, scope, expiry.

    A grant narrower than asked shows the scope asked for and what was not granted.
    """
    from kit.tables import Table

    raw = token.access_token.reveal()
    row: dict[str, Any] = {
        "access_token": f"fp={fingerprint(raw)}",
        "format": "JWT" if raw.count(".") == 2 else "opaque",
        "token_type": token.token_type,
        "scope": token.scope,
    }
    missing = sorted(set(token.requested_scope.split()) - set(token.scope.split()))
    if missing:
        row.update({"scope asked": token.requested_scope, "not granted": " ".join(missing)})
    return Table([{**row, "expires_in": f"{token.lifetime:.0f} s"}])


#: what verify_token accepts, by key type: asymmetric algorithms only (never none, never HMAC with a public key)
ALGORITHMS = {
    "RSA": ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
    "EC": ("ES256", "ES384", "ES512"),
    "OKP": ("EdDSA",),
}


def verify_token(
    s: Session[Any], token: CachedToken | str, *, audience: str | None = None, now: float | str | None = None
) -> pd.DataFrame:
    """Claims table of ``token`` verified with the key that discovery + JWKS publish for its ``kid``.

    :param audience: the ``aud`` to expect; default: the issuer without ``/auth/open`` (what Signicat's
        tokens carry). A server that names the resource (RFC 8707 resource indicators) puts that there.
    The algorithms allowed are those of the key's type in :data:`ALGORITHMS`, narrowed to the key's own
    ``alg`` when the JWKS names one.
    :raises ConfigError: the token is not a JWT (an opaque token cannot be verified here; its table is
        :func:`kit.claims`'s one row), or discovery or the key set is not usable.
    """
    import jwt

    from kit.claims import claims

    raw = token.access_token.reveal() if isinstance(token, CachedToken) else token
    try:
        header = jwt.get_unverified_header(raw)
    except jwt.PyJWTError:
        what = "an opaque token" if "." not in raw else "not a JWT"
        raise ConfigError(f"{what}: nothing to verify with a key; only its issuer can say what it grants") from None
    meta = _json(s, DISCOVERY_PATH, "discovery")
    if not isinstance(meta.get("jwks_uri"), str) or not isinstance(meta.get("issuer"), str):
        raise ConfigError("discovery names no jwks_uri or issuer")
    published = _json(s, meta["jwks_uri"], "jwks").get("keys")
    if not isinstance(published, list):
        raise ConfigError(f"the JWKS's keys must be a list of keys (RFC 7517 5.1), not {_kind(published)}")
    entry = next((k for k in published if isinstance(k, dict) and k.get("kid") == header.get("kid")), None)
    key = None
    allowed = list(ALGORITHMS["RSA"])
    if entry is not None:
        key = _jwk(entry, header.get("kid"))
        allowed = list(ALGORITHMS.get(str(entry.get("kty")), ()))
        if entry.get("alg") in allowed:
            allowed = [str(entry["alg"])]  # the key names its one algorithm
    wanted = meta["issuer"].removesuffix("/auth/open") if audience is None else audience
    return claims(raw, key, algorithms=allowed, audience=wanted, issuer=meta["issuer"], now=now, provider="signicat")


#: the members of a JWK that are text when present (RFC 7517 4, RFC 7518 6): kty, alg, use, kid, and the key's own
_JWK_TEXT = ("kty", "alg", "use", "kid", "crv", "n", "e", "x", "y", "k")


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _jwk(entry: dict[str, Any], kid: Any) -> Any:
    """The public key of one JWKS entry through PyJWT; a ConfigError naming the member that is not usable."""
    import jwt

    for member in _JWK_TEXT:
        if member in entry and not isinstance(entry[member], str):
            raise ConfigError(f"the JWKS key {kid!r} is not usable: its {member} is {_kind(entry[member])}, not text")
    try:
        return jwt.PyJWK.from_dict(entry).key
    except (jwt.PyJWTError, ValueError, TypeError) as exc:  # a member PyJWT cannot decode (base64url, a curve)
        raise ConfigError(f"the JWKS key {kid!r} is not usable: {type(exc).__name__}: {exc}") from None


def _json(s: Session[Any], path: str, step: str) -> dict[str, Any]:
    answer = s.probe("GET", path, step=step, public=True)
    body, _ = json_or_none(answer, step)
    if answer.status_code != 200 or not isinstance(body, dict):
        raise ConfigError(f"{step} answered {answer.status_code} without a JSON object")
    return body


SCHEME = "OAuth2 client credentials → RS256 at+jwt (Bearer), cached and renewed early, JWKS"
BUSINESS = BusinessCall("POST", "auth/rest/sessions", body={})

PROVIDER = Provider.of(__name__)
httpx_auth = PROVIDER.httpx_auth  # for httpx.Client and httpx.AsyncClient (kit[httpx])
