"""Salt Edge's auth without kit: the app's headers on every request, each request signed (API v3).

Needs requests and cryptography. Reads SALTEDGE_URL, SALTEDGE_CLIENT_ID, SALTEDGE_APP_SECRET, and when set
SALTEDGE_CUSTOMER_SECRET, SALTEDGE_PRIVATE_KEY_PEM and SALTEDGE_CA_BUNDLE (what `kit sandbox serve saltedge`
prints). Makes the business call three times, prints each status; exits 1 with Salt Edge's error on a failure.
"""

import base64
import os
import sys
import time
from typing import Any

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

URL = os.environ["SALTEDGE_URL"] + "api/v3/"
VERIFY = os.environ.get("SALTEDGE_CA_BUNDLE") or True
KEY_PEM = os.environ.get("SALTEDGE_PRIVATE_KEY_PEM")  # your key; its public half is in the dashboard
#: fact v3-headers: the app's id and secret on every request
APP = {"Client-id": os.environ["SALTEDGE_CLIENT_ID"], "App-secret": os.environ["SALTEDGE_APP_SECRET"]}


def sign(request: requests.PreparedRequest) -> None:
    """Facts v3-signature, v3-sha1 and expires-60: Signature = base64 of RSA (PKCS#1 v1.5) with SHA-1, v3's digest
    (v4 on: SHA-256), over "Expires-at|METHOD|full URL as sent|body"; Expires-at a minute ahead, so a signed
    line soon expires."""
    if not KEY_PEM:
        return  # fact optional-signature: a client in test or pending status may send none
    key = serialization.load_pem_private_key(KEY_PEM.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    expires = str(int(time.time()) + 60)
    body = request.body if isinstance(request.body, bytes) else str(request.body or "").encode()
    signed = f"{expires}|{request.method}|{request.url}|".encode() + body
    signature = key.sign(signed, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 (what Salt Edge v3 verifies)
    request.headers.update({"Expires-at": expires, "Signature": base64.b64encode(signature).decode()})


def call(method: str, path: str, body: Any = None, customer: bool = False) -> requests.Response:
    """Fact layers-per-endpoint: the app's headers always; the customer's secret where the endpoint acts
    for a customer (fact customer-layer); countries needs the app's alone (fact countries-app-only)."""
    headers = {"Accept": "application/json", "Content-type": "application/json", **APP}
    if customer:
        headers["Customer-secret"] = os.environ["SALTEDGE_CUSTOMER_SECRET"]
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
