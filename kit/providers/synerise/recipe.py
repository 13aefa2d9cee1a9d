"""Synerise's auth without kit: a workspace login, Bearer plus Api-Version, refreshed before it expires.

Needs requests and PyJWT. Reads SYNERISE_URL, SYNERISE_WORKSPACE_API_KEY and, when set, SYNERISE_CA_BUNDLE
(what `kit sandbox serve synerise` prints). Makes the business call three times, prints each status; exits 1
with Synerise's error on a failure.
"""

import os
import sys
import time
from typing import Any

import jwt
import requests

URL = os.environ["SYNERISE_URL"]
API_KEY = os.environ["SYNERISE_WORKSPACE_API_KEY"]
VERIFY = os.environ.get("SYNERISE_CA_BUNDLE") or True
HEADERS = {"Api-Version": "4.4"}  # fact api-version: sent on every call
cached: dict[str, Any] = {
    "token": "",
    "expires_at": 0.0,
    "lifetime": 0.0,
}  # the token, when it expires, how long it lives


def keep(answer: requests.Response, what: str) -> None:
    """Keep the token of a login or refresh answer ({"token": "<JWT>"}); its lifetime is its exp claim."""
    if answer.status_code != 200:
        sys.exit(f"synerise refused the {what}: {answer.status_code} {answer.text[:300]}")
    value = answer.json()["token"]
    claims = jwt.decode(value, options={"verify_signature": False})  # only read: the API checks it
    cached.update(token=value, expires_at=float(claims["exp"]), lifetime=float(claims["exp"] - claims["iat"]))


def login() -> None:
    """Fact workspace-login: the workspace API key in the body."""
    answer = requests.post(
        URL + "uauth/v2/auth/login/profile", json={"apiKey": API_KEY}, headers=HEADERS, verify=VERIFY, timeout=30
    )
    keep(answer, "login")


def refresh() -> None:
    """Fact workspace-refresh: GET with the current, still valid token; a refused refresh logs in again."""
    headers = {**HEADERS, "Authorization": f"Bearer {cached['token']}"}
    answer = requests.get(URL + "v4/auth/refresh/profile", headers=headers, verify=VERIFY, timeout=30)
    if answer.status_code == 200:
        keep(answer, "refresh")
    else:
        login()


def token(renew: bool = False) -> str:
    """The token; refreshed when less than 30 s (at most half its life) is left, a new login when refused."""
    early = min(30.0, float(cached["lifetime"]) / 2)
    if renew or not cached["token"]:
        login()
    elif time.time() >= float(cached["expires_at"]) - early:
        refresh()
    return str(cached["token"])


def expired(answer: requests.Response) -> bool:
    """Facts token-expired and renew-on-both: a 401 or a 403 whose error says "Token expired."."""
    return answer.status_code in (401, 403) and "Token expired." in answer.text


def call(method: str, path: str, body: Any = None) -> requests.Response:
    for renew in (False, True):  # once more after an expired token, with a new one
        headers = {**HEADERS, "Authorization": f"Bearer {token(renew)}"}
        answer = requests.request(method, URL + path, json=body, headers=headers, verify=VERIFY, timeout=30)
        if not expired(answer):
            break
    return answer


if __name__ == "__main__":
    for _ in range(3):
        answer = call("GET", "v4/business-profile")
        if answer.status_code >= 400:
            print(f"synerise refused: {answer.status_code} {answer.text[:300]}")
            sys.exit(1)
        print(answer.status_code)
