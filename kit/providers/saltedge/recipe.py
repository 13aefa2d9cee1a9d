"""Salt Edge's auth without kit: the app's headers on every request, each request signed (API v6).

Needs requests and cryptography. Reads SALTEDGE_URL, SALTEDGE_CLIENT_ID (your App-id), SALTEDGE_APP_SECRET, and
when set SALTEDGE_PRIVATE_KEY_PEM and SALTEDGE_CA_BUNDLE (what `kit sandbox serve saltedge` prints). Makes the
business call three times, prints each status; exits 1 with Salt Edge's error on a failure.
"""

import base64
import os
import sys
import time
from typing import Any

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

URL = os.environ["SALTEDGE_URL"] + "api/v6/"
VERIFY = os.environ.get("SALTEDGE_CA_BUNDLE") or True
KEY_PEM = os.environ.get("SALTEDGE_PRIVATE_KEY_PEM")  # your key; its public half is in the dashboard
#: fact v6-headers: the app's id and secret on every request, and nothing else (no customer or connection secret)
APP = {"App-id": os.environ["SALTEDGE_CLIENT_ID"], "Secret": os.environ["SALTEDGE_APP_SECRET"]}


def sign(request: requests.PreparedRequest) -> None:
    """Facts signature-string and expires-60: Signature = base64 of RSA (PKCS#1 v1.5) with SHA-256 (v3 signed with
    SHA-1), over "Expires-at|METHOD|full URL as sent|body"; Expires-at a minute ahead, so a signed line soon
    expires."""
    if not KEY_PEM:
        return  # fact optional-signature: a client in test or pending status may send none
    key = serialization.load_pem_private_key(KEY_PEM.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    expires = str(int(time.time()) + 60)
    body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
    signed = f"{expires}|{request.method}|{request.url}|".encode() + body
    signature = key.sign(signed, padding.PKCS1v15(), hashes.SHA256())
    request.headers.update({"Expires-at": expires, "Signature": base64.b64encode(signature).decode()})


def call(method: str, path: str, body: Any = None) -> requests.Response:
    """The app's headers on every call (fact countries-app-only); a customer is named by customer_id in the body
    (fact v6-connect: call("POST", "connections/connect", {"customer_id": ...}))."""
    headers = {"Accept": "application/json", "Content-type": "application/json", **APP}
    data = {"data": body} if body is not None else None  # requests are {"data": {...}}
    request = requests.Request(method, URL + path, headers=headers, json=data).prepare()
    sign(request)  # after prepare: the URL and the body exactly as they will be sent
    with requests.Session() as http:
        return http.send(request, verify=VERIFY, timeout=30)


if __name__ == "__main__":
    for _ in range(3):
        answer = call("GET", "countries")
        if answer.status_code >= 400:
            print(f"salt edge refused: {answer.status_code} {answer.text[:300]}")
            sys.exit(1)
        print(answer.status_code)
