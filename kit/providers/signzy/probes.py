"""Signzy probes: each bad input sent for real; status, LoopBack code and message.

Everything here runs against a live provider too: the expired token is one that was asked for with
a 1 s ttl, the deleted child is created and deleted through the API. It takes about a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import requests

from kit.answers import answer_json
from kit.auth.tokens import CachedToken
from kit.errors import ApiError
from kit.probes import numbered
from kit.providers.signzy import Credentials as SignzyCredentials
from kit.providers.signzy import SignzyAuth, create_child, logout, me
from kit.providers.signzy.facts import FACTS
from kit.providers.signzy.protocol import login_path
from kit.secrets import Secret
from kit.session import Session
from kit.tables import Table
from kit.target import Target

__all__ = [
    "CHECKED_AGAINST",
    "CODE_COLUMN",
    "DIFFERENCES",
    "expiry",
    "failure_modes",
    "observed",
    "refusal",
    "try_token",
]

#: the column of the failure-mode table that holds the provider's own error code
CODE_COLUMN = "code"

#: the real implementation the sandbox was checked against (tests/test_conformance_signzy.py)
CHECKED_AGAINST = (
    "a LoopBack 3 app (loopback 3.28.0, juggler 3.36.1, strong-remoting 3.17.0, strong-error-handler 3.5.0) "
    "modelling channels on the built-in User model: 91 requests sent to both, answers compared"
)
#: where the sandbox knowingly answers otherwise than that app, and why
DIFFERENCES = {
    "customers model": "the sandbox also serves /api/customers/login and logout (documented for "
    "single-customer products); the checked app models channels only",
    "ids": "the sandbox names children ch-2, ch-3, … (readable in notebooks); LoopBack makes uuids",
    "JSON syntax message": "the wording of a JSON syntax error is V8's in LoopBack and kit's in the "
    "sandbox; status 400, name SyntaxError and no code are the same",
    "channel edits itself": "LoopBack's User ACL lets a channel replace, patch or delete itself; the "
    "sandbox answers 401 AUTHORIZATION_REQUIRED, since nothing says Signzy allows it",
    "ttl null": "a login with ttl null crashes the checked LoopBack process (a framework bug); the "
    "sandbox uses the default ttl",
    "username on change-password": "the sandbox changes the username too when one is sent (Signzy's docs say "
    "username and password can both be changed, and name no other route); LoopBack ignores it",
}


_LOOPBACK = ("loopback", "observed")
SOURCES = {
    "wrong password": FACTS.cite("login-failed", *_LOOPBACK),
    "unknown user": FACTS.cite("login-failed", *_LOOPBACK),
    "empty body": FACTS.cite("username-required", *_LOOPBACK),
    "non-JSON body": FACTS.cite("syntax-error", *_LOOPBACK),
    "no token": FACTS.cite("authorization-required", *_LOOPBACK),
    "Bearer <token>": FACTS.cite("token-lookup", "authorization-required", *_LOOPBACK),
    "expired token (ttl 1 s)": FACTS.cite("ttl", "invalid-token", *_LOOPBACK),
    "token of a deleted child": FACTS.cite("delete-child", "authorization-required", *_LOOPBACK),
    "another channel's id": FACTS.cite("tenant-model", "authorization-required", *_LOOPBACK),
    "wrong old password": FACTS.cite("change-password-path", "invalid-password", *_LOOPBACK),
    "logged-out token": FACTS.cite("channel-logout", "authorization-required", *_LOOPBACK),
}


def _row(case: str, answer: requests.Response) -> dict[str, Any]:
    error = (answer_json(answer).get("error") or {}) if "json" in answer.headers.get("Content-Type", "") else {}
    return {
        "case": case,
        "status": answer.status_code,
        "code": error.get("code", ""),
        "message": error.get("message", ""),
    }


def _try(s: Session[Any], case: str, token: str, path: str) -> dict[str, Any]:
    return _row(case, s.probe("GET", path, step=case, headers={"Authorization": token}))


def try_token(s: Session[Any], token: CachedToken, path: str) -> pd.DataFrame:
    """Send ``token`` (say, one that was logged out) raw to ``path`` without renewing it: status, code."""
    return Table([_try(s, "old token", token.access_token.reveal(), path)])


def _short_lived(target: Target) -> str:
    """A token asked for with a 1 s ttl, already expired when this returns.

    Against a sandbox, its clock is moved past the ttl for that token (``control.expire``); a live
    provider's second has to pass for real.
    """
    token = target.session(ttl=1, logout_on_close=False).require_token().access_token.reveal()
    if target.sandbox is not None:
        target.control.expire(token)
    else:
        time.sleep(1.1)
    return str(token)


def failure_modes(target: Target) -> pd.DataFrame:
    """Each bad input, sent for real: status, LoopBack code, message. Takes a few seconds (an expiry)."""
    creds = target.credentials
    assert isinstance(creds, SignzyCredentials)
    s = target.session(logout_on_close=False)
    assert isinstance(s.auth, SignzyAuth)
    login = login_path(s.auth.model)
    mine = f"api/channels/{me(s)}"
    token = s.require_token().access_token.reveal()
    child = Secret("kit-child-password-0123456789abcdef")
    gone = create_child(s, "kit-deleted-child", child, email="kit-deleted-child@example.invalid")
    child_token = target.session(SignzyCredentials("kit-deleted-child", child)).require_token().access_token.reveal()
    s.delete(f"{mine}/channels/{gone['id']}")
    short_token = _short_lived(target)
    wrong_old = {"oldPassword": "x" * 32, "newPassword": "y" * 32}
    wrong = {"username": creds.username, "password": "x" * 32}
    nobody = {"username": "nobody", "password": "x" * 32}
    cases: list[tuple[str, Callable[[], requests.Response]]] = [
        ("wrong password", lambda: s.probe("POST", login, json=wrong)),
        ("unknown user", lambda: s.probe("POST", login, json=nobody)),
        ("empty body", lambda: s.probe("POST", login, json={})),
        ("non-JSON body", lambda: s.probe("POST", login, data="x=1", headers={"Content-Type": "application/json"})),
        ("no token", lambda: s.probe("GET", mine)),
        ("Bearer <token>", lambda: s.probe("GET", mine, headers={"Authorization": f"Bearer {token}"})),
        ("expired token (ttl 1 s)", lambda: s.probe("GET", mine, headers={"Authorization": short_token})),
        ("token of a deleted child", lambda: s.probe("GET", mine, headers={"Authorization": child_token})),
        ("another channel's id", lambda: s.get("api/channels/kit-no-such-channel")),
        ("wrong old password", lambda: s.post("api/channels/change-password", json=wrong_old)),
    ]
    rows = []
    for case, send in cases:
        with s.step(case):
            rows.append(_row(case, send()))
    logout(s)
    rows.append(_try(s, "logged-out token", token, mine))
    return numbered(rows, SOURCES)


def expiry(target: Target) -> str:
    """The answer to a token whose ttl (1 s) has run out."""
    s = target.session(logout_on_close=False)
    row = _try(s, "expired token", _short_lived(target), f"api/channels/{me(s)}")
    return f"{row['status']} {row['code']}".strip()


def observed(target: Target, session: Session[Any]) -> dict[str, str]:
    """Revocation, read from a logout and the old token sent again."""
    old = session.require_token()
    mine = f"api/channels/{me(session)}"
    logout(session)
    after = try_token(session, old, mine).iloc[0]
    return {"revocation": f"logout (204); the token then gets {after['status']} {after['code']}"}


_LAYERS = {
    "AUTHORIZATION_REQUIRED": (
        "the access token or the ACL: no token, one the server no longer has "
        "(logged out, password changed, channel deleted), or a call this channel may not make",
        "authorization-required",
    ),
    "INVALID_TOKEN": ("the access token: expired (the server deletes it)", "invalid-token"),
    "LOGIN_FAILED": ("the username and password", "login-failed"),
    "INVALID_PASSWORD": ("the old password given to change it", "invalid-password"),
    "USERNAME_EMAIL_REQUIRED": ("the login body: no username or email", "username-required"),
}


def refusal(error: ApiError) -> tuple[str, str] | None:
    """Which layer refused (for :func:`kit.refused`), by LoopBack 3's error code."""
    known = _LAYERS.get(error.code or "")
    return (known[0], FACTS.cite(known[1], *_LOOPBACK)) if known else None
