"""Every JWT kit makes or its sandboxes issue, verified by npm ``jose``: a JOSE implementation independent
of PyJWT (which kit itself uses), with the algorithm pinned as a careful verifier would pin it.

Pliance: the HS256 token kit mints with the secret; Signicat: the sandbox's RS256 at+jwt, through
discovery and its JWKS, issuer and audience checked; Synerise: the RS512 tokens of all three consumer
types, with the sandbox's public key. Each payload jose reads is the one PyJWT reads, and a token with one
byte of its signature changed is refused.
"""

from __future__ import annotations

from typing import Any

import jwt
import pytest
import requests
from realservers import jose_verify

import kit
from kit.providers.signicat.protocol import DISCOVERY_PATH


def _flip(token: str) -> str:
    head, body, signature = token.split(".")
    return f"{head}.{body}.{('A' if signature[0] != 'A' else 'B') + signature[1:]}"


def _pliance() -> list[dict[str, Any]]:
    with kit.connect("pliance", environ={}) as target:
        token = target.session().token_value()
        secret = target.credentials.secret.reveal()  # type: ignore[attr-defined]
    assert token is not None
    return [{"token": token, "secret": secret, "algorithms": ["HS256"], "audience": "pliance.io"}]


def _signicat() -> list[dict[str, Any]]:
    with kit.connect("signicat", environ={}) as target:
        token = target.session().token_value()
        meta = requests.get(target.base_url + DISCOVERY_PATH, timeout=10).json()
        jwks = requests.get(meta["jwks_uri"], timeout=10).json()
    assert token is not None
    audience = meta["issuer"].removesuffix("/auth/open")
    return [{"token": token, "jwks": jwks, "algorithms": ["RS256"], "issuer": meta["issuer"], "audience": audience}]


def _synerise() -> list[dict[str, Any]]:
    items = []
    with kit.connect("synerise", environ={}) as target:
        spki = target.control.public_key_pem()
        for consumer in ("workspace", "client", "user"):
            token = target.session(consumer=consumer).token_value()
            assert token is not None
            items.append({"token": token, "spki": spki, "algorithms": ["RS512"]})
    return items


@pytest.mark.parametrize("provider", ["pliance", "signicat", "synerise"])
def test_jose_verifies_what_kit_verifies(provider: str) -> None:
    items = {"pliance": _pliance, "signicat": _signicat, "synerise": _synerise}[provider]()
    results = jose_verify(items + [{**item, "token": _flip(item["token"])} for item in items])
    good, tampered = results[: len(items)], results[len(items) :]
    for item, result in zip(items, good, strict=True):
        assert result["ok"], result
        assert result["payload"] == jwt.decode(item["token"], options={"verify_signature": False})
        assert result["header"]["alg"] == item["algorithms"][0]
    assert all(not r["ok"] and r["code"] == "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" for r in tampered), tampered


def test_jose_refuses_an_algorithm_it_was_not_given() -> None:
    [item] = _signicat()
    [result] = jose_verify([{**item, "algorithms": ["PS256"]}])
    assert not result["ok"] and result["code"] == "ERR_JOSE_ALG_NOT_ALLOWED"
