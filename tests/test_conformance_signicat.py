"""The Signicat sandbox's token endpoint against node oidc-provider 9: the same token requests, compared.

oidc-provider (``tests/conformance/oidc``, OpenID Certified) is mounted at Signicat's paths and knows the
sandbox's demo client (client_secret_basic) and a second one (client_secret_post) with the same secret.
Status and RFC 6749 ``error`` are compared; every difference is one listed in
:data:`kit.providers.signicat.probes.DIFFERENCES`, with its reason, or none.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote_plus

import pytest
import requests
from realservers import oidc_server

from kit.providers.signicat.probes import DIFFERENCES
from kit.sandbox import Sandbox, start

FORM = {"grant_type": "client_credentials", "scope": "signicat-api"}

#: (case, how it is sent, the difference it may show or None)
CASES: list[tuple[str, dict[str, Any], str | None]] = [
    ("client_secret_basic", {"basic": True, "data": FORM}, None),
    ("client_secret_post", {"post": True, "data": FORM}, None),
    (
        "secret with reserved characters, un-encoded in Basic",
        {"raw_basic": True, "data": FORM},
        "invalid_client status",
    ),
    ("wrong secret", {"basic": True, "secret": "x" * 40, "data": FORM}, "invalid_client status"),
    ("unknown client", {"basic": True, "client": "nobody", "data": FORM}, "invalid_client status"),
    ("no grant_type", {"basic": True, "data": {"scope": "signicat-api"}}, "no grant_type"),
    ("Basic and the same client_id in the form", {"basic": True, "form_client": True, "data": FORM}, None),
    ("password grant", {"basic": True, "data": {**FORM, "grant_type": "password"}}, None),
    ("unknown scope", {"basic": True, "data": {**FORM, "scope": "nope"}}, "unknown scope"),
    ("no scope", {"basic": True, "data": {"grant_type": "client_credentials"}}, "no scope"),
    ("no client authentication", {"data": FORM}, "no client authentication"),
    ("JSON body", {"basic": True, "json": FORM}, None),
    ("GET", {"method": "GET"}, "GET on the token endpoint"),
]


@pytest.fixture(scope="module")
def both() -> Iterator[tuple[str, Sandbox]]:
    box = start("signicat", credentials={"client_secret": "kit-demo+signicat/secret=9c4e 1b7a2f6d8e3c5a0b4d6f%41"})
    c = box.credentials
    clients = [
        {
            "client_id": c["client_id"],
            "client_secret": c["client_secret"],
            "token_endpoint_auth_method": "client_secret_basic",
        },
        {
            "client_id": "kit-post",
            "client_secret": c["client_secret"],
            "token_endpoint_auth_method": "client_secret_post",
        },
    ]
    try:
        with oidc_server(clients, RESOURCE="urn:kit:conformance:signicat-api") as url:
            yield url, box
    finally:
        box.stop()
        box.check()


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _send(base: str, box: Sandbox, how: dict[str, Any], post_client: str) -> tuple[int, str | None]:
    client, secret = (
        how.get("client", box.credentials["client_id"]),
        how.get("secret", box.credentials["client_secret"]),
    )
    headers: dict[str, str] = {}
    data = dict(how.get("data") or {})
    if how.get("basic"):
        headers["Authorization"] = _basic(quote_plus(client), quote_plus(secret))  # RFC 6749 §2.3.1
    if how.get("raw_basic"):
        headers["Authorization"] = _basic(client, secret)
    if how.get("post"):
        data.update(client_id=post_client, client_secret=secret)
    if how.get("form_client"):
        data.update(client_id=client)
    answer = requests.request(
        how.get("method", "POST"),
        base + "auth/open/connect/token",
        headers=headers,
        data=data or None,
        json=how.get("json"),
        timeout=10,
    )
    try:
        body = answer.json()
    except ValueError:
        body = {}
    return answer.status_code, body.get("error") if isinstance(body, dict) else None


def test_the_token_endpoint_answers_as_oidc_provider_does(both: tuple[str, Sandbox]) -> None:
    real, box = both
    assert {d for _, _, d in CASES if d} <= set(DIFFERENCES)
    unexplained, shown = [], set()
    for case, how, difference in CASES:
        theirs = _send(real, box, how, "kit-post")
        ours = _send(box.url, box, how, box.credentials["client_id"])
        if theirs == ours:
            continue
        if difference is None:
            unexplained.append(f"{case}: oidc-provider {theirs} | sandbox {ours}")
        shown.add(difference)
    assert not unexplained, "\n".join(unexplained)
    assert shown == {d for _, _, d in CASES if d}  # each listed difference is still real: none was fixed silently
