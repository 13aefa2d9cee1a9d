"""The Synerise client: a login per consumer type, Api-Version, refresh before expiry, retry once."""

import json
import signal
import subprocess
import sys
from typing import Any

import jwt
import pytest
from clocks import Clock

import kit
from kit.providers import synerise
from kit.providers.synerise.probes import hs512_forgery
from kit.sandbox import Sandbox, start
from kit.secrets import MASK


def creds_of(box: Sandbox, **over: object) -> synerise.Credentials:
    return synerise.Credentials.of(**{**box.credentials, **over})


def steps(s: kit.Session[Any]) -> list[tuple[str, int | None]]:
    return [(e.step, e.status) for e in s.journal.entries]


def happened(s: kit.Session[Any]) -> list[tuple[str, str, str, int | None]]:
    """(kind, action, reason, status) of every exchange: what happened, read from structured fields."""
    return [(e.kind, e.action, e.reason, e.status) for e in s.journal.entries]


@pytest.mark.parametrize(
    "consumer, path", [("workspace", "v4/business-profile"), ("client", "sauth/my-account/personal-information")]
)
def test_each_consumer_logs_in_and_sends_bearer_and_api_version(consumer: str, path: str) -> None:
    with start("synerise") as box:
        s = synerise.session(creds_of(box), box.url, consumer=consumer)
        assert s.call("GET", path, step="call")
        call = [e for e in s.journal.entries if e.step == "call"][0]
        assert call.request_headers["Api-Version"] == "4.4"
        assert call.request_headers["Authorization"].startswith(f"Bearer {MASK}")
        assert happened(s)[0] == ("auth", "login", "absent", 200)
        assert steps(s)[0] == (f"login {consumer} (absent)", 200)  # the label people read


def test_user_token_cannot_act_in_a_workspace_until_one_is_selected() -> None:
    with start("synerise") as box:
        s = synerise.session(creds_of(box, user_workspace=None), box.url, consumer="user")
        with pytest.raises(kit.AuthError) as info:
            s.call("GET", "v4/business-profile")
        assert (info.value.status, info.value.code) == (403, "Forbidden") and "Select a workspace" in str(info.value)


def test_a_user_in_a_workspace_may_do_what_its_permissions_allow() -> None:
    with start("synerise") as box:
        s = synerise.session(creds_of(box), box.url, consumer="user")
        assert s.call("GET", "v4/business-profile")["businessProfileId"] == 101  # BUSINESS_PROFILE_READ
        steps = [(e.action, e.status) for e in s.journal.entries][:3]
        assert steps == [("login", 200), ("confirm MFA", 200), ("select workspace", 200)]
        claims = jwt.decode(s.require_token().access_token.reveal(), options={"verify_signature": False})
        assert (claims["bpid"], claims["permissions"]) == (101, ["BUSINESS_PROFILE_READ"])
        with pytest.raises(kit.AuthError, match="lacks the permission CLIENTS_READ"):
            s.call("GET", "v4/clients")
        box.control.set(user_permissions="BUSINESS_PROFILE_READ,CLIENTS_READ")
        s.token("forced")
        assert [c["clientId"] for c in s.call("GET", "v4/clients")] == ["client-0001", "client-0002"]


def test_login_tables_mask_keys_and_passwords() -> None:
    with start("synerise") as box:
        c = creds_of(box)
        for consumer in synerise.CONSUMERS:
            table = synerise.login_table(c, box.url, consumer)
            text = table.to_string()
            for secret in (c.workspace_api_key, c.client_api_key, c.client_password, c.user_password):
                assert secret is not None and secret.reveal() not in text
            assert MASK in text


def test_missing_fields_for_a_consumer_type_are_a_config_error() -> None:
    with pytest.raises(kit.ConfigError, match="needs client_api_key, client_email, client_password"):
        synerise.session(synerise.Credentials.of(workspace_api_key="k" * 36), "http://x/", consumer="client")
    with pytest.raises(kit.ConfigError, match="unknown consumer type"):
        synerise.session(synerise.Credentials(), "http://x/", consumer="admin")


@pytest.mark.parametrize("consumer, how", [("workspace", "refresh"), ("client", "refresh"), ("user", "login")])
def test_renewal_before_expiry(consumer: str, how: str) -> None:
    clock = Clock()
    with start("synerise", lifetime=3) as box:
        cache = kit.MemoryTokenCache(margin=2, clock=clock)
        s = synerise.session(creds_of(box), box.url, consumer=consumer, cache=cache)
        first = s.require_token()
        clock.advance(1.7)  # inside the renewal window of a 3 s token (half its life: 1.5 s), still valid
        box.control.advance(1.7)  # the same time passes on the server's clock
        second = s.require_token()
        assert second != first and second.expires_at > first.expires_at
        if consumer == "user":  # a user's login is followed by its workspace selection
            assert happened(s)[-2:] == [
                ("auth", "login", "expiring", 200),
                ("auth", "select workspace", "expiring", 200),
            ]
        else:
            assert happened(s)[-1] == ("auth", how, "expiring", 200)
        labels = [step for step, _ in steps(s)]
        assert (
            labels[-1]
            == {
                "workspace": "refresh workspace token (expiring)",
                "client": "refresh client token (expiring)",
                "user": "select workspace 101 (expiring)",
            }[consumer]
        )
        diff = kit.claims_diff(first.access_token, second.access_token)
        assert set(diff["name"]) >= {"iat", "exp", "ctd", "signature"}


def test_refresh_refused_falls_back_to_login() -> None:
    clock = Clock()
    with start("synerise", lifetime=3) as box:
        cache = kit.MemoryTokenCache(margin=2, clock=clock)
        s = synerise.session(creds_of(box), box.url, consumer="workspace", cache=cache)
        s.require_token()
        box.control.rotate_key(keep_previous=False)  # refresh now fails
        clock.advance(1.7)  # inside the renewal window (half of 3 s), still valid
        box.control.advance(1.7)
        s.require_token()
        assert [(a, r) for _, a, r, _ in happened(s)][-2:] == [("refresh", "expiring"), ("login", "refresh refused")]
        assert [st for st, _ in steps(s)][-2:] == [
            "refresh workspace token (expiring)",
            "login workspace (refresh refused)",
        ]


def test_token_expired_is_retried_exactly_once() -> None:
    with start("synerise", lifetime=60) as box:
        s = synerise.session(creds_of(box), box.url, consumer="workspace", cache=kit.MemoryTokenCache(margin=0))
        s.require_token()
        # the server's clock jumps 90 s ahead: the cached token (60 s) is expired for it, a new one (1 h) is not
        box.control.set(clock_ahead=90, lifetime=3600)
        assert s.call("GET", "v4/business-profile", step="call")["businessProfileId"] == 101
        assert steps(s)[-3:] == [
            ("call", 401),
            ("login workspace (401)", 200),
            ('call · retry after 401 "Token expired."', 200),
        ]
        assert happened(s)[-3:] == [
            ("business", "call", "", 401),
            ("auth", "login", "401", 200),
            ("business", "call", "401", 200),
        ]
        assert (s.journal.entries[-1].attempt, s.journal.entries[-1].retry_after) == (2, '401 "Token expired."')


def test_a_second_token_expired_raises() -> None:
    with start("synerise", lifetime=60, clock_ahead=120) as box:  # every token is expired for the server
        s = synerise.session(creds_of(box), box.url, consumer="workspace", cache=kit.MemoryTokenCache(margin=0))
        with pytest.raises(kit.AuthError) as info:
            s.call("GET", "v4/business-profile", step="call")
        assert (info.value.status, info.value.code) == (401, "Token expired.")
        assert [status for _, status in steps(s)] == [200, 401, 200, 401]


def test_verify_token_pins_rs512() -> None:
    with start("synerise") as box:
        s = synerise.session(creds_of(box), box.url)
        pem = synerise.public_key(s)
        table = synerise.verify_token(s.require_token(), pem)
        assert table.attrs["verified"] is True
        payload = jwt.decode(s.require_token().access_token.reveal(), options={"verify_signature": False})
        forged = hs512_forgery(payload, pem)
        checks = dict(zip(*[synerise.verify_token(forged, pem)[c] for c in ("name", "check")], strict=True))
        assert checks["alg"] == "alg not allowed" and checks["signature"] == "alg not allowed"


def test_cli_line_carries_the_public_key() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kit.sandbox", "serve", "--json", "synerise"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = json.loads(proc.stdout.readline())
        assert line["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
        assert set(line["credentials"]) == {
            "workspace_api_key",
            "client_api_key",
            "client_email",
            "client_password",
            "user_username",
            "user_password",
            "user_workspace",
            "user_totp_secret",
            "workspace_guid",
        }
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
