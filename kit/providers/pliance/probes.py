"""Pliance probes: each kind of bad token, minted here and sent for real; what the API answers.

Pliance tokens are minted by the client, so every bad token can be made without the sandbox and
all cases run against a live provider too. What the answers are is INFERRED from ASP.NET Core's
JwtBearer (see :mod:`kit.providers.pliance.sandbox`).
"""

from __future__ import annotations

import functools
import re
import time
from typing import Any

import jwt
import pandas as pd
from cryptography.hazmat.primitives.asymmetric import rsa

from kit.answers import answer_json
from kit.challenge import challenge as challenge_of
from kit.compare import token_facts
from kit.errors import ApiError
from kit.probes import numbered
from kit.providers.pliance import Credentials, mint_token
from kit.providers.pliance.facts import FACTS
from kit.providers.pliance.protocol import AUDIENCE, LIFETIME, TENANT_HEADER
from kit.secrets import redact
from kit.session import Session
from kit.target import Target

__all__ = ["expiry", "failure_modes", "observed", "refusal"]

_TIME = re.compile(r" '(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)'")  # moved to its own column: stable tables
EXPIRED = "expired 10 min ago"
CASES = (
    "no Authorization header",
    "Basic instead of Bearer",
    "malformed JWT",
    "signed with another secret",
    "alg none",
    "alg RS256",
    "alg HS512",
    EXPIRED,
    "nbf 10 min ahead",
    "wrong aud",
    "unknown iss",
    "no sub",
    "no given_name",
)
#: every answer to a bad token is the framework's: Pliance documents the token, not its refusals
SOURCES = {
    case: FACTS.cite("no-bearer" if case in CASES[:2] else "hs256-only" if case.startswith("alg") else "invalid-token")
    for case in CASES
}


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

    def hs(claims: dict[str, Any], secret: bytes = key, alg: str = "HS256") -> str:
        return jwt.encode(claims, secret, algorithm=alg, headers={"typ": "JWT"})

    without = {name: {k: v for k, v in good.items() if k != name} for name in ("sub", "given_name")}
    return [
        ("no Authorization header", ""),
        ("Basic instead of Bearer", "Basic ZGVtbzpkZW1v"),
        ("malformed JWT", "Bearer not.a.jwt"),
        ("signed with another secret", "Bearer " + hs(good, b"x" * 32 + b"-another-secret-entirely")),
        ("alg none", "Bearer " + jwt.encode(good, "", algorithm="none")),
        ("alg RS256", "Bearer " + jwt.encode(good, _foreign_rsa_key(), algorithm="RS256")),
        ("alg HS512", "Bearer " + hs(good, key + key, "HS512")),
        (EXPIRED, "Bearer " + hs({**good, "iat": now - 900, "nbf": now - 900, "exp": now - 600})),
        ("nbf 10 min ahead", "Bearer " + hs({**good, "nbf": now + 600, "exp": now + 900})),
        ("wrong aud", "Bearer " + hs({**good, "aud": "example.com"})),
        ("unknown iss", "Bearer " + hs({**good, "iss": "someone-else"})),
        ("no sub", "Bearer " + hs(without["sub"])),
        ("no given_name", "Bearer " + hs(without["given_name"])),
    ]


def _send(probe: Session[Any], credentials: Credentials, case: str, header: str, path: str) -> dict[str, Any]:
    headers = {"Authorization": header} if header else {}
    if credentials.tenant:
        headers[TENANT_HEADER] = credentials.tenant
    answer = probe.probe("GET", path, step=case, headers=headers)
    said = challenge_of(answer.headers)
    if not answer.content:  # JwtBearer's 401: no body, the challenge's description is the message
        message = said.error_description if said is not None else ""
    else:
        try:
            message = answer_json(answer).get("message", "")
        except ValueError:
            message = answer.text[:80]
    challenge = answer.headers.get("WWW-Authenticate", "").split(", error_description=")[0]
    return {
        "case": case,
        "status": answer.status_code,
        "www_authenticate": redact(challenge),
        "message": redact(_TIME.sub("", message)),
        "time (UTC)": "".join(_TIME.findall(message)),
    }


def failure_modes(target: Target, path: str = "api/Ping") -> pd.DataFrame:
    """Send each kind of bad token to ``path`` and tabulate what the server answers.

    The ``www_authenticate`` column shows the challenge without its ``error_description``, which is the
    ``message`` column when the answer has no body (JwtBearer's 401, empty where it gives no description);
    a time quoted in the message goes to the ``time (UTC)`` column.
    """
    creds = _credentials(target)
    with target.session(creds) as probe:
        rows = [_send(probe, creds, c, h, path) for c, h in _bad_tokens(creds, int(time.time()))]
    return numbered(rows, SOURCES)


def expiry(target: Target) -> str:
    """The answer to a token that expired 10 minutes ago: status and challenge."""
    creds = _credentials(target)
    header = dict(_bad_tokens(creds, int(time.time())))[EXPIRED]
    with target.session(creds) as probe:
        row = _send(probe, creds, EXPIRED, header, "api/Ping")
    return f"{row['status']} {row['www_authenticate']}".strip()


def observed(target: Target, session: Session[Any]) -> dict[str, str]:
    """The token's kind, algorithm and lifetime read from one kit mints, and the tenant in use."""
    creds = _credentials(target)
    tenant = f"{TENANT_HEADER}: {creds.tenant}" if creds.tenant else "one company per secret (iss)"
    return {**token_facts(mint_token(creds), self_minted=True), "tenant or permission model": tenant}


def _credentials(target: Target) -> Credentials:
    assert isinstance(target.credentials, Credentials)
    return target.credentials


def refusal(error: ApiError) -> tuple[str, str] | None:
    """Which layer refused (for :func:`kit.refused`): the tenant header, or tenant isolation."""
    if TENANT_HEADER in error.detail:
        return (
            f"the {TENANT_HEADER} header: with multitenancy on, every request names its tenant",
            FACTS.cite("multitenancy", "tenant-header", "tenant-400"),
        )
    if error.status == 200 and "not found" in error.detail:
        return (
            f"tenant isolation: {TENANT_HEADER} scopes the data, and this tenant has no such record",
            FACTS.cite("multitenancy", "tenant-isolation"),
        )
    if error.status == 403 and "IP address" in error.detail:
        return ("the network: this client's IP address is not on the allowed list", FACTS.cite("ip-filter"))
    if error.status == 403 and "certificate" in error.detail:
        return ("mutual TLS: this tenant requires a client certificate", FACTS.cite("mtls", "mtls-403"))
    if error.status == 401:
        challenge = "no-bearer" if error.code != "invalid_token" else "invalid-token"
        return ("the token: the server refused the JWT (or found none)", FACTS.cite(challenge))
    return None
