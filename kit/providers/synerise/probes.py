"""Synerise probes: each consumer type against each demo endpoint, then bad tokens; what comes back.

The algorithm-confusion forgery needs the public key (the sandbox publishes it at a kit path; for
live, Synerise does not say where) and an expired token needs one the sandbox signs
(``target.control``), so those rows are sandbox only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pandas as pd
import requests

from kit.answers import answer_json
from kit.errors import ApiError
from kit.probes import numbered
from kit.providers.synerise import SyneriseAuth, public_key
from kit.providers.synerise.facts import FACTS
from kit.providers.synerise.mfa import METHOD, totp_code
from kit.providers.synerise.protocol import CONSUMERS, EXPIRED, MFA_PATH, SELECT_WORKSPACE_PATH
from kit.secrets import reveal
from kit.session import Session
from kit.target import Target

__all__ = ["CODE_COLUMN", "expiry", "failure_modes", "hs512_forgery", "observed", "refusal"]

#: the column of the failure-mode table that holds the provider's own error code
CODE_COLUMN = "error"

BUSINESS = "v4/business-profile"


def _row(case: str, answer: requests.Response) -> dict[str, Any]:
    body = answer_json(answer) if "json" in answer.headers.get("Content-Type", "") else {}
    return {
        "case": case,
        "status": answer.status_code,
        "error": body.get("error", ""),
        "message": body.get("message", ""),
    }


def _source(case: str) -> str:
    if case == "expired":
        return FACTS.cite("token-expired")
    if case == "no token":
        return FACTS.cite("no-token")
    if case in ("alg none", "HS512 signed with the public key"):
        return FACTS.cite("rs512", "invalid-token")
    if case == BASIC_WRONG:
        return FACTS.cite("workspace-basic", "basic-wrong")
    if case == MFA_WRONG:
        return FACTS.cite("user-mfa", "mfa-code")
    if case == MFA_FIRST:
        return FACTS.cite("user-mfa", "mfa-first")
    if case.startswith("user token"):
        return FACTS.cite("select-workspace", "permissions-checked")
    if case.startswith("workspace token"):
        return FACTS.cite("consumer-403", "key-permissions")
    return FACTS.cite("consumer-403")


def _expired(target: Target) -> str:
    now = int(time.time())
    return target.control.forge(realm="profile", iat=now - 7200, exp=now - 3600)


def failure_modes(target: Target) -> pd.DataFrame:
    """Each consumer type against each demo endpoint, then bad tokens: status, error, message."""
    sessions = {c: target.session(consumer=c) for c in CONSUMERS}
    calls = [
        (BUSINESS, "workspace-only endpoint"),
        ("v4/clients/client-0002", "another customer"),
        ("sauth/my-account/personal-information", "customer-only endpoint"),
    ]
    rows = []
    for consumer, s in sessions.items():
        for path, what in calls:
            with s.step(f"{consumer} → {what}"):
                answer = s.get(path)
            rows.append(_row(f"{consumer} token → {what}", answer))
    probe = sessions["workspace"]
    payload = jwt.decode(probe.require_token().access_token.reveal(), options={"verify_signature": False})
    bad = [("no token", None), ("alg none", jwt.encode(payload, "", algorithm="none"))]
    if target.sandbox is not None:
        bad.append(("HS512 signed with the public key", hs512_forgery(payload, public_key(probe))))
        bad.append(("expired", _expired(target)))
    for case, token in bad:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        rows.append(_row(case, probe.probe("GET", BUSINESS, step=case, headers=headers)))
    guid = getattr(target.credentials, "workspace_guid", None)
    if guid:
        wrong = base64.b64encode(f"{guid}:{'x' * 36}".encode()).decode()
        answer = probe.probe("GET", BUSINESS, step=BASIC_WRONG, headers={"Authorization": f"Basic {wrong}"})
        rows.append(_row(BASIC_WRONG, answer))
    if target.sandbox is not None:  # a wrong code counts as a failed login on a real account: sandbox only
        rows += _mfa_rows(probe)
    return numbered(rows, {row["case"]: _source(row["case"]) for row in rows})


BASIC_WRONG = "Basic with a wrong API key"
MFA_WRONG = "user: a wrong MFA code"
MFA_FIRST = "user: a workspace before MFA"


def _mfa_rows(probe: Session[Any]) -> list[dict[str, Any]]:
    """A user's login from a device not trusted yet, then a workspace selected before MFA, and a wrong code."""
    c = probe.auth.credentials if isinstance(probe.auth, SyneriseAuth) else None
    if c is None or not c.user_username:
        return []
    body = {"username": c.user_username, "password": reveal(c.user_password), "deviceId": "kit-probe-new-device"}
    login = probe.probe("POST", CONSUMERS["user"][0], step="user login, new device", json=body)
    token = str(answer_json(login).get("token", ""))
    bearer = {"Authorization": f"Bearer {token}"}
    select = SELECT_WORKSPACE_PATH.format(workspace=c.user_workspace or "0")
    rows = [_row(MFA_FIRST, probe.probe("POST", select, step=MFA_FIRST, headers=bearer))]
    code = {"verificationCode": "000000" if totp_code(c.user_totp_secret or "") != "000000" else "111111"}
    wrong = probe.probe("POST", MFA_PATH, step=MFA_WRONG, headers=bearer, params={"mfaType": METHOD}, json=code)
    return [*rows, _row(MFA_WRONG, wrong)]


def expiry(target: Target) -> str:
    """The answer to an expired workspace token (sandbox only: it signs the expired token)."""
    if target.sandbox is None:
        return ""
    s = target.session(consumer="workspace")
    row = _row(
        "expired", s.probe("GET", BUSINESS, step="expired", headers={"Authorization": f"Bearer {_expired(target)}"})
    )
    return f"{row['status']} {row['error']}".strip()


def observed(target: Target, session: Session[Any]) -> dict[str, str]:
    return {}


def hs512_forgery(payload: dict[str, Any], pem: str) -> str:
    """The classic algorithm-confusion forgery: HMAC-SHA512 keyed with the public key's bytes.

    Built by hand on purpose: PyJWT refuses to use a PEM public key as an HMAC secret.
    """
    encode = jwt.utils.base64url_encode
    signing_input = encode(b'{"alg":"HS512","typ":"JWT"}') + b"." + encode(json.dumps(payload).encode())
    return (signing_input + b"." + encode(hmac.new(pem.encode(), signing_input, hashlib.sha512).digest())).decode()


def refusal(error: ApiError) -> tuple[str, str] | None:
    """Which layer refused (for :func:`kit.refused`): the consumer type, or a user's permissions."""
    if error.code == EXPIRED:
        return ("the token: it expired (renewed and retried once by kit)", FACTS.cite("token-expired", "bad-token-403"))
    if error.status == 401:
        return ("the token or the API key: missing, refused or not verifiable", FACTS.cite("no-token", "wrong-key"))
    if error.status != 403:
        return None
    if "own data" in error.detail:
        return ("the consumer type: a customer (client) token reads only its own customer", FACTS.cite("consumer-403"))
    if "API key lacks the permission" in error.detail:
        return ("the workspace API key's permissions (checked server-side)", FACTS.cite("key-permissions"))
    if "lacks the permission" in error.detail:
        return ("the user's permissions in the selected workspace", FACTS.cite("user-workspace", "permissions-checked"))
    if "workspace" in error.detail:
        return ("the user token: no workspace selected yet", FACTS.cite("select-workspace"))
    if "consumer type" in error.detail:
        return ("the consumer type: this endpoint is for another one", FACTS.cite("consumer-403"))
    return None
