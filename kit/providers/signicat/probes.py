"""Signicat probes: bad tokens sent to the Authentication REST API; what it answers.

A token signed by an unknown key, or for another account, is made here and runs live too; an
expired token or one for another audience needs a token the sandbox signs (``target.control``),
so those rows are sandbox only.
"""

from __future__ import annotations

import functools
import time
from typing import Any

import jwt
import pandas as pd
from cryptography.hazmat.primitives.asymmetric import rsa

from kit.answers import answer_json
from kit.errors import ApiError
from kit.probes import numbered
from kit.providers.signicat.facts import FACTS
from kit.providers.signicat.protocol import ACCOUNT_PARAMETER
from kit.session import Session
from kit.target import Target

__all__ = ["CHECKED_AGAINST", "CODE_COLUMN", "DIFFERENCES", "expiry", "failure_modes", "observed", "refusal"]

#: the column of the failure-mode table that holds the provider's own error code
CODE_COLUMN = "code"

#: the real implementation the sandbox and the client were checked against (tests/test_conformance_signicat.py,
#: tests/test_live_signicat.py)
CHECKED_AGAINST = (
    "node oidc-provider 9.13.3 (OpenID Certified) mounted at Signicat's paths: its token endpoint and the "
    "sandbox's got the same token requests; kit's client ran its whole flow against it (basic and post, "
    "JWT and opaque access tokens, RS256, PS256 and ES256 keys, a resource-indicator audience, revocation)"
)
#: where the sandbox knowingly answers otherwise than oidc-provider, and why
DIFFERENCES = {
    "invalid_client status": "the sandbox answers 400, as Duende IdentityServer does (inferred: Signicat's paths "
    "and discovery layout are IdentityServer's); oidc-provider answers 401, as RFC 6749 §5.2 asks of a "
    "client that authenticated in the Authorization header",
    "unknown scope": "the sandbox refuses it (400 invalid_scope, as IdentityServer does); oidc-provider grants "
    "without it, silently narrowed (kit's client warns when that happens)",
    "no scope": "the sandbox requires scope (400 invalid_request; inferred: the SDK always sends signicat-api); "
    "oidc-provider grants its default resource's scope",
    "no client authentication": "the sandbox says invalid_client, as IdentityServer does; oidc-provider "
    "says invalid_request",
    "GET on the token endpoint": "the sandbox answers 400 invalid_request, as IdentityServer does; "
    "oidc-provider has no GET route (404)",
    "no grant_type": "the sandbox answers unsupported_grant_type, as IdentityServer does; oidc-provider "
    "answers invalid_request (a missing parameter)",
    "access-token format": "the sandbox issues RS256 at+jwt tokens whose aud is the API origin, as Signicat's "
    "SDK test token shows (inferred from it); oidc-provider issues opaque tokens by default, or JWTs whose aud "
    "is a resource indicator",
}

PATH = "auth/rest/sessions"
SOURCES = {
    "no token": FACTS.cite("no-token-401", "bare-challenge"),
    "not a JWT": FACTS.cite("invalid-token"),
    "signed by an unknown key": FACTS.cite("invalid-token"),
    "token for another account id": FACTS.cite("account-403", "forbidden-code"),
    "expired": FACTS.cite("invalid-token"),
    "wrong audience": FACTS.cite("wrong-audience"),
}


@functools.cache
def _foreign_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _send(s: Session[Any], case: str, token: str | None, params: dict[str, str], path: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = s.probe("GET", path + "/x", step=case, headers=headers, params=params)
    body = answer_json(answer) if "json" in answer.headers.get("Content-Type", "") else {}
    return {"case": case, "status": answer.status_code, "code": body.get("code", ""), "title": body.get("title", "")}


def _expired(target: Target) -> str:
    now = int(time.time())
    return target.control.forge(iat=now - 700, nbf=now - 700, exp=now - 100)


def failure_modes(target: Target, path: str = PATH) -> pd.DataFrame:
    """What the API answers to each kind of bad token; sandbox-only rows need the sandbox to forge."""
    s = target.session()
    good = s.require_token().access_token.reveal()
    payload = jwt.decode(good, options={"verify_signature": False})
    kid = jwt.get_unverified_header(good)["kid"]
    cases: list[tuple[str, str | None, dict[str, str]]] = [
        ("no token", None, {}),
        ("not a JWT", "not-a-jwt", {}),
        ("signed by an unknown key", jwt.encode(payload, _foreign_key(), algorithm="RS256", headers={"kid": kid}), {}),
        ("token for another account id", good, {ACCOUNT_PARAMETER: "a-someone-else"}),
    ]
    if target.sandbox is not None:
        cases += [
            ("expired", _expired(target), {}),
            ("wrong audience", target.control.forge(aud="https://example.com"), {}),
        ]
    return numbered([_send(s, case, token, params, path) for case, token, params in cases], SOURCES)


def expiry(target: Target) -> str:
    """The answer to an expired token (sandbox only: a live provider will not sign one for kit)."""
    if target.sandbox is None:
        return ""
    row = _send(target.session(), "expired", _expired(target), {}, PATH)
    return f"{row['status']} {row['code']}".strip()


def observed(target: Target, session: Session[Any]) -> dict[str, str]:
    return {}


def refusal(error: ApiError) -> tuple[str, str] | None:
    """Which layer refused (for :func:`kit.refused`): the API client's product permission."""
    if error.status == 403 and "permission" in error.detail:
        return (
            "the API client's products: the token is valid, the client may not use this API",
            FACTS.cite("product-403", "forbidden-code"),
        )
    if error.status == 403 and "account" in error.detail:
        return (
            "the account: signicat-accountId names an account this token is not for",
            FACTS.cite("account-403", "forbidden-code"),
        )
    if error.status == 404:
        return ("the resource: no such session for this account", FACTS.cite("not-found"))
    if error.status == 401:
        return ("the access token: missing, refused or expired", FACTS.cite("invalid-token"))
    if error.status == 400 and error.code in (
        "invalid_client",
        "invalid_request",
        "invalid_scope",
        "unsupported_grant_type",
    ):
        return ("the token request: the client credentials or the form", FACTS.cite("token-errors-400"))
    return None
