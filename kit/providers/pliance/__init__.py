"""Pliance, the client side: a fresh HS256 JWT per request, as every official SDK does.

CONFIRMED (shared notes, section 1): header exactly ``{"typ":"JWT","alg":"HS256"}``; claims
``iat = nbf = now``, ``exp = now + 300`` (the SDKs' choice: the server sets no lifetime),
``aud = "pliance.io"``, ``iss`` (company id),
``given_name`` and ``sub`` (shown in Pliance's logs); HMAC key = the UTF-8 bytes of the secret
(not hex-decoded); optional ``X-Tenant`` header (the .NET SDK); client certificates through
requests' ``cert=``; failures reported in the ``{status, success, message, checkpoint}`` envelope.

INFERRED: a rejected token is a 401 with ``WWW-Authenticate: Bearer error="invalid_token"``
(ASP.NET Core JwtBearer); see :mod:`kit.providers.pliance.sandbox` for the whole catalogue.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from typing import Unpack

import requests

from kit.answers import api_error, json_body
from kit.auth.scheme import TokenlessAuth
from kit.challenge import challenge
from kit.credentials import Credentials as _Credentials
from kit.errors import ApiError
from kit.meanings import register_meanings
from kit.providers.pliance.facts import FACTS
from kit.providers.pliance.protocol import AUDIENCE, HEADER, LIFETIME, TENANT_HEADER
from kit.secrets import Secret
from kit.session import Session
from kit.spec import BusinessCall, Provider
from kit.wire import Wiring

__all__ = ["Credentials", "PROVIDER", "PlianceAuth", "error_parser", "httpx_auth", "mint_token", "session"]

_TIME = re.compile(r" '(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)'")  # moved to its own column: stable tables

register_meanings(
    FACTS,
    {
        "given_name": ("caller's name, shown in Pliance's logs", "log-claims"),
        "sub": ("caller's id, shown in Pliance's logs", "log-claims"),
        "iss": ("company id Pliance assigned to you", "issuer"),
        "aud": ("always pliance.io", "audience"),
    },
)


@dataclasses.dataclass(frozen=True)
class Credentials(_Credentials):
    """Pliance credentials; ``secret`` may be given as a plain str."""

    PROVIDER = "pliance"
    HEADER_FIELDS = ("tenant",)
    secret: Secret
    issuer: str
    given_name: str
    subject: str
    tenant: str | None = None
    cert: str | None = None


def mint_token(credentials: Credentials, *, now: float | None = None, lifetime: int = LIFETIME) -> str:
    """A Pliance JWT: exactly the documented header and claims, signed HS256 with the secret's UTF-8 bytes."""
    import jwt

    issued = int(time.time() if now is None else now)
    claims = {
        "iat": issued,
        "nbf": issued,
        "exp": issued + lifetime,
        "aud": AUDIENCE,
        "iss": credentials.issuer,
        "given_name": credentials.given_name,
        "sub": credentials.subject,
    }
    return jwt.encode(
        claims, credentials.secret.reveal().encode("utf-8"), algorithm="HS256", headers=HEADER, sort_headers=False
    )


class PlianceAuth(TokenlessAuth):
    """Mint a fresh token for every request and add ``X-Tenant`` when a tenant is set (requests in
    the same second share it: minting it again would give the same bytes).

    No token to fetch, so its flow is one exchange; on its own it is a requests AuthBase bound to
    the origin of the first request it signs (a redirect elsewhere is refused).
    """

    def __init__(
        self, credentials: Credentials, *, lifetime: int = LIFETIME, clock: Callable[[], float] = time.time
    ) -> None:
        self.credentials = credentials
        self.lifetime = lifetime
        self.clock = clock
        self._last: tuple[int, Credentials, int, str] | None = None  # second, credentials, lifetime: its token

    def mint(self) -> str:
        """The token for this second. ``iat`` has a resolution of one second and HS256 is
        deterministic, so every request within one second gets the very token minting again would
        give: it is minted once per second and reused within it, byte for byte the same."""
        issued = int(self.clock())
        last = self._last
        if last is not None and last[:3] == (issued, self.credentials, self.lifetime):
            return last[3]
        minted = mint_token(self.credentials, now=issued, lifetime=self.lifetime)
        self._last = (issued, self.credentials, self.lifetime, minted)
        return minted

    def credential(self, token: None) -> str:
        return self.mint()

    def apply(self, request: requests.PreparedRequest, token: None = None) -> None:
        request.headers["Authorization"] = f"Bearer {self.mint()}"
        if self.credentials.tenant:
            request.headers[TENANT_HEADER] = self.credentials.tenant

    def header_names(self) -> set[str]:
        return {"authorization", TENANT_HEADER.lower()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlianceAuth) and (self.credentials, self.lifetime) == (
            other.credentials,
            other.lifetime,
        )

    def __repr__(self) -> str:
        return f"PlianceAuth(issuer={self.credentials.issuer!r}, secret={self.credentials.secret!r})"


def error_parser(response: requests.Response, provider: str) -> ApiError | None:
    """AuthError for 401/403, ApiError for other statuses and for ``success: false`` envelopes. A JwtBearer
    401 has no body: its code and message are the challenge's ``error`` and ``error_description`` (a bare
    ``Bearer`` challenge, no token at all: the status's reason)."""
    body, envelope = json_body(response)
    if response.status_code < 400 and envelope.get("success", True) is not False:
        return None
    said = challenge(response.headers)
    code = (said.error if said is not None and said.error else None) or envelope.get("status")
    message = envelope.get("message") or (said.error_description if said is not None else None)
    return api_error(response, provider, code, message, body)


def session(
    credentials: Credentials, base_url: str, *, verify: bool | str | None = None, **wiring: Unpack[Wiring]
) -> Session[None]:
    """A journaling session that authenticates every request as Pliance does."""
    return Session(
        base_url,
        provider="pliance",
        auth=PlianceAuth(credentials),
        verify=verify,
        cert=credentials.cert,
        error_parser=error_parser,
        **wiring,
    )


SCHEME = "self-minted HS256 JWT per request (Bearer), optional X-Tenant and mTLS"
BUSINESS = BusinessCall("GET", "api/Ping")

PROVIDER = Provider.of(__name__)
httpx_auth = PROVIDER.httpx_auth  # for httpx.Client and httpx.AsyncClient (kit[httpx])
