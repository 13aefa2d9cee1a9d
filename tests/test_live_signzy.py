"""kit's Signzy client in live mode against a real LoopBack 3 app: the whole flow, and `kit conformance`.

The app (``tests/conformance/loopback``) is reached as a live provider is: ``SIGNZY_URL`` and the
credential env vars. Nothing here talks to the Signzy sandbox except ``conformance``, which compares.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from realservers import loopback_app

import kit
from kit.providers import signzy
from kit.providers.signzy.sandbox import DEMO, SEED_EMAIL

USER, PASSWORD = DEMO["username"], DEMO["password"]
NEW_PASSWORD = "kit-second-signzy-password-0123456789"
KID_PASSWORD = "kit-child-password-0123456789abcdef"


@pytest.fixture
def app() -> Iterator[str]:
    with loopback_app(USER, PASSWORD, SEED_EMAIL) as url:
        yield url


def _env(url: str, password: str = PASSWORD) -> dict[str, str]:
    return {"SIGNZY_URL": url, "SIGNZY_USERNAME": USER, "SIGNZY_PASSWORD": password}


def _steps(s: kit.Session[Any]) -> list[tuple[str, int | None]]:
    return [(e.step, e.status) for e in s.journal.entries]


def test_the_whole_signzy_flow_against_loopback(app: str) -> None:
    target = kit.connect("signzy", environ=_env(app))
    assert target.mode == "live"
    s = target.session()
    assert signzy.me(s) == "ch-1"  # from the login answer's userId
    assert s.call("GET", "api/channels/ch-1", step="header")["username"] == USER
    with pytest.warns(signzy.QueryTokenWarning):
        q = target.session(transport="query", logout_on_close=False)
    assert q.call("GET", "api/channels/ch-1", step="query")["id"] == "ch-1"
    call = target.provider.business
    assert s.call(call.method, call.path_for(s), json=call.body)["id"] == "ch-1"
    assert s.call("POST", "api/channels/ch-1/onboardings", json={"name": "Ada"})["channelId"] == "ch-1"

    kid = signzy.create_child(s, "kid", KID_PASSWORD, email="kid@example.invalid")
    assert list(signzy.list_children(s)["username"]) == ["kid"]
    kid_session = signzy.session(signzy.Credentials.of("kid", KID_PASSWORD), app, logout_on_close=False)
    assert signzy.me(kid_session) == kid["id"]
    signzy.delete_child(s, kid["id"])  # a real 204 (Content-Type JSON, empty body) is no error

    logins = sum(step.startswith("login") for step, _ in _steps(s))
    row = kit.refused(s, "GET", "api/channels/someone-else").iloc[0]
    assert (row["status"], row["code"]) == (401, "AUTHORIZATION_REQUIRED")
    assert sum(step.startswith("login") for step, _ in _steps(s)) == logins  # a denial is not a stale token
    assert _steps(s)[-1] == ("check (401 AUTHORIZATION_REQUIRED)", 200)

    new = signzy.change_password(s, PASSWORD, NEW_PASSWORD)  # 204; LoopBack ends the query session's token
    assert new.password.reveal() == NEW_PASSWORD and s.call("GET", "api/channels/ch-1")["id"] == "ch-1"
    again = kit.connect("signzy", environ=_env(app, NEW_PASSWORD)).session(logout_on_close=False)
    assert signzy.me(again) == "ch-1"  # a fresh login with the new password

    token = s.require_token().access_token.reveal()
    elsewhere = requests.post(f"{app}api/channels/logout", headers={"Authorization": token}, timeout=10)
    assert elsewhere.status_code == 204
    assert s.call("GET", "api/channels/ch-1", step="after a logout elsewhere")["id"] == "ch-1"
    assert _steps(s)[-4:] == [
        ("after a logout elsewhere", 401),
        ("check (401 AUTHORIZATION_REQUIRED)", 401),
        ("login (401)", 200),
        ("after a logout elsewhere · retry after 401 AUTHORIZATION_REQUIRED", 200),
    ]
    last = s.require_token().access_token.reveal()
    s.close()  # logs out
    assert _steps(s)[-1] == ("logout", 204)
    gone = requests.get(f"{app}api/channels/ch-1", headers={"Authorization": last}, timeout=10)
    assert gone.status_code == 401 and gone.json()["error"]["code"] == "AUTHORIZATION_REQUIRED"


def test_a_short_ttl_logs_in_once_and_the_answer_is_honoured(app: str) -> None:
    s = kit.connect("signzy", environ=_env(app)).session(ttl=20, logout_on_close=False)
    for _ in range(3):
        s.call("GET", "api/channels/ch-1")
    assert sum(step.startswith("login") for step, _ in _steps(s)) == 1
    assert s.require_token().lifetime == 20  # LoopBack honours a login's ttl as asked


def test_kit_conformance_against_loopback(app: str) -> None:
    target = kit.connect("signzy", environ=_env(app))
    table = kit.conformance(target)
    assert len(table) == 11 and table["same"].tolist() == [True] * 11, table.to_string()
    assert all(source.startswith("inferred: LoopBack 3") for source in table["source"])


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SIGNZY_")}
    return subprocess.run(
        [sys.executable, "-m", "kit", *args], env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def test_the_conformance_command_against_loopback(app: str) -> None:
    done = _cli("conformance", "signzy", env=_env(app))
    assert done.returncode == 0, done.stderr
    assert "another channel's id" in done.stdout and "401 AUTHORIZATION_REQUIRED" in done.stdout
    assert "11 probes sent to both, 0 answered otherwise" in done.stderr
    assert PASSWORD not in done.stdout + done.stderr


def test_the_conformance_command_exit_codes(app: str) -> None:
    unusable = _cli("conformance", "signzy", env={})
    assert unusable.returncode == 2 and "set SIGNZY_URL" in unusable.stderr
    refused = _cli("conformance", "signzy", env=_env(app, "x" * 32))  # a wrong password: no probe can run
    assert refused.returncode == 2 and "LOGIN_FAILED" in refused.stderr
