"""The Pliance webhook round trip: delivered over HTTPS to a local receiver with the secret header."""

from typing import Any

import requests

import kit
from kit.providers import pliance
from kit.secrets import MASK


def register_and_poke(target: kit.Target, url: str, secret: str) -> dict[str, Any]:
    s = target.session()
    s.call("PUT", "api/WebhookCommand", json={"url": url, "secret": secret, "enabled": True})
    answer: dict[str, Any] = s.call(
        "POST", "api/WebhookQuery/Poke", json={"type": "PersonSanctionMatched", "referenceId": "p-1"}
    )
    return answer


def test_https_delivery_carries_the_secret_and_is_checked(pliance_target: kit.Target) -> None:
    secret = kit.Secret("webhook-secret-0123456789abcdef-0123456")
    with kit.WebhookReceiver(pliance_target.ca, secret=secret, secret_header="X-PLIANCE-SECRET") as hook:
        answer = register_and_poke(pliance_target, hook.url, secret.reveal())
        assert answer["success"] is True and answer["remoteStatusCode"] == 200 and answer["remoteBody"] == "received"
        table = hook.table()
    assert len(table) == 1
    row = table.iloc[0]
    assert row["event"] == "PersonSanctionMatched" and row["secret_check"] == "match"
    assert row["secret_header"].startswith(MASK) and secret.reveal() not in table.to_string()
    body = hook.deliveries[0]["body"]
    assert body["metadata"]["subject"] == pliance_target.credentials_as(pliance.Credentials).subject
    assert body["metadata"]["givenName"] == pliance_target.credentials_as(pliance.Credentials).given_name
    assert len(body["checkpoint"]) == 64


def test_wrong_secret_is_a_mismatch(pliance_target: kit.Target) -> None:
    with kit.WebhookReceiver(
        pliance_target.ca, secret="expected-0123456789abcdef-0123456789ab", secret_header="X-PLIANCE-SECRET"
    ) as hook:
        register_and_poke(pliance_target, hook.url, "another-0123456789abcdef-0123456789abcd")
        assert hook.table().iloc[0]["secret_check"] == "mismatch"


def test_http_urls_get_no_secret_as_documented(pliance_target: kit.Target) -> None:
    with kit.WebhookReceiver(tls=False, secret="s" * 40, secret_header="X-PLIANCE-SECRET") as hook:
        assert hook.url.startswith("http://")
        register_and_poke(pliance_target, hook.url, "s" * 40)
        assert hook.table().iloc[0]["secret_check"] == "missing"


def test_unreachable_receiver_is_an_error_envelope(pliance_target: kit.Target) -> None:
    s = pliance_target.session()
    s.call("PUT", "api/WebhookCommand", json={"url": "https://127.0.0.1:9/hook", "secret": "x" * 40, "enabled": True})
    r = s.post("api/WebhookQuery/Poke", json={"type": "PersonSanctionMatched"})
    body = r.json()
    assert r.status_code == 200 and body["success"] is False and body["remoteStatusCode"] == 0
    assert "127.0.0.1:9" in body["message"]


def test_receiver_with_an_unknown_ca_is_refused(pliance_target: kit.Target) -> None:
    with kit.WebhookReceiver(secret="x" * 40, secret_header="X-PLIANCE-SECRET") as hook:  # its own CA
        s = pliance_target.session()
        s.call("PUT", "api/WebhookCommand", json={"url": hook.url, "secret": "x" * 40, "enabled": True})
        body = s.post("api/WebhookQuery/Poke", json={"type": "PersonSanctionMatched"}).json()
        assert body["success"] is False and "SSL" in body["message"] and not hook.deliveries
    assert requests.codes.ok == 200
