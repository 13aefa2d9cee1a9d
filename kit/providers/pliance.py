"""Pliance, the client side: a fresh HS256 JWT per request, as every official SDK does.

CONFIRMED (shared notes, section 1): header exactly ``{"typ":"JWT","alg":"HS256"}``; claims
``iat = nbf = now``, ``exp = now + 300``, ``aud = "pliance.io"``, ``iss`` (company id),
``given_name`` and ``sub`` (shown in Pliance's logs); HMAC key = the UTF-8 bytes of the secret
(not hex-decoded); optional ``X-Tenant`` header (the .NET SDK); client certificates through
requests' ``cert=``; failures reported in the ``{status, success, message, checkpoint}`` envelope.

INFERRED: a rejected token is a 401 with ``WWW-Authenticate: Bearer error="invalid_token"``
(ASP.NET Core JwtBearer); see :mod:`kit.sandbox.pliance` for the whole catalogue.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import time
from collections.abc import Callable
from typing import Any

import jwt
import pandas as pd
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from kit.answers import api_error, json_body
from kit.claims import register_meanings
from kit.credentials import Credentials as _Credentials
from kit.errors import ApiError
from kit.flow import FlowAuth
from kit.providers import Provider
from kit.secrets import Secret, redact
from kit.session import Session

__all__ = ["PROVIDER", "Credentials", "PlianceAuth", "error_parser", "failure_modes", "mint_token", "session"]

AUDIENCE = "pliance.io"
_TIME = re.compile(r" '(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)'")  # moved to its own column: stable tables
HEADER = {"typ": "JWT", "alg": "HS256"}
LIFETIME = 300

register_meanings(
    {
        "given_name": "caller's name, shown in Pliance's logs",
        "sub": "caller's id, shown in Pliance's logs",
        "iss": "company id Pliance assigned to you",
        "aud": "always pliance.io",
    }
)


@dataclasses.dataclass(frozen=True)
class Credentials(_Credentials):
    """Pliance credentials; ``secret`` may be given as a plain str."""

    PROVIDER = "pliance"
    secret: Secret
    issuer: str
    given_name: str
    subject: str
    tenant: str | None = None
    cert: str | None = None


def mint_token(credentials: Credentials, *, now: float | None = None, lifetime: int = LIFETIME) -> str:
    """A Pliance JWT: exactly the documented header and claims, signed HS256 with the secret's UTF-8 bytes."""
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


class PlianceAuth(FlowAuth):
    """Mint a fresh token for every request and add ``X-Tenant`` when a tenant is set.

    No token to fetch, so its flow is one exchange; on its own it is a requests AuthBase bound to
    the origin of the first request it signs (a redirect elsewhere is refused).
    """

    def __init__(
        self, credentials: Credentials, *, lifetime: int = LIFETIME, clock: Callable[[], float] = time.time
    ) -> None:
        self.credentials = credentials
        self.lifetime = lifetime
        self.clock = clock

    def apply(self, request: requests.PreparedRequest, token: Any = None) -> None:
        minted = mint_token(self.credentials, now=self.clock(), lifetime=self.lifetime)
        request.headers["Authorization"] = f"Bearer {minted}"
        if self.credentials.tenant:
            request.headers["X-Tenant"] = self.credentials.tenant

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlianceAuth) and (self.credentials, self.lifetime) == (
            other.credentials,
            other.lifetime,
        )

    def __repr__(self) -> str:
        return f"PlianceAuth(issuer={self.credentials.issuer!r}, secret={self.credentials.secret!r})"


def error_parser(response: requests.Response, provider: str) -> ApiError | None:
    """AuthError for 401/403, ApiError for other statuses and for ``success: false`` envelopes."""
    body, envelope = json_body(response)
    if response.status_code < 400 and envelope.get("success", True) is not False:
        return None
    challenge = response.headers.get("WWW-Authenticate", "")
    code = "invalid_token" if 'error="invalid_token"' in challenge else envelope.get("status")
    return api_error(response, provider, code, envelope.get("message"), body)


def session(credentials: Credentials, base_url: str, *, verify: bool | str | None = None) -> Session:
    """A journaling session that authenticates every request as Pliance does."""
    return Session(
        base_url,
        provider="pliance",
        auth=PlianceAuth(credentials),
        verify=verify,
        cert=credentials.cert,
        error_parser=error_parser,
    )


@functools.cache
def _foreign_rsa_key() -> rsa.RSAPrivateKey:
    """An RSA key Pliance never issued, made once per process (generating one takes ~0.1 s)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _bad_tokens(credentials: Credentials, now: int) -> list[tuple[str, str]]:
    good = dict(
        iat=now,
        nbf=now,
        exp=now + LIFETIME,
        aud=AUDIENCE,
        iss=credentials.issuer,
        given_name=credentials.given_name,
        sub=credentials.subject,
    )
    key = credentials.secret.reveal().encode("utf-8")
    other = _foreign_rsa_key()

    def hs(claims: dict[str, Any], secret: bytes = key, alg: str = "HS256") -> str:
        return jwt.encode(claims, secret, algorithm=alg, headers={"typ": "JWT"})

    without = {name: {k: v for k, v in good.items() if k != name} for name in ("sub", "given_name")}
    return [
        ("no Authorization header", ""),
        ("Basic instead of Bearer", "Basic ZGVtbzpkZW1v"),
        ("malformed JWT", "Bearer not.a.jwt"),
        ("signed with another secret", "Bearer " + hs(good, b"x" * 32 + b"-another-secret-entirely")),
        ("alg none", "Bearer " + jwt.encode(good, "", algorithm="none")),
        ("alg RS256", "Bearer " + jwt.encode(good, other, algorithm="RS256")),
        ("alg HS512", "Bearer " + hs(good, key + key, "HS512")),
        ("expired 10 min ago", "Bearer " + hs({**good, "iat": now - 900, "nbf": now - 900, "exp": now - 600})),
        ("nbf 10 min ahead", "Bearer " + hs({**good, "nbf": now + 600, "exp": now + 900})),
        ("wrong aud", "Bearer " + hs({**good, "aud": "example.com"})),
        ("unknown iss", "Bearer " + hs({**good, "iss": "someone-else"})),
        ("no sub", "Bearer " + hs(without["sub"])),
        ("no given_name", "Bearer " + hs(without["given_name"])),
    ]


def failure_modes(target: Any, path: str = "api/Ping") -> pd.DataFrame:
    """Send each kind of bad token to ``path`` and tabulate what the server answers.

    The ``www_authenticate`` column shows the challenge without its ``error_description``, which
    repeats the ``message`` column; a time quoted in the message goes to the ``time (UTC)`` column.
    """
    creds: Credentials = target.credentials
    rows = []
    with target.session(creds) as probe:
        for case, header in _bad_tokens(creds, int(time.time())):
            headers = {"Authorization": header} if header else {}
            if creds.tenant:
                headers["X-Tenant"] = creds.tenant
            answer = probe.probe("GET", path, step=case, headers=headers)
            try:
                message = answer.json().get("message", "")
            except ValueError:
                message = answer.text[:80]
            challenge = answer.headers.get("WWW-Authenticate", "").split(", error_description=")[0]
            rows.append(
                {
                    "case": case,
                    "status": answer.status_code,
                    "www_authenticate": redact(challenge),
                    "message": redact(_TIME.sub("", message)),
                    "time (UTC)": "".join(_TIME.findall(message)),
                }
            )
    table = pd.DataFrame(rows)
    table.index = pd.RangeIndex(1, len(table) + 1)
    return table


PROVIDER = Provider(
    name="pliance",
    credentials=Credentials,
    session=session,
    scheme="self-minted HS256 JWT per request (Bearer), optional X-Tenant and mTLS",
    live_url="https://<your-company>.pliance.io/",
)
