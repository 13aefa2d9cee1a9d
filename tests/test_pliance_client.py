"""The Pliance client: a fresh documented token per request, X-Tenant, certificates, typed errors."""

import itertools
from typing import TYPE_CHECKING

import jwt
import pytest
import requests

import kit
from kit.providers import pliance
from kit.sandbox import Sandbox

if TYPE_CHECKING:  # a type for the checker: PyJWT names it from 2.10.1 on, and kit's floor is 2.10
    from jwt.types import Options

HEX_SECRET = "4f1c2a9e7b3d5f608e1a2c4b6d8f0a1c4f1c2a9e7b3d5f608e1a2c4b6d8f0a1c"


def creds(**over: object) -> pliance.Credentials:
    return pliance.Credentials.of(
        **{"secret": HEX_SECRET, "issuer": "acme", "given_name": "Ada", "subject": "u-1", **over}
    )


def capture(session: requests.Session) -> list[requests.PreparedRequest]:
    seen: list[requests.PreparedRequest] = []
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request))
    return seen


def test_secret_is_wrapped_and_key_is_its_utf8_bytes_not_hex() -> None:
    c = creds()
    assert isinstance(c.secret, kit.Secret) and HEX_SECRET not in repr(c)
    token = pliance.mint_token(c, now=1_800_000_000)
    opts: Options = {"verify_exp": False, "verify_nbf": False, "verify_iat": False}
    assert jwt.decode(token, HEX_SECRET.encode("utf-8"), algorithms=["HS256"], audience="pliance.io", options=opts)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, bytes.fromhex(HEX_SECRET), algorithms=["HS256"], audience="pliance.io", options=opts)


def test_non_ascii_secret_is_accepted_by_the_sandbox() -> None:
    secret = "sécret-ünïcode-0123456789abcdef-0123456789"
    with kit.sandbox.start("pliance", credentials={"secret": secret}) as box:
        session = pliance.session(pliance.Credentials.of(**box.credentials), box.url)
        assert session.call("GET", "api/Ping")["success"] is True


def test_auth_mints_a_fresh_token_for_every_request(pliance_box: Sandbox) -> None:
    ticks = itertools.count(1_795_000_000, 7)
    session = pliance.session(pliance.Credentials.of(**pliance_box.credentials), pliance_box.url)
    session.auth = pliance.PlianceAuth(
        session.auth_as(pliance.PlianceAuth).credentials, clock=lambda: float(next(ticks))
    )
    seen = capture(session)
    with pytest.raises(kit.AuthError):  # the fake clock is far in the past: the server says expired
        session.call("GET", "api/Ping")
    session.get("api/Ping")
    tokens = [str(r.headers["Authorization"]).removeprefix("Bearer ") for r in seen]
    assert len(set(tokens)) == 2
    iats = [jwt.decode(t, options={"verify_signature": False})["iat"] for t in tokens]
    assert iats == [1_795_000_000, 1_795_000_007]


def test_tenant_header_only_when_a_tenant_is_set(pliance_box: Sandbox) -> None:
    base = pliance.Credentials.of(**pliance_box.credentials)
    for tenant, expected in ((None, None), ("t-9", "t-9")):
        session = pliance.session(base.replace(tenant=tenant), pliance_box.url)
        seen = capture(session)
        session.get("api/Ping")
        assert seen[0].headers.get("X-Tenant") == expected


def test_client_certificate_goes_to_requests_cert() -> None:
    session = pliance.session(creds(cert="/path/client.pem"), "https://x.example/")
    assert session.cert == "/path/client.pem"


def test_auth_equality_and_repr_hide_the_secret() -> None:
    a, b = pliance.PlianceAuth(creds()), pliance.PlianceAuth(creds())
    assert a == b and a != pliance.PlianceAuth(creds(issuer="other"))
    assert HEX_SECRET not in repr(a) and "acme" in repr(a)
    assert isinstance(a, requests.auth.AuthBase)


def test_rejected_token_raises_auth_error_with_status_and_code(pliance_box: Sandbox) -> None:
    bad = pliance.Credentials.of(**{**pliance_box.credentials, "secret": "wrong-secret-0123456789abcdef-0123456"})
    with pytest.raises(kit.AuthError) as info:
        pliance.session(bad, pliance_box.url).call("GET", "api/Ping")
    err = info.value
    assert (err.status, err.code, err.detail) == (401, "invalid_token", "The signature is invalid")
    assert err.provider == "pliance" and err.url == "/api/Ping"


def test_business_failure_raises_api_error_not_auth_error(pliance_box: Sandbox) -> None:
    session = pliance.session(pliance.Credentials.of(**pliance_box.credentials), pliance_box.url)
    with pytest.raises(kit.ApiError) as info:
        session.call("GET", "api/PersonQuery", params={"personReferenceId": "missing"})
    assert not isinstance(info.value, kit.AuthError)
    assert (info.value.status, info.value.code) == (200, "Error")


def test_failure_modes_table(pliance_target: kit.Target) -> None:
    table = kit.failure_modes(pliance_target)
    assert list(table.columns) == ["case", "status", "www_authenticate", "message", "time (UTC)", "source"]
    assert table.set_index("case").loc["expired 10 min ago", "message"] == "The token expired at"
    assert table.set_index("case").loc["expired 10 min ago", "time (UTC)"].endswith("Z")
    assert len(table) == 13 and set(table["status"]) == {401}
    # JwtBearer describes no refused algorithm: the challenge alone, no body, nothing in the message column
    assert tuple(table.set_index("case").loc["alg none", ["www_authenticate", "message"]]) == (
        'Bearer error="invalid_token"',
        "",
    )
    assert "eyJ" not in table.to_string()


def test_a_token_is_minted_once_per_second_and_is_what_minting_again_gives() -> None:
    """iat has one-second resolution and HS256 is deterministic: within a second, reuse is exact."""
    secret = "mint-test-secret-0123456789abcdef-01234"
    creds = pliance.Credentials.of(secret=secret, issuer="i", given_name="g", subject="s")
    now = [1_800_000_000.2]
    auth = pliance.PlianceAuth(creds, clock=lambda: now[0])
    first = auth.mint()
    assert first == pliance.mint_token(creds, now=now[0])
    now[0] += 0.7  # the same second
    assert auth.mint() == first == pliance.mint_token(creds, now=now[0])
    now[0] += 0.2  # the next second: a new token
    assert auth.mint() != first and auth.mint() == pliance.mint_token(creds, now=now[0])
    auth.credentials = creds.replace(given_name="h")  # other credentials: minted afresh at once
    assert auth.mint() == pliance.mint_token(auth.credentials, now=now[0])
