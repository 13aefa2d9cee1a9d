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


# the official example's signedHeaders and request, as node/saltedge.js has them (master, v6; the v5 branch has the
# same two functions), with http for the sandbox's plain socket and the key and credentials from stdin instead of
# files; the calls each version's file makes, the connect body as each file writes it
_BODIES = {
    "v6": {
        "consent": {"scopes": ["accounts", "transactions"]},
        "attempt": {"return_to": "https://www.example.com", "fetch_scopes": ["accounts", "transactions"]},
        "widget": {"javascript_callback_type": "post_message"},
        "provider": {"include_sandboxes": True},
    },
    "v5": {
        "consent": {"scopes": ["account_details", "transactions_details"]},
        "attempt": {"return_to": "https://www.example.com", "fetch_scopes": ["accounts", "transactions"]},
        "include_fake_providers": True,
    },
}
_EXAMPLE = r"""
const http = require("http");
const crypto = require("crypto");
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const credentials = {app_id: input.app_id, secret: input.secret};

function signedHeaders(url, method, params) {
  const expiresAt = Math.floor(new Date().getTime() / 1000 + 60);
  let payload     = expiresAt + "|" + method + "|" + url + "|";

  if (method === "POST") {
    payload += JSON.stringify(params);
  }

  const privateKey = input.private_pem;
  const signer     = crypto.createSign("sha256");

  signer.update(payload);
  signer.end();

  return {
    "Accept":       "application/json",
    "App-id":       credentials.app_id,
    "Content-Type": "application/json",
    "Expires-at":   expiresAt,
    "Secret":       credentials.secret,
    "Signature":    signer.sign(privateKey, "base64"),
  }
}

function request(options) {
  options.headers = signedHeaders(options.url, options.method, options.data);

  return new Promise((resolve, reject) => {
    const req = http.request(options.url, options, (response) => {
      const chunks = [];

      response.on("data", chunk => chunks.push(chunk));
      response.on("end", () => {
        const data = Buffer.concat(chunks).toString();
        response.statusCode === 200 ? resolve(data) : reject(data);
      });
    })

    if (options.data && options.method !== "GET") {
      req.write(JSON.stringify(options.data));
    }

    req.end();
  });
}

(async () => {
  const base = input.base + "api/" + input.version + "/";
  const countries = JSON.parse(await request({method: "GET", url: base + "countries"}));
  const customer = JSON.parse(await request({method: "POST", url: base + "customers",
    data: {data: {identifier: "my_unique_sdidentifier"}}}));
  const connect = JSON.parse(await request({method: "POST", url: base + input.connect, data: {data: {
    customer_id: customer.data.id, ...input.body,
  }}}));
  process.stdout.write(JSON.stringify({countries, customer, connect}));
})().catch(error => { process.stderr.write(String(error)); process.exit(1); });
"""


@pytest.mark.parametrize("version", ["v6", "v5"])
def test_the_official_example_runs_against_the_sandbox_and_its_callback_verifies(version: str) -> None:
    """``node/saltedge.js`` as published (its signedHeaders and request, the three calls it makes), run by Node
    against a live-status sandbox: countries, a customer, a connect session for it (v5: ``connect_sessions/create``
    with a Service key's customer_id); the connection that session makes calls back, and the example's
    ``verifySignature`` logic (kit's ``callback_check``) accepts it."""
    with kit.connect("saltedge", environ={}, api_version=version) as target:
        c = target.credentials
        assert isinstance(c, saltedge.Credentials) and c.private_key_pem is not None
        hook = kit.WebhookReceiver(target.ca, tls=False, check=saltedge.callback_check(
            target.control.fixtures()["callbacks_public_pem"]))  # fmt: skip
        try:
            target.control.set(status="live", callback_url=hook.url)  # live: every request must be signed
            given = {
                "base": target.base_url,
                "app_id": c.client_id,
                "secret": c.app_secret.reveal(),
                "private_pem": c.private_key_pem.reveal(),
                "version": version,
                "connect": saltedge.CONNECT[version],
                "body": _BODIES[version],
            }
            done = subprocess.run(
                [node(), "-e", _EXAMPLE], input=json.dumps(given), capture_output=True, text=True, timeout=60
            )
            delivered = hook.deliveries
        finally:
            hook.stop()
    assert done.returncode == 0, done.stderr[-1000:]
    answers = json.loads(done.stdout)
    assert answers["countries"]["data"][0]["code"] == "XF"
    assert "connect_url" in answers["connect"]["data"]
    assert answers["connect"]["data"].get("customer_id", answers["customer"]["data"]["id"]) == answers["customer"][
        "data"]["id"]  # fmt: skip
    assert [d["secret_check"] for d in delivered] == ["match"]
    assert delivered[0]["body"]["data"]["customer_id"] == answers["customer"]["data"]["id"]
    assert delivered[0]["body"]["meta"]["version"] == version.removeprefix("v")
