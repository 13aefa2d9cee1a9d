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


@pytest.mark.parametrize("version", ["v3", "v5"])
def test_the_sandbox_sends_a_signed_callback_that_the_receiver_checks(version: str) -> None:
    """Set a callback URL, make a login (a connection, from v5): the sandbox, playing Salt Edge, POSTs the callback
    the official examples' spec builds, signed with its own key; a receiver checking with the public key the
    sandbox hands out (as Salt Edge publishes its own) says match; one checking with another key, mismatch."""
    with kit.connect("saltedge", environ={}, api_version=version) as target:
        public = target.control.fixtures()["callbacks_public_pem"]
        _, other = saltedge.generate_key_pair()
        hook = kit.WebhookReceiver(target.ca, tls=False, check=saltedge.callback_check(public))
        wrong = kit.WebhookReceiver(target.ca, tls=False, check=saltedge.callback_check(other))
        try:
            creds = target.credentials
            for receiver in (hook, wrong):
                target.control.set(callback_url=receiver.url)
                s = target.session(creds.replace(login_secret=None, private_key_pem=None))
                new = {"data": {"country_code": "XF", "provider_code": "fakebank_simple_xf", "credentials": {}}}
                made = s.call("POST", "login" if version == "v3" else "connections", json=new)["data"]
            delivered, refused = hook.deliveries[0], wrong.deliveries[0]
        finally:
            hook.stop()
            wrong.stop()
    assert (delivered["secret_check"], refused["secret_check"]) == ("match", "mismatch")
    key = "login_id" if version == "v3" else "connection_id"
    assert refused["body"]["data"] == {key: str(made["id"]), "customer_id": "1001", "custom_fields": {},
                                      "stage": "finish"}  # fmt: skip
    with pytest.raises(kit.ConfigError, match="public key"):
        saltedge.callback_check("not a key")
