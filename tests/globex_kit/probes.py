"""Globex's probes: a missing token, a wrong key, an expired token; what the API answers."""

from __future__ import annotations

from typing import Any

import pandas as pd

from globex_kit import Credentials
from globex_kit.facts import FACTS
from globex_kit.protocol import API_KEY_HEADER
from kit.answers import answer_json
from kit.errors import ApiError
from kit.probes import numbered
from kit.session import Session
from kit.target import Target

__all__ = ["CODE_COLUMN", "expiry", "failure_modes", "observed", "refusal"]

CODE_COLUMN = "error"
CASES = ("no token", "a token it never issued", "no API key", "wrong API key", "expired token")
SOURCES = dict.fromkeys(CASES, FACTS.cite("refused"))


def _send(target: Target, case: str, headers: dict[str, str]) -> dict[str, Any]:
    answer = target.session().probe("GET", "v1/me", step=case, headers=headers)
    return {"case": case, "status": answer.status_code, "error": answer_json(answer).get("error", "")}


def failure_modes(target: Target) -> pd.DataFrame:
    key = target.credentials_as(Credentials).api_key.reveal()
    token = target.session().require_token().access_token.reveal()
    rows = [
        _send(target, "no token", {API_KEY_HEADER: key}),
        _send(target, "a token it never issued", {"Authorization": "Bearer not-a-token", API_KEY_HEADER: key}),
        _send(target, "no API key", {"Authorization": f"Bearer {token}"}),
        _send(target, "wrong API key", {"Authorization": f"Bearer {token}", API_KEY_HEADER: "not-the-key"}),
    ]
    if target.sandbox is not None:
        target.control.expire(token)
        rows.append(_send(target, "expired token", {"Authorization": f"Bearer {token}", API_KEY_HEADER: key}))
    return numbered(rows, SOURCES)


def expiry(target: Target) -> str:
    if target.sandbox is None:
        return ""
    key = target.credentials_as(Credentials).api_key.reveal()
    token = target.session().require_token().access_token.reveal()
    target.control.expire(token)
    row = _send(target, "expired token", {"Authorization": f"Bearer {token}", API_KEY_HEADER: key})
    return f"{row['status']} {row['error']}"


def observed(target: Target, session: Session[Any]) -> dict[str, str]:
    return {}


def refusal(error: ApiError) -> tuple[str, str] | None:
    if error.status == 401:
        return ("the token or the API key", FACTS.cite("refused"))
    return None
