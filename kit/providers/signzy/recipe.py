"""Signzy's auth without kit: a channel login, its token raw in Authorization, logout when done.

Needs requests. Reads SIGNZY_URL, SIGNZY_USERNAME, SIGNZY_PASSWORD and, when set, SIGNZY_CA_BUNDLE (what
`kit sandbox serve signzy` prints). Makes the business call three times, prints each status, logs out;
exits 1 with Signzy's error on a failure.
"""

import os
import sys
from typing import Any

import requests

URL = os.environ["SIGNZY_URL"]
VERIFY = os.environ.get("SIGNZY_CA_BUNDLE") or True
session: dict[str, Any] = {"token": "", "user": ""}  # the login's id (the access token) and the channel's id


def login() -> None:
    """Fact channel-login: POST the username and password; the answer's id is the token, userId the channel."""
    body = {"username": os.environ["SIGNZY_USERNAME"], "password": os.environ["SIGNZY_PASSWORD"]}
    answer = requests.post(URL + "api/channels/login", json=body, verify=VERIFY, timeout=30)
    if answer.status_code != 200:
        sys.exit(f"signzy refused the login: {answer.status_code} {answer.text[:300]}")
    session.update(token=answer.json()["id"], user=answer.json()["userId"])


def code(answer: requests.Response) -> str:
    """LoopBack's error code: {"error": {"code": ...}}."""
    try:
        return str(answer.json()["error"].get("code", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        return ""


def call(method: str, path: str, body: Any = None) -> requests.Response:
    """Fact raw-header: the token as it is, no scheme word. Fact invalid-token: INVALID_TOKEN says it
    expired, so log in again once; AUTHORIZATION_REQUIRED is a refusal a new login does not change."""
    for attempt in (1, 2):
        if not session["token"] or attempt == 2:
            login()
        headers = {"Authorization": session["token"]}
        answer = requests.request(method, URL + path, json=body, headers=headers, verify=VERIFY, timeout=30)
        if code(answer) != "INVALID_TOKEN":
            break
    return answer


def logout() -> None:
    """Fact channel-logout: POST logout with the token (204); the token stops working."""
    requests.post(URL + "api/channels/logout", headers={"Authorization": session["token"]}, verify=VERIFY, timeout=30)


if __name__ == "__main__":
    login()
    try:
        for _ in range(3):
            answer = call("GET", f"api/channels/{session['user']}")
            if answer.status_code >= 400:
                print(f"signzy refused: {answer.status_code} {answer.text[:300]}")
                sys.exit(1)
            print(answer.status_code)
    finally:
        logout()
