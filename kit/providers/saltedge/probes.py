"""Salt Edge probes: each bad secret or signature sent for real; HTTP status and error class.

Secrets and signatures are made here, so those rows run live too. The client status rows (live,
disabled) change a dashboard setting, which only the sandbox lets kit do (``target.control``).
"""

from __future__ import annotations

import time
from typing import Any

import pandas as pd
import requests

from kit.errors import ApiError
from kit.probes import numbered
from kit.providers.saltedge import Credentials, error_parser, generate_key_pair, session, sign
from kit.providers.saltedge.facts import FACTS
from kit.providers.saltedge.protocol import CONNECT, signed_bytes
from kit.session import Session
from kit.target import Target

__all__ = ["CODE_COLUMN", "expiry", "failure_modes", "observed", "refusal"]

#: the column of the failure-mode table that holds the provider's own error code
CODE_COLUMN = "error class"

EXPIRED = "expired request"


_SIGNING = (
    "MissingExpiresAt",
    "MissingSignature",
    "InvalidSignature",
    "ExpiresAtInvalid",
    "SignatureNotMatch",
    "RequestExpired",
)
_CLIENT_STATUSES = ("ClientDisabled", "ClientPending", "ClientRestricted")


def _facts(error_class: str, version: str = "v5") -> tuple[str, ...]:
    """The facts the class and its status come from (:mod:`kit.providers.saltedge.facts`)."""
    names = ("v3-class-names",) if version == "v3" else ("class-names",)
    if error_class in ("ConnectionNotFound", "LoginNotFound"):
        return (*names, "connection-404")
    if error_class == "CustomerNotFound" and version == "v6":
        return ("v6-connect", "connect-customer")
    own = {
        "PublicKeyNotProvided": ("public-key", "public-key-missing"),
        "ConnectionLimitReached": ("test-limit", "limit-class"),
        "TooManyRequests": ("rate-limit",),
    }
    if error_class in own:
        return (*own[error_class], *names[: version == "v3"])  # v3: the v5 name, kit's choice
    if error_class in _SIGNING:
        return ("sent-verified", *names, "statuses")
    if error_class in _CLIENT_STATUSES:
        return ("client-statuses", *names, "statuses")
    if not error_class:
        return ("optional-signature",)
    return (*names, "statuses")


def _source(error_class: str, version: str = "v5") -> str:
    return FACTS.cite(*_facts(error_class, version))


def _layered(c: Credentials, plain: Credentials) -> list[tuple[str, Credentials, str, str, dict[str, str]]]:
    """The cases of the secrets beyond the app's: v3 and v5 a wrong Customer- or Login-secret, v6 (which has
    neither) a connect session for a customer that does not exist."""
    if c.api_version not in ("v3", "v5"):
        unknown = {"body": '{"data":{"customer_id":"0"}}'}
        return [("unknown customer_id", plain, "POST", CONNECT[c.api_version], unknown)]
    new, one = ("login", "login") if c.api_version == "v3" else ("connections", "connection")
    return [
        ("wrong customer secret", plain.replace(customer_secret="x" * 32), "POST", new, {}),
        ("wrong login secret", plain.replace(login_secret="x" * 32), "GET", one, {}),
    ]


def _credentials(target: Target) -> Credentials:
    assert isinstance(target.credentials, Credentials)
    return target.credentials


def _probe(target: Target, case: str, c: Credentials, method: str, path: str, tweak: dict[str, str]) -> dict[str, Any]:
    s = session(c, target.base_url, verify=target.verify)
    body = tweak.get("body")
    request = s.prepare_request(
        requests.Request(
            method, s.url_for(path), data=body, json=None if body else {"data": {}} if method == "POST" else None
        )
    )
    if "Expires-at" in tweak and c.private_key_pem is not None:  # re-sign with a shifted Expires-at
        expires = str(int(time.time() + float(tweak["Expires-at"])))
        request.headers["Expires-at"] = expires
        raw = request.body if isinstance(request.body, (bytes, str)) else None
        request.headers["Signature"] = sign(
            c.private_key_pem, signed_bytes(expires, method, request.url or "", raw), api_version=c.api_version
        )
    with s.step(case):
        answer = s.send(request)
    error = error_parser(answer, "saltedge")
    return {
        "case": case,
        "status": answer.status_code,
        "error class": error.code if error else "",
        "message": error.detail if error else "",
    }


def failure_modes(target: Target) -> pd.DataFrame:
    """Each bad input sent for real: HTTP status and Salt Edge error class. Status switches need the sandbox."""
    c = _credentials(target)
    key = c.private_key_pem or generate_key_pair()[0]
    other_key, _ = generate_key_pair()
    plain = c.replace(private_key_pem=None)
    cases: list[tuple[str, Credentials, str, str, dict[str, str]]] = [
        ("wrong app secret", plain.replace(app_secret="x" * 32), "GET", "countries", {}),
        ("unknown client id", plain.replace(client_id="nobody"), "GET", "countries", {}),
        *_layered(c, plain),
        ("signature by another key", c.replace(private_key_pem=other_key), "GET", "countries", {}),
        ("Expires-at 2 hours ahead", c.replace(private_key_pem=key), "GET", "countries", {"Expires-at": "+7200"}),
        (EXPIRED, c.replace(private_key_pem=key), "GET", "countries", {"Expires-at": "-60"}),
        ("malformed JSON", plain, "POST", "customers", {"body": "{x"}),
    ]
    rows = [_probe(target, *case) for case in cases]
    if target.sandbox is not None:
        for status, case in (("live", "unsigned request, client live"), ("disabled", "client disabled")):
            with target.control.using(status=status):
                rows.append(_probe(target, case, plain, "GET", "countries", {}))
        with target.control.using(public_key=False):
            signing = c.replace(private_key_pem=key)
            rows.append(_probe(target, "signed, no public key in the dashboard", signing, "GET", "countries", {}))
    return numbered(rows, {row["case"]: _source(row["error class"], c.api_version) for row in rows})


def expiry(target: Target) -> str:
    """The answer to a request signed with an Expires-at a minute in the past."""
    c = _credentials(target)
    key = c.private_key_pem or generate_key_pair()[0]
    row = _probe(target, EXPIRED, c.replace(private_key_pem=key), "GET", "countries", {"Expires-at": "-60"})
    return f"{row['status']} {row['error class']}".strip()


def observed(target: Target, session: Session[Any]) -> dict[str, str]:
    """The signature facts, when the session signs."""
    if _credentials(target).private_key_pem is None:
        return {}
    return {
        "signing algorithm": "RSA-SHA1 (v3), RSA-SHA256 (v4 on) over each request",
        "lifetime": "each signature: Expires-at, +60 s",
    }


def refusal(error: ApiError) -> tuple[str, str] | None:
    """Which layer refused (for :func:`kit.refused`): the request signature a live client must send."""
    version = "v3" if isinstance(error.body, dict) and "error_class" in error.body else "v5"
    code = error.code or ""
    if code in _SIGNING:
        layer = "the request signature: a live client signs every request, a sent one is verified"
        return (layer, FACTS.cite("live-signs", *_facts(code, version)))
    known = _LAYERS.get(code)
    return (known[0], FACTS.cite(*known[1], *_facts(code, version))) if known else None


_LAYERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "PublicKeyNotProvided": ("the public key: the dashboard holds none to check signatures with", ()),
    "ConnectionLimitReached": ("the client's status: test (10 connections at most)", ()),
    "TooManyRequests": ("the client's request rate", ()),
    "ClientNotFound": ("the app id: no such client", ("v3-headers",)),
    "ApiKeyNotFound": ("the app secret: no such API key for this app", ("v5-headers",)),
    "WrongClientToken": ("the app secret", ("v3-headers",)),
    "CustomerNotFound": ("the Customer-secret: no such customer", ("customer-layer",)),
    "LoginNotFound": ("the Login-secret: no such login for this customer", ("login-layer",)),
    "ConnectionNotFound": ("the Connection-secret: no such connection for this customer", ("login-layer",)),
    "ClientDisabled": ("the client's status: disabled", ("client-statuses",)),
    "ClientPending": ("the client's status: pending (fake providers only)", ("client-statuses",)),
    "ClientRestricted": ("the client's status: restricted (read-only)", ("client-statuses",)),
}
