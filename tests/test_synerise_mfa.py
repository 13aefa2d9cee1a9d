"""Synerise users confirm a TOTP code before selecting a workspace; a workspace may send Basic instead of a token.

Over real sockets against the sandbox. The codes the sandbox is sent are computed here with RFC 4226/6238 by hand
(hmac and struct), not with the library kit and the sandbox use, so a shared mistake would show.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from collections.abc import Iterator

import pytest
import requests

import kit
from kit.providers import synerise
from kit.sandbox import Sandbox, start

MFA = "uauth/auth/login/user/mfa/verification"


def rfc6238(secret_b32: str, at: float, digits: int = 6, step: int = 30) -> str:
    """RFC 6238 TOTP over RFC 4226 HOTP with HMAC-SHA1, written out."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(at // step)), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


@pytest.fixture
def box() -> Iterator[Sandbox]:
    with start("synerise") as sandbox:
        yield sandbox
        sandbox.check()


def creds(box: Sandbox, **over: object) -> synerise.Credentials:
    return synerise.Credentials.of(**{**box.credentials, **over})


def _login(box: Sandbox, device: str = "test-device") -> dict[str, object]:
    body = {"username": box.credentials["user_username"], "password": box.credentials["user_password"]}
    answer = requests.post(box.url_for("uauth/auth/login/user"), json={**body, "deviceId": device}, timeout=10)
    assert answer.status_code == 200
    return dict(answer.json())


def _confirm(box: Sandbox, token: object, code: str, kind: str = "TOTP_AUTHENTICATOR") -> requests.Response:
    return requests.post(
        box.url_for(MFA),
        params={"mfaType": kind},
        headers={"Authorization": f"Bearer {token}"},
        json={"verificationCode": code, "deviceId": "test-device"},
        timeout=10,
    )


@pytest.mark.parametrize(
    "at, code", [(59, "94287082"), (1111111109, "07081804"), (1234567890, "89005924"), (2000000000, "69279037")]
)
def test_totp_code_is_rfc_6238(at: int, code: str) -> None:
    """RFC 6238 appendix B, SHA-1, 8 digits, with the RFC's secret "12345678901234567890"."""
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert synerise.totp_code(secret, at=at, digits=8) == code == rfc6238(secret, at, digits=8)
    with pytest.raises(kit.ConfigError, match="base32"):
        synerise.totp_code("not base32!", at=at)


def test_the_demo_user_confirms_mfa_before_it_may_select_a_workspace(box: Sandbox) -> None:
    login = _login(box)
    assert login["mfaMethods"] == ["TOTP_AUTHENTICATOR"]  # as the user-login page shows it
    select = box.url_for("kit-sandbox/synerise/user/select-workspace/101")
    early = requests.post(select, headers={"Authorization": f"Bearer {login['token']}"}, timeout=10)
    assert early.status_code == 403 and "multi-factor" in early.json()["message"]
    secret = box.credentials["user_totp_secret"]
    code = rfc6238(secret, time.time())
    near = {rfc6238(secret, time.time() + delta) for delta in (-30, 0, 30)}  # what the sandbox may accept
    wrong = _confirm(box, login["token"], next(f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in near))
    assert wrong.status_code == 401 and wrong.json()["message"] == "Invalid verification code"
    confirmed = _confirm(box, login["token"], code)
    assert confirmed.status_code == 200, confirmed.text
    assert set(confirmed.json()) == {"token", "consumer", "mfaMethods"}  # the login's answer, the docs say
    again = _confirm(box, login["token"], code)  # RFC 6238 5.2: never the same code twice
    assert again.status_code == 401 and again.json()["message"] == "Verification code already used"
    chosen = requests.post(select, headers={"Authorization": f"Bearer {confirmed.json()['token']}"}, timeout=10)
    assert chosen.status_code == 200
    assert _login(box)["mfaMethods"] == []  # the device is trusted for 8 hours (the user-login page)
    assert _login(box, "another-device")["mfaMethods"] == ["TOTP_AUTHENTICATOR"]


@pytest.mark.parametrize("kind, status", [("EMAIL", 400), ("SMS", 400), ("", 400)])
def test_other_mfa_types_are_refused(box: Sandbox, kind: str, status: int) -> None:
    login = _login(box)
    code = rfc6238(box.credentials["user_totp_secret"], time.time())
    assert _confirm(box, login["token"], code, kind).status_code == status


def test_kit_confirms_with_the_totp_secret_a_given_code_or_says_what_is_missing(box: Sandbox) -> None:
    s = synerise.session(creds(box), box.url, consumer="user")
    assert s.call("GET", "v4/business-profile")["businessProfileId"] == 101
    steps = [e.action for e in s.journal.entries]
    assert steps == ["login", "confirm MFA", "select workspace", "call"]
    assert "TOTP_AUTHENTICATOR" in s.journal.entries[1].url
    assert box.credentials["user_totp_secret"] not in str(kit.journal(s).to_dict())
    code = rfc6238(box.credentials["user_totp_secret"], time.time())
    assert code not in str(kit.journal(s)["request_body"].tolist())  # the code is masked like a password
    given = synerise.session(
        creds(box, user_totp_secret=None, user_device_id="a-phone"),
        box.url,
        consumer="user",
        mfa_code=lambda: rfc6238(box.credentials["user_totp_secret"], time.time() - 30),  # the step before: allowed
    )
    assert given.call("GET", "v4/business-profile")["businessProfileId"] == 101
    missing = synerise.session(creds(box, user_totp_secret=None, user_device_id="a-laptop"), box.url, consumer="user")
    with pytest.raises(kit.ConfigError, match="SYNERISE_USER_TOTP_SECRET"):
        missing.call("GET", "v4/business-profile")
    box.control.set(user_mfa=False)
    plain = synerise.session(creds(box, user_totp_secret=None, user_device_id="a-tablet"), box.url, consumer="user")
    plain.call("GET", "v4/business-profile")
    assert [e.action for e in plain.journal.entries][:2] == ["login", "select workspace"]


def test_a_workspace_sends_its_guid_and_api_key_as_basic(box: Sandbox) -> None:
    """The profile-login page: the GUID as the login and the API key as the password, no expiry; the bytes on the
    wire are base64 of exactly 'GUID:key', as the PHP SDK's BasicAuthenticationProvider builds them."""
    c = box.credentials
    pair = base64.b64encode(f"{c['workspace_guid']}:{c['workspace_api_key']}".encode()).decode()
    raw = requests.get(box.url_for("v4/clients"), headers={"Authorization": f"Basic {pair}"}, timeout=10)
    assert raw.status_code == 200 and raw.json()[0]["clientId"] == "client-0001"
    s = synerise.session(creds(box), box.url, scheme="basic")
    assert s.call("GET", "v4/business-profile")["businessProfileId"] == 101
    assert s.journal.entries[-1].action == "call" and len(s.journal.entries) == 1  # no login, no token
    sent = requests.Request("GET", box.url_for("v4/clients")).prepare()
    synerise.WorkspaceBasicAuth(c["workspace_guid"], c["workspace_api_key"]).apply(sent)
    assert sent.headers["Authorization"] == f"Basic {pair}"  # the bytes the PHP SDK sends
    wrong = synerise.session(creds(box, workspace_api_key="x" * 36), box.url, scheme="basic")
    with pytest.raises(kit.AuthError) as info:
        wrong.call("GET", "v4/clients")
    assert info.value.status == 401
    customers_only = requests.get(
        box.url_for("sauth/my-account/personal-information"), headers={"Authorization": f"Basic {pair}"}, timeout=10
    )
    assert customers_only.status_code == 403  # Basic is a workspace's: a customer's endpoint refuses it
    with pytest.raises(kit.ConfigError, match="workspace"):
        synerise.session(creds(box), box.url, consumer="user", scheme="basic")
    with pytest.raises(kit.ConfigError, match="workspace_guid"):
        synerise.session(creds(box, workspace_guid=None), box.url, scheme="basic")


def test_kit_connect_reads_the_totp_secret_and_the_guid_from_env(box: Sandbox) -> None:
    env = {"SYNERISE_URL": box.url, **{f"SYNERISE_{k.upper()}": v for k, v in box.credentials.items()}}
    with kit.connect("synerise", environ=env, allow_http=True) as target:
        assert target.session(consumer="user").call("GET", "v4/business-profile")["businessProfileId"] == 101
        assert target.session(scheme="basic").call("GET", "v4/clients")
        assert "NNUXILLE" not in repr(target.credentials)


@pytest.mark.parametrize("code", ["³³³³³³", "١٢٣٤٥٦", "12345", "1234567", "12 456", ""])
def test_a_code_that_is_not_six_ascii_digits_is_400_and_kit_will_not_send_it(box: Sandbox, code: str) -> None:
    login = _login(box, "digits-device")
    assert _confirm(box, login["token"], code).status_code == 400
    given = creds(box, user_totp_secret=None, user_device_id="d2")
    s = synerise.session(given, box.url, consumer="user", mfa_code=code)
    with pytest.raises(kit.ConfigError, match="six digits"):
        s.call("GET", "v4/business-profile")
