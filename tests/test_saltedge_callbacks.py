"""Salt Edge's callbacks: kit verifies a Signature made the way Salt Edge's official examples make and check it.

``node/saltedge.js`` (the official examples, v6): ``verifySignature(signature, callbackUrl, postBody)`` verifies
base64 RSA-SHA256 over ``callbackUrl + "|" + postBody`` with ``spectre_public.pem``. Here a key pair stands for
Salt Edge's (its private half is Salt Edge's secret); one signature is made by Node's own ``crypto.createSign``
exactly as that file verifies it (conformance tier: it needs Node), the others with cryptography alone.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from realservers import node

import kit
from kit.providers import saltedge

URL = "https://client-app.example/aisp/callbacks/success"
BODY = json.dumps({"data": {"connection_id": "111", "customer_id": "222", "custom_fields": {"k": "é"}}, "meta": {}})


@pytest.fixture(scope="module")
def keys() -> tuple[kit.Secret, str]:
    return saltedge.generate_key_pair()


def test_a_callback_signed_as_salt_edge_signs_verifies_and_anything_else_does_not(keys: tuple[kit.Secret, str]) -> None:
    private, public = keys
    signature = saltedge.sign_callback(private, URL, BODY)
    assert saltedge.verify_callback(signature, URL, BODY, public)
    assert saltedge.verify_callback(signature, URL, BODY.encode(), public)  # the raw bytes, as received
    assert not saltedge.verify_callback(signature, URL + "x", BODY, public)  # another URL
    assert not saltedge.verify_callback(signature, URL, BODY.replace("111", "112"), public)  # another body
    other, other_public = saltedge.generate_key_pair()
    assert not saltedge.verify_callback(signature, URL, BODY, other_public)  # another key
    for junk in (None, "", "not base64!", "AAAA"):
        assert not saltedge.verify_callback(junk, URL, BODY, public)  # never raises on what a sender sent
    with pytest.raises(kit.ConfigError, match="public key"):
        saltedge.verify_callback(signature, URL, BODY, "not a key")
    assert saltedge.callback_string(URL, BODY) == f"{URL}|{BODY}".encode()


def test_a_signature_made_by_node_crypto_as_the_official_example_verifies(keys: tuple[kit.Secret, str]) -> None:
    """The official example's own calls, run in Node: ``crypto.createSign("sha256")``, ``update(url + "|" + body)``,
    ``sign(privateKey, "base64")``; and its verifySignature accepts what kit's sign_callback makes."""
    private, public = keys
    script = """
const crypto = require("crypto");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const signer = crypto.createSign("sha256");
signer.update(input.url + "|" + input.body);
signer.end();
const verifier = crypto.createVerify("sha256");
verifier.update(input.url + "|" + input.body);
verifier.end();
process.stdout.write(JSON.stringify({
  signature: signer.sign(input.private, "base64"),
  kits: verifier.verify(input.public, input.kits, "base64"),
}));
"""
    kits = saltedge.sign_callback(private, URL, BODY)
    given = {"url": URL, "body": BODY, "private": private.reveal(), "public": public, "kits": kits}
    done = subprocess.run([node(), "-e", script], input=json.dumps(given), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-1000:]
    answer = json.loads(done.stdout)
    assert saltedge.verify_callback(answer["signature"], URL, BODY, public)
    assert answer["kits"] is True
