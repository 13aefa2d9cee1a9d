"""Where the sandboxes and clients contradicted the provider docs, they now follow them: each over real sockets.

One test per contradiction the audit found (issue 21); the fact each behaviour rests on is named
in the test and registered in :mod:`kit.provenance`.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator

import jwt
import pytest
import requests

import kit
from kit.answers import default_error_parser
from kit.challenge import challenge
from kit.providers import registry, saltedge, signzy, synerise
from kit.sandbox import Sandbox, start

# -- Salt Edge ------------------------------------------------------------------------------------


@pytest.fixture
def saltedge_box() -> Iterator[Sandbox]:
    with start("saltedge") as box:
        yield box
        box.check()


def _app(box: Sandbox) -> dict[str, str]:
    c = box.credentials
    return {"Client-id": c["client_id"], "App-secret": c["app_secret"]}


def test_saltedge_a_client_not_live_may_send_expires_at_without_a_signature(saltedge_box: Sandbox) -> None:
    """optional-signature: no Signature header, no validation, whatever Expires-at says."""
    for expires in (str(int(time.time() + 60)), "not a time"):
        r = requests.get(
            saltedge_box.url_for("api/v3/countries"), headers={**_app(saltedge_box), "Expires-at": expires}, timeout=10
        )
        assert r.status_code == 200 and r.json()["data"]
    signed_without_expiry = {**_app(saltedge_box), "Signature": "c2lnbmVk"}  # a sent Signature is verified
    r = requests.get(saltedge_box.url_for("api/v3/countries"), headers=signed_without_expiry, timeout=10)
    assert (r.status_code, r.json()["error_class"]) == (400, "MissingExpiresAt")
    saltedge_box.control.set(status="live")  # live-signs: a live client must sign
    r = requests.get(
        saltedge_box.url_for("api/v3/countries"),
        headers={**_app(saltedge_box), "Expires-at": str(int(time.time() + 60))},
        timeout=10,
    )
    assert r.json()["error_class"] == "MissingSignature"


@pytest.mark.parametrize("version", ["v3", "v5"])
def test_saltedge_the_client_sends_each_endpoint_only_the_layers_it_needs(saltedge_box: Sandbox, version: str) -> None:
    """layers-per-endpoint: countries the app's; creating a login the customer's; a login's routes both."""
    data = {**saltedge_box.credentials, "api_version": version, "private_key_pem": None}
    s = saltedge.session(saltedge.Credentials.of(**data), saltedge_box.url)
    new, one = ("login", "login") if version == "v3" else ("connections", "connection")
    s.call("GET", "countries")
    s.call("POST", new, json={"data": {"country_code": "XF", "provider_code": "fakebank_simple_xf"}})
    s.call("GET", one)
    customer, login = ("Customer-secret", "Login-secret" if version == "v3" else "Connection-secret")
    sent = [set(e.request_headers) for e in s.journal.entries]
    assert customer not in sent[0] and login not in sent[0]
    assert customer in sent[1] and login not in sent[1]
    assert customer in sent[2] and login in sent[2]


def test_saltedge_a_login_needs_both_secrets_as_the_map_says(saltedge_box: Sandbox) -> None:
    """login-layer: GET login with the Login-secret alone is refused (CustomerNotFound)."""
    c = saltedge_box.credentials
    alone = {**_app(saltedge_box), "Login-secret": c["login_secret"]}
    r = requests.get(saltedge_box.url_for("api/v3/login"), headers=alone, timeout=10)
    assert (r.status_code, r.json()["error_class"]) == (404, "CustomerNotFound")
    both = {**alone, "Customer-secret": c["customer_secret"]}
    assert requests.get(saltedge_box.url_for("api/v3/login"), headers=both, timeout=10).status_code == 200


def test_saltedge_v3_error_classes_are_not_called_documented() -> None:
    with kit.connect("saltedge", environ={}, api_version="v3") as target:
        table = kit.failure_modes(target)
    assert not any("documented class" in source for source in table["source"])
    assert all("kit's choice: v5 class names in every version" in s for s in table["source"] if "class" in s)


# -- Synerise -------------------------------------------------------------------------------------


def _claims(token: str) -> dict[str, object]:
    return jwt.decode(token, options={"verify_signature": False})


def test_synerise_only_user_tokens_carry_a_workspace() -> None:
    """user-workspace: the docs put the workspace and permissions in user tokens only."""
    with kit.connect("synerise", environ={}) as target:
        workspace = target.session(consumer="workspace").require_token().access_token.reveal()
        customer = target.session(consumer="client").require_token().access_token.reveal()
        user = target.session(consumer="user").require_token().access_token.reveal()
    assert "bpid" not in _claims(workspace) and "bpid" not in _claims(customer)
    assert _claims(user)["bpid"] == 101 and _claims(user)["permissions"] == ["BUSINESS_PROFILE_READ"]


def test_synerise_an_api_key_only_endpoint_and_one_without_authorization() -> None:
    """no-auth-endpoints, key-check: the API key alone is enough for one endpoint, nothing for another."""
    with start("synerise", key_permissions="BUSINESS_PROFILE_READ") as box:
        key = box.credentials["workspace_api_key"]
        check = box.url_for("uauth/api-key/permission-check")
        r = requests.post(
            check, json={"apiKey": key, "permissions": ["CLIENTS_READ", "BUSINESS_PROFILE_READ"]}, timeout=10
        )
        assert r.status_code == 200
        assert r.json() == {"permissions": {"CLIENTS_READ": False, "BUSINESS_PROFILE_READ": True}}
        assert requests.post(check, json={"apiKey": "nope"}, timeout=10).status_code == 401
        pem = requests.get(box.url_for("kit-sandbox/synerise/public-key.pem"), timeout=10)
        assert pem.status_code == 200 and "PUBLIC KEY" in pem.text
        # key-permissions: the workspace token may do what its API key may, checked on each call
        creds = synerise.Credentials.of(workspace_api_key=key)
        s = synerise.session(creds, box.url)
        assert s.call("GET", "v4/business-profile")["businessProfileId"] == 101
        row = kit.refused(s, "GET", "v4/clients").iloc[0]
        assert (row["status"], row["message"]) == (403, "The API key lacks the permission CLIENTS_READ")
        assert row["source"] == registry("synerise").cite("key-permissions")
        box.check()


def test_synerise_the_client_renews_on_a_403_token_expired_too() -> None:
    """bad-token-403, renew-on-both: an expired token answered 403 is renewed and the call retried once."""
    with start("synerise", expired_status=403) as box:
        s = synerise.session(synerise.Credentials.of(workspace_api_key=box.credentials["workspace_api_key"]), box.url)
        s.call("GET", "v4/business-profile")
        box.control.set(clock_ahead=7200, lifetime=86400)  # the server's clock: the cached token expired
        r = requests.get(
            box.url_for("v4/business-profile"),
            headers={"Authorization": f"Bearer {s.require_token().access_token.reveal()}"},
            timeout=10,
        )
        assert (r.status_code, r.json()["error"]) == (403, "Token expired.")
        assert s.call("GET", "v4/business-profile")["businessProfileId"] == 101  # renewed, retried once
        retried = [e for e in s.journal.entries if e.retry_after]
        assert retried and retried[-1].retry_after == '403 "Token expired."' and retried[-1].status == 200
        box.check()


def test_synerise_google_and_the_origin_claim_say_they_are_inferred() -> None:
    facts = registry("synerise")
    assert facts["idp-google"].kind == "inferred" and facts["claim-names"].kind == "inferred"
    assert facts["token-expired"].kind == "inferred" and "Magento" in facts["token-expired"].source


# -- Pliance --------------------------------------------------------------------------------------


def test_pliance_lifetime_is_the_sdks_choice_and_the_server_sets_none(pliance_target: kit.Target) -> None:
    """sdk-lifetime, server-lifetime: a token valid for a day is accepted; 5 min is what the SDKs mint."""
    assert registry("pliance")["sdk-lifetime"].kind == "inferred"
    creds = pliance_target.credentials
    long_lived = kit.providers.pliance.mint_token(creds, lifetime=86400)  # type: ignore[attr-defined]
    r = requests.get(
        pliance_target.base_url + "api/Ping", headers={"Authorization": f"Bearer {long_lived}"}, timeout=10
    )
    assert r.status_code == 200 and r.json()["success"] is True


def test_pliance_answers_a_cors_preflight_for_browser_use(pliance_box: Sandbox) -> None:
    """browser-use, cors: the preflight is 204 with Access-Control-Allow-*, before any token."""
    asked = {
        "Origin": "https://app.example",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization,x-tenant",
    }
    r = requests.options(pliance_box.url_for("api/Ping"), headers=asked, timeout=10)
    assert r.status_code == 204 and r.content == b""
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Access-Control-Allow-Methods"] == "GET"
    assert r.headers["Access-Control-Allow-Headers"] == "authorization,x-tenant"
    refused = requests.get(pliance_box.url_for("api/Ping"), headers={"Origin": "https://app.example"}, timeout=10)
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == "*"


def test_pliance_cors_can_be_narrowed_or_turned_off() -> None:
    asked = {"Origin": "https://other.example", "Access-Control-Request-Method": "GET"}
    with start("pliance", cors_origins="https://app.example") as box:
        r = requests.options(box.url_for("api/Ping"), headers=asked, timeout=10)
        assert r.status_code == 405 and "Access-Control-Allow-Origin" not in r.headers
        ok = requests.options(box.url_for("api/Ping"), headers={**asked, "Origin": "https://app.example"}, timeout=10)
        assert ok.status_code == 204 and ok.headers["Access-Control-Allow-Origin"] == "https://app.example"
        assert ok.headers["Vary"] == "Origin"


def test_pliance_routes_match_in_any_case(pliance_target: kit.Target) -> None:
    """routes-case: ASP.NET Core routing is case-insensitive."""
    s = pliance_target.session()
    assert s.call("GET", "api/ping")["success"] is True and s.call("GET", "API/PING")["success"] is True


# -- Signzy ---------------------------------------------------------------------------------------


def test_signzy_a_username_sent_to_change_password_is_changed() -> None:
    """change-by-old-password, username-change: both can be changed with the old password."""
    with kit.connect("signzy", environ={}) as target:
        s = target.session(logout_on_close=False)
        old = target.credentials_as(signzy.Credentials).password
        new = kit.Secret("kit-new-signzy-password-5e1f0a9b8c7d")
        changed = signzy.change_password(s, old, new, username="kit-renamed-channel")
        assert changed.username == "kit-renamed-channel"
        renamed = target.session(changed, logout_on_close=False)
        renamed.require_token()  # logs in with the new username
        assert [(e.action, e.status) for e in renamed.journal.entries] == [("login", 200)]
        with pytest.raises(kit.AuthError):
            target.session(target.credentials.replace(password=new)).require_token()  # the old username is gone
        taken = target.session(changed, logout_on_close=False)
        signzy.create_child(taken, "kit-child-x", kit.Secret("c" * 32), email="kit-child-x@example.invalid")
        with pytest.raises(kit.ApiError) as info:
            signzy.change_password(taken, new, new, username="kit-child-x")
        assert info.value.status == 422 and "User already exists" in info.value.detail


def test_signzy_the_map_labels_inferred_paths_and_lists_logout() -> None:
    with kit.connect("signzy", environ={}) as target:
        assert target.sandbox is not None
        routes = {
            (e["method"], e["path"]): e["source"]
            for e in requests.get(target.sandbox.url, timeout=10).json()["endpoints"]
        }
    assert routes[("POST", "api/channels/logout")].startswith("inferred: LoopBack 3")
    assert routes[("POST", "api/customers/logout")].startswith("documented: docs.signzy.com")
    assert routes[("POST", "api/channels/change-password")].startswith("inferred: LoopBack 3")
    assert routes[("DELETE", "api/channels/{id}/channels/{child}")].startswith("inferred: LoopBack 3")


# -- Signicat -------------------------------------------------------------------------------------


def test_signicat_basic_with_the_client_id_in_the_form_is_accepted(signicat_box: Sandbox) -> None:
    """basic-wins: Duende IdentityServer takes the Basic header."""
    c = signicat_box.credentials
    basic = "Basic " + base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
    form = {"grant_type": "client_credentials", "scope": "signicat-api", "client_id": c["client_id"]}
    r = requests.post(
        signicat_box.url_for("auth/open/connect/token"), data=form, headers={"Authorization": basic}, timeout=10
    )
    assert r.status_code == 200 and r.json()["token_type"] == "Bearer"
    assert r.headers["Cache-Control"] == "no-store, no-cache, max-age=0" and r.headers["Pragma"] == "no-cache"


def test_signicat_problem_details_are_recognised_by_media_type(signicat_box: Sandbox) -> None:
    r = requests.get(signicat_box.url_for("auth/rest/sessions/x"), timeout=10)
    assert r.headers["Content-Type"].startswith("application/problem+json")
    error = default_error_parser(r, "signicat")
    assert error is not None and (error.status, error.code) == (401, "invalid_token")
    assert error.detail.startswith("Invalid authentication token.")
    said = challenge(r.headers)
    assert said is not None and (said.scheme, said.error) == ("Bearer", "")  # RFC 6750 §3.1: no error code


# -- what every provider's tables show ------------------------------------------------------------


def test_the_journal_masks_no_value_that_only_describes_a_credential() -> None:
    with kit.connect("signicat", environ={}) as target:
        s = target.session()
        s.require_token()
        discovery = s.get("auth/open/.well-known/openid-configuration")
        assert discovery.status_code == 200
        entries = s.journal.entries
    token_answer = next(e for e in entries if e.kind == "auth")
    assert '"token_type": "Bearer"' in token_answer.response_body
    assert kit.redact({"authorization_endpoint": "https://x.example/authorize"}) == {
        "authorization_endpoint": "https://x.example/authorize"
    }
    assert "token_endpoint" in entries[-1].response_body and "•" not in entries[-1].response_body


def test_the_journal_and_refused_show_the_challenge(pliance_target: kit.Target) -> None:
    s = pliance_target.session(pliance_target.credentials.replace(secret=kit.Secret("w" * 40)))
    s.get("api/Ping")
    assert kit.journal(s).iloc[-1]["challenge"] == 'Bearer error="invalid_token"'
    said = challenge('Bearer realm="api", error="insufficient_scope", scope="a b"')
    assert said is not None and said.short() == 'Bearer realm="api", error="insufficient_scope", scope="a b"'
    assert challenge("") is None and challenge({}) is None
