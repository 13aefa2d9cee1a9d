"""Signicat's auth without kit: an OAuth2 client-credentials token, cached, renewed early, retried once.

Needs requests and PyJWT. Reads SIGNICAT_URL, SIGNICAT_CLIENT_ID, SIGNICAT_CLIENT_SECRET, and when set
SIGNICAT_ACCOUNT_ID, SIGNICAT_AUTH_METHOD (client_secret_basic or client_secret_post), SIGNICAT_SCOPE and
SIGNICAT_CA_BUNDLE (what `kit sandbox serve signicat` prints). Makes the business call three times, prints
each status; exits 1 with Signicat's error on a failure.
"""

import os
import sys
import time
from typing import Any
from urllib.parse import quote_plus

import jwt
import requests

URL = os.environ["SIGNICAT_URL"]
CLIENT_ID = os.environ["SIGNICAT_CLIENT_ID"]
SECRET = os.environ["SIGNICAT_CLIENT_SECRET"]
ACCOUNT = os.environ.get("SIGNICAT_ACCOUNT_ID")
METHOD = os.environ.get("SIGNICAT_AUTH_METHOD", "client_secret_basic")  # fact client-auth
SCOPE = os.environ.get("SIGNICAT_SCOPE", "signicat-api")  # fact scope
VERIFY = os.environ.get("SIGNICAT_CA_BUNDLE") or True
cached: dict[str, Any] = {
    "token": "",
    "expires_at": 0.0,
    "lifetime": 0.0,
}  # the token, when it expires, how long it lived


def fetch_token() -> None:
    """Fact token-endpoint: POST the form; the client authenticates in Basic (RFC 6749 2.3.1: each part
    form-encoded first) or in the form."""
    form = {"grant_type": "client_credentials", "scope": SCOPE}
    basic = None
    if METHOD == "client_secret_post":
        form.update(client_id=CLIENT_ID, client_secret=SECRET)
    else:
        basic = (quote_plus(CLIENT_ID), quote_plus(SECRET))
    answer = requests.post(URL + "auth/open/connect/token", data=form, auth=basic, verify=VERIFY, timeout=30)
    if answer.status_code != 200:
        sys.exit(f"signicat refused the token request: {answer.status_code} {answer.text[:300]}")
    body = answer.json()
    lifetime = float(body["expires_in"])  # fact lifetime
    cached.update(token=body["access_token"], expires_at=time.time() + lifetime, lifetime=lifetime)


def token(renew: bool = False) -> str:
    """The cached token; a new one when there is none, when it was refused, or when it is about to expire
    (fact renew-early: renewed 30 s early, never more than half a lifetime early)."""
    early = min(30.0, float(cached["lifetime"]) / 2)
    if renew or not cached["token"] or time.time() >= float(cached["expires_at"]) - early:
        fetch_token()
    return str(cached["token"])


def account_of(value: str) -> str | None:
    """Fact account-id: the SDK sends the token's account_id claim as signicat-accountId (an opaque
    token has none: then SIGNICAT_ACCOUNT_ID, if set)."""
    try:
        claims = jwt.decode(value, options={"verify_signature": False})  # only read, never trusted here
    except jwt.PyJWTError:
        return ACCOUNT
    return str(claims.get("account_id") or ACCOUNT or "") or None


def call(method: str, path: str, body: Any = None) -> requests.Response:
    """The call with the token; after a 401 (fact invalid-token), once more with a fresh token."""
    for renew in (False, True):
        value = token(renew)
        account = account_of(value)
        params = {"signicat-accountId": account} if account else {}
        headers = {"Authorization": f"Bearer {value}"}
        answer = requests.request(
            method, URL + path, params=params, json=body, headers=headers, verify=VERIFY, timeout=30
        )
        if answer.status_code != 401:
            break
    return answer


if __name__ == "__main__":
    for _ in range(3):
        answer = call("POST", "auth/rest/sessions", {})
        if answer.status_code >= 400:
            print(f"signicat refused: {answer.status_code} {answer.text[:300]}")
            sys.exit(1)
        print(answer.status_code)
