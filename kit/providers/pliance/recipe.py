"""Pliance's auth without kit: a fresh HS256 JWT per request, as the official SDKs mint it.

Needs requests and PyJWT. Reads PLIANCE_URL, PLIANCE_SECRET, PLIANCE_ISSUER, PLIANCE_GIVEN_NAME,
PLIANCE_SUBJECT, and PLIANCE_TENANT / PLIANCE_CA_BUNDLE when set (what `kit sandbox serve pliance` prints).
Makes the business call three times, prints each status; exits 1 with Pliance's message on a failure.
"""

import os
import sys
import time
from typing import Any

import jwt
import requests

URL = os.environ["PLIANCE_URL"]
SECRET = os.environ["PLIANCE_SECRET"]
TENANT = os.environ.get("PLIANCE_TENANT")
VERIFY = os.environ.get("PLIANCE_CA_BUNDLE") or True
LIFETIME = 300  # fact sdk-lifetime: the SDKs set exp = now + 300; the server sets none


def token() -> str:
    """Fact bearer-jwt: header exactly {"typ": "JWT", "alg": "HS256"}; fact utf8-key: the secret's UTF-8 bytes."""
    now = int(time.time())
    claims = {
        "iat": now,  # fact mint-per-request: iat = nbf = now
        "nbf": now,
        "exp": now + LIFETIME,
        "aud": "pliance.io",  # fact audience
        "iss": os.environ["PLIANCE_ISSUER"],  # fact issuer: your company id
        "given_name": os.environ["PLIANCE_GIVEN_NAME"],  # fact log-claims: shown in Pliance's logs
        "sub": os.environ["PLIANCE_SUBJECT"],
    }
    header = {"typ": "JWT", "alg": "HS256"}
    return jwt.encode(claims, SECRET.encode("utf-8"), algorithm="HS256", headers=header, sort_headers=False)


def call(method: str, path: str, body: Any = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token()}"}  # a new token for every request
    if TENANT:
        headers["X-Tenant"] = TENANT  # fact tenant-header
    return requests.request(method, URL + path, headers=headers, json=body, verify=VERIFY, timeout=30)


def failed(answer: requests.Response) -> bool:
    """Fact envelope: a failure is a 4xx/5xx, or a 200 whose envelope says success: false."""
    try:
        envelope = answer.json()
    except ValueError:
        return answer.status_code >= 400
    return answer.status_code >= 400 or (isinstance(envelope, dict) and envelope.get("success") is False)


if __name__ == "__main__":
    for _ in range(3):
        answer = call("GET", "api/Ping")
        if failed(answer):
            print(f"pliance refused: {answer.status_code} {answer.text[:300]}")
            sys.exit(1)
        print(answer.status_code)
