"""Signzy: the LoopBack sandbox's bad inputs over real sockets, and the client's login, transports, retry."""

import json
import signal
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import kit
from kit.providers import signzy
from kit.providers.signzy.auth import SignzyAuth
from kit.providers.signzy.sandbox import DEMO
from kit.sandbox import Sandbox, start
from kit.secrets import MASK


@pytest.fixture
def box() -> Iterator[Sandbox]:
    with start("signzy") as sandbox:
        yield sandbox
        sandbox.check()


def login(box: Sandbox, **body: Any) -> requests.Response:
    return requests.post(box.url_for("api/channels/login"), json={**box.credentials, **body}, timeout=10)


def assert_loopback(r: requests.Response, status: int, code: str | None, name: str = "Error") -> None:
    """LoopBack's envelope; ``code`` None: the framework sends none (a syntax error, a logout without a token)."""
    assert r.status_code == status
    inner = {"statusCode": status, "name": name, "message": r.json()["error"]["message"]}
    assert r.json() == {"error": {**inner, **({} if code is None else {"code": code})}}


def test_login_answers_id_ttl_created_user_id(box: Sandbox) -> None:
    body = login(box).json()
    assert set(body) == {"id", "ttl", "created", "userId"}
    assert body["ttl"] == 1209600 and body["userId"] == "ch-1" and body["created"].endswith("Z")
    assert login(box, ttl=60).json()["ttl"] == 60
    assert login(box, ttl=10**9).json()["ttl"] == 31556926  # clamped to max_ttl
    customers = requests.post(box.url_for("api/customers/login"), json=box.credentials, timeout=10)
    assert customers.status_code == 200


@pytest.mark.parametrize("where", ["query", "x-access-token", "authorization"])
def test_token_accepted_where_loopback_looks(box: Sandbox, where: str) -> None:
    token = login(box).json()["id"]
    kwargs: dict[str, Any] = {
        "query": {"params": {"access_token": token}},
        "x-access-token": {"headers": {"X-Access-Token": token}},
        "authorization": {"headers": {"Authorization": token}},
    }[where]
    assert requests.get(box.url_for("api/channels/ch-1"), timeout=10, **kwargs).json()["id"] == "ch-1"


@pytest.mark.parametrize(
    "case, status, code",
    [
        ("wrong password", 401, "LOGIN_FAILED"),
        ("unknown user", 401, "LOGIN_FAILED"),
        ("empty body", 400, "USERNAME_EMAIL_REQUIRED"),
        ("no password", 401, "LOGIN_FAILED"),
        ("non-JSON body", 400, None),
    ],
)
def test_bad_logins(box: Sandbox, case: str, status: int, code: str | None) -> None:
    url = box.url_for("api/channels/login")
    calls = {
        "wrong password": lambda: login(box, password="x" * 32),
        "unknown user": lambda: login(box, username="nobody"),
        "empty body": lambda: requests.post(url, data="", headers={"Content-Type": "application/json"}, timeout=10),
        "no password": lambda: requests.post(url, json={"username": DEMO["username"]}, timeout=10),
        "non-JSON body": lambda: requests.post(
            url, data="{x", headers={"Content-Type": "application/json"}, timeout=10
        ),
    }
    assert_loopback(calls[case](), status, code, "SyntaxError" if case == "non-JSON body" else "Error")


def test_token_failures(box: Sandbox) -> None:
    me = box.url_for("api/channels/ch-1")
    token = login(box).json()["id"]
    assert_loopback(
        requests.get(me, headers={"Authorization": f"Bearer {token}"}, timeout=10), 401, "AUTHORIZATION_REQUIRED"
    )  # LoopBack base64-decodes what follows "Bearer "
    assert_loopback(
        requests.get(box.url_for("api/channels/ch-9"), headers={"Authorization": token}, timeout=10),
        401,
        "AUTHORIZATION_REQUIRED",
    )  # an ACL refusal: LoopBack's default aclErrorStatus
    short = login(box, ttl=1).json()["id"]
    box.control.advance(1.1)  # the sandbox's clock: its one second has passed
    assert_loopback(requests.get(me, headers={"Authorization": short}, timeout=10), 401, "INVALID_TOKEN")
    assert_loopback(requests.get(me, headers={"Authorization": short}, timeout=10), 401, "AUTHORIZATION_REQUIRED")
    assert (
        requests.post(box.url_for("api/channels/logout"), headers={"Authorization": token}, timeout=10).status_code
        == 204
    )
    assert_loopback(requests.get(me, headers={"Authorization": token}, timeout=10), 401, "AUTHORIZATION_REQUIRED")
    assert_loopback(requests.post(box.url_for("api/channels/logout"), timeout=10), 401, None)


def test_children_and_deleted_child_tokens(box: Sandbox) -> None:
    token = login(box).json()["id"]
    auth = {"Authorization": token}
    child = requests.post(
        box.url_for("api/channels/ch-1/channels"),
        headers=auth,
        timeout=10,
        json={"username": "kid", "password": "kid-password-0123456789abcdef-01", "email": "kid@example.invalid"},
    ).json()
    assert child["parentId"] == "ch-1" and "password" not in child
    listed = requests.get(box.url_for("api/channels/ch-1/channels"), headers=auth, timeout=10).json()
    assert [c["username"] for c in listed] == ["kid"]
    kid = requests.post(
        box.url_for("api/channels/login"),
        timeout=10,
        json={"username": "kid", "password": "kid-password-0123456789abcdef-01"},
    ).json()["id"]
    assert (
        requests.delete(box.url_for(f"api/channels/ch-1/channels/{child['id']}"), headers=auth, timeout=10).status_code
        == 204
    )
    assert_loopback(
        requests.get(box.url_for(f"api/channels/{child['id']}"), headers={"Authorization": kid}, timeout=10),
        401,
        "AUTHORIZATION_REQUIRED",
    )  # a deleted user's tokens are deleted with it


def test_change_password_needs_the_old_one(box: Sandbox) -> None:
    token = login(box).json()["id"]
    url = box.url_for("api/channels/change-password")
    wrong = requests.post(
        url, headers={"Authorization": token}, json={"oldPassword": "x", "newPassword": "y"}, timeout=10
    )
    assert_loopback(wrong, 400, "INVALID_PASSWORD")
    new = "new-password-0123456789abcdef-0123"
    ok = requests.post(
        url,
        headers={"Authorization": token},
        timeout=10,
        json={"oldPassword": box.credentials["password"], "newPassword": new},
    )
    assert ok.status_code == 204 and login(box, password=new).status_code == 200


# -- the client -----------------------------------------------------------------------------


def test_header_transport_sends_the_raw_token_and_query_warns(box: Sandbox, tmp_path: Path) -> None:
    creds = signzy.Credentials.of(**box.credentials)
    s = signzy.session(creds, box.url)
    s.call("GET", "api/channels/ch-1", step="me")
    entry = s.journal.entries[-1]
    assert entry.request_headers["Authorization"].startswith(MASK) and "access_token" not in entry.url
    with pytest.warns(signzy.QueryTokenWarning):
        q = signzy.session(creds, box.url, transport="query")
    q.call("GET", "api/channels/ch-1", step="me")
    entry = q.journal.entries[-1]
    assert "Authorization" not in entry.request_headers and f"access_token={MASK}" in entry.url
    line = kit.to_curl(entry)
    assert 'access_token=\'"${SIGNZY_TOKEN}"' in line  # the token, whichever way it travels
    token = q.require_token().access_token.reveal()
    assert token not in line and token not in kit.to_har(q, tmp_path / "q.har").read_text()


def test_expired_token_relogs_in_and_retries_once(box: Sandbox) -> None:
    s = signzy.session(signzy.Credentials.of(**box.credentials), box.url)
    s.call("GET", "api/channels/ch-1")
    token = s.require_token().access_token.reveal()
    box.control.expire(token)  # the server's record is 14 days old: expired there only
    assert s.call("GET", "api/channels/ch-1", step="again")["id"] == "ch-1"
    assert [(e.step, e.status) for e in s.journal.entries][-3:] == [
        ("again", 401),
        ("login (401)", 200),
        ("again · retry after 401 INVALID_TOKEN", 200),
    ]


def test_close_logs_out(box: Sandbox) -> None:
    s = signzy.session(signzy.Credentials.of(**box.credentials), box.url)
    s.call("GET", "api/channels/ch-1")
    assert box.control.counts()["live_tokens"] == 1
    s.close()
    assert box.control.counts()["live_tokens"] == 0 and s.journal.entries[-1].step == "logout"


def test_children_password_change_and_logout_helpers(box: Sandbox) -> None:
    s = signzy.session(signzy.Credentials.of(**box.credentials), box.url)
    signzy.create_child(s, "kid", "kid-password-0123456789abcdef-01", email="kid@example.invalid")
    assert list(signzy.list_children(s)["username"]) == ["kid"]
    kid = signzy.session(signzy.Credentials.of("kid", "kid-password-0123456789abcdef-01"), box.url)
    assert signzy.me(kid) == "ch-2"
    new = signzy.change_password(s, box.credentials["password"], "new-password-0123456789abcdef-0123")
    assert new.password.reveal() == "new-password-0123456789abcdef-0123"
    signzy.logout(s)
    assert s.call("GET", "api/channels/ch-1")["id"] == "ch-1"  # logs in again, with the new password


def test_failure_modes_table(box: Sandbox) -> None:
    with kit.connect("signzy", environ={}) as t:
        table = kit.failure_modes(t).set_index("case")
    assert table.loc["expired token (ttl 1 s)", "code"] == "INVALID_TOKEN"
    assert table.loc["token of a deleted child", "code"] == "AUTHORIZATION_REQUIRED"
    assert table.loc["Bearer <token>", "code"] == "AUTHORIZATION_REQUIRED"
    assert table.loc["logged-out token", "code"] == "AUTHORIZATION_REQUIRED"
    assert table.loc["another channel's id", "status"] == 401


def test_unknown_model_and_transport_are_config_errors(box: Sandbox) -> None:
    creds = signzy.Credentials.of(**box.credentials)
    with pytest.raises(kit.ConfigError):
        signzy.session(creds, box.url, model="admins")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(kit.ConfigError):
            signzy.session(creds, box.url, transport="cookie")


def test_cli_serves_signzy() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kit.sandbox", "serve", "--json", "signzy", "--set", "signzy.ttl=60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = json.loads(proc.stdout.readline())
        assert set(line["credentials"]) == {"username", "password"}
        r = requests.post(line["url"] + "api/channels/login", json=line["credentials"], timeout=10)
        assert r.json()["ttl"] == 60
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_business_endpoint_needs_the_channel_itself(box: Sandbox) -> None:
    token = login(box).json()["id"]
    mine = requests.post(
        box.url_for("api/channels/ch-1/onboardings"), json={"name": "Ada"}, timeout=10, headers={"Authorization": token}
    )
    assert mine.status_code == 200 and mine.json() == {"id": "onb-1", "channelId": "ch-1", "name": "Ada"}
    theirs = requests.post(
        box.url_for("api/channels/ch-7/onboardings"), json={"name": "Ada"}, timeout=10, headers={"Authorization": token}
    )
    assert_loopback(theirs, 401, "AUTHORIZATION_REQUIRED")  # LoopBack's ACL refusal


def test_a_token_logged_out_elsewhere_is_replaced_once(box: Sandbox) -> None:
    s = signzy.session(signzy.Credentials.of(**box.credentials), box.url, logout_on_close=False)
    s.call("GET", "api/channels/ch-1")
    token = s.require_token().access_token.reveal()
    other_worker = requests.post(box.url_for("api/channels/logout"), headers={"Authorization": token}, timeout=10)
    assert other_worker.status_code == 204  # the server no longer has the token; this session's cache still does
    assert s.call("GET", "api/channels/ch-1", step="again")["id"] == "ch-1"
    assert [(e.kind, e.reason, e.status, e.retry_after) for e in s.journal.entries][-4:] == [
        ("business", "", 401, ""),
        ("auth", "401 AUTHORIZATION_REQUIRED", 401, ""),  # the token cannot read its own channel: stale
        ("auth", "401", 200, ""),
        ("business", "401", 200, "401 AUTHORIZATION_REQUIRED"),
    ]


def test_a_session_that_sent_no_token_is_not_retried(box: Sandbox) -> None:
    s = signzy.session(signzy.Credentials.of(**box.credentials), box.url, logout_on_close=False)
    answer = s.probe("GET", "api/channels/ch-1")  # no token sent: nothing to replace
    assert answer.status_code == 401 and len(s.journal) == 1


# -- the client against LoopBack's answers (checked against the real framework in test_conformance_signzy) --


def _steps(s: kit.Session[Any]) -> list[tuple[str, int | None]]:
    return [(e.step, e.status) for e in s.journal.entries]


def test_a_204_is_never_parsed(box: Sandbox) -> None:
    s = signzy.session(signzy.Credentials.of(**box.credentials), box.url)
    kid = signzy.create_child(s, "kid", "kid-password-0123456789abcdef-01", email="kid@example.invalid")
    assert s.call("DELETE", f"api/channels/ch-1/channels/{kid['id']}") is None  # 204, Content-Type JSON, no body
    new = signzy.change_password(s, box.credentials["password"], "new-password-0123456789abcdef-0123")
    assert s.auth_as(SignzyAuth).credentials == new  # kept: the server changed it, so must kit


def test_a_denial_costs_a_token_check_not_a_login(box: Sandbox) -> None:
    s = signzy.session(signzy.Credentials.of(**box.credentials), box.url)
    signzy.me(s)
    kit.refused(s, "GET", "api/channels/ch-99")
    assert _steps(s)[-2:] == [("GET api/channels/ch-99", 401), ("check (401 AUTHORIZATION_REQUIRED)", 200)]
    assert box.control.counts()["live_tokens"] == 1  # no second login, no token dropped


def test_a_short_ttl_logs_in_once_per_lifetime(box: Sandbox) -> None:
    s = signzy.session(signzy.Credentials.of(**box.credentials), box.url, ttl=20)  # shorter than the 30 s margin
    for _ in range(3):
        s.call("GET", "api/channels/ch-1")
    assert [step for step, _ in _steps(s)].count("login (absent)") == 1
    assert sum(step.startswith("login") for step, _ in _steps(s)) == 1


def test_a_replaced_token_is_logged_out(box: Sandbox) -> None:
    s = signzy.session(signzy.Credentials.of(**box.credentials), box.url)
    old = s.require_token()
    new = s.require_token("forced")
    assert new.access_token != old.access_token
    assert _steps(s)[-2:] == [("login (forced)", 200), ("logout (replaced (forced))", 204)]
    assert box.control.counts()["live_tokens"] == 1


def test_the_business_call_uses_the_logged_in_channel(box: Sandbox) -> None:
    s = signzy.session(signzy.Credentials.of("kid", "kid-password-0123456789abcdef-01"), box.url)
    parent = signzy.session(signzy.Credentials.of(**box.credentials), box.url)
    signzy.create_child(parent, "kid", "kid-password-0123456789abcdef-01", email="kid@example.invalid")
    assert signzy.PROVIDER.business.path_for(s) == "api/channels/ch-2"


def test_used_on_its_own_a_denial_is_checked_not_retried(box: Sandbox) -> None:
    auth = signzy.SignzyAuth(signzy.Credentials.of(**box.credentials), box.url)
    denied = requests.get(box.url_for("api/channels/ch-99"), auth=auth, timeout=10)
    assert denied.status_code == 401 and denied.history == []  # the token still reads ch-1: no new login
    token = auth.token().access_token.reveal()
    requests.post(box.url_for("api/channels/logout"), headers={"Authorization": token}, timeout=10)
    again = requests.get(box.url_for("api/channels/ch-1"), auth=auth, timeout=10)
    assert again.status_code == 200 and [r.status_code for r in again.history] == [401]
    assert auth.token().access_token.reveal() != token and box.control.counts()["live_tokens"] == 1
