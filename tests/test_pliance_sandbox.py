"""The Pliance sandbox's bad-input catalogue, each case over a real socket."""

import time
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from kit.providers import pliance
from kit.sandbox import Sandbox, start

ZERO = "0" * 64
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def creds_of(box: Sandbox, **over: Any) -> pliance.Credentials:
    return pliance.Credentials(**{**box.credentials, **over})


def claims_for(box: Sandbox, **over: Any) -> dict[str, Any]:
    now = int(time.time())
    c = box.credentials
    return {
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "aud": "pliance.io",
        "iss": c["issuer"],
        "given_name": c["given_name"],
        "sub": c["subject"],
        **over,
    }


def hs(box: Sandbox, claims: dict[str, Any], key: bytes | None = None, alg: str = "HS256") -> str:
    return jwt.encode(claims, key or box.credentials["secret"].encode(), algorithm=alg)


def get(box: Sandbox, authorization: str | None, path: str = "api/Ping", **headers: str) -> requests.Response:
    if authorization is not None:
        headers["Authorization"] = authorization
    return requests.get(box.url_for(path), headers=headers, timeout=10)


def assert_envelope(r: requests.Response, status: int, message: str, challenge: str | None = None) -> None:
    assert r.status_code == status
    body = r.json()
    assert body == {"status": "Error", "success": False, "message": body["message"], "checkpoint": ZERO}
    assert message in body["message"]
    if challenge is not None:
        assert r.headers["WWW-Authenticate"] == challenge


def test_good_token_pings(pliance_box: Sandbox) -> None:
    r = get(pliance_box, "Bearer " + pliance.mint_token(creds_of(pliance_box)))
    assert r.status_code == 200
    assert r.json() == {"status": "Success", "success": True, "message": None, "checkpoint": ZERO}


def test_minted_token_has_exactly_the_documented_header_and_claims(pliance_box: Sandbox) -> None:
    token = pliance.mint_token(creds_of(pliance_box), now=1_800_000_000)
    header_b64 = token.split(".")[0]
    assert jwt.utils.base64url_decode(header_b64) == b'{"typ":"JWT","alg":"HS256"}'
    claims = jwt.decode(
        token,
        pliance_box.credentials["secret"].encode("utf-8"),
        algorithms=["HS256"],
        audience="pliance.io",
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    c = pliance_box.credentials
    assert claims == {
        "iat": 1_800_000_000,
        "nbf": 1_800_000_000,
        "exp": 1_800_000_300,
        "aud": "pliance.io",
        "iss": c["issuer"],
        "given_name": c["given_name"],
        "sub": c["subject"],
    }


INVALID = 'Bearer error="invalid_token"'


def assert_challenge(r: requests.Response, challenge: str) -> None:
    """JwtBearer's 401: the challenge (``…`` at its end: a description starting so) and an empty body."""
    assert r.status_code == 401 and r.content == b""
    said = r.headers["WWW-Authenticate"]
    assert said.startswith(challenge[:-1]) if challenge.endswith("…") else said == challenge, said


def described(text: str) -> str:
    return f'{INVALID}, error_description="{text}'


@pytest.mark.parametrize(
    "case, challenge",
    [
        ("none", "Bearer"),
        ("basic", "Bearer"),
        ("malformed", INVALID),  # CreateErrorDescription names no malformed token, no algorithm, no missing claim
        ("bad signature", described('The signature is invalid"')),
        ("alg none", INVALID),
        ("alg RS256", INVALID),
        ("alg HS512", INVALID),
        ("expired", described("The token expired at …")),
        ("nbf future", described("The token is not valid before …")),
        ("wrong aud", described("The audience 'example.com' is invalid\"")),
        ("unknown iss", described("The issuer 'someone-else' is invalid\"")),
        ("no sub", INVALID),
        ("no given_name", INVALID),
        ("no exp", described('The token has no expiration"')),
    ],
)
def test_bad_tokens_get_jwtbearers_challenge_and_no_body(pliance_box: Sandbox, case: str, challenge: str) -> None:
    """As ASP.NET Core's JwtBearer answers (JwtBearerHandler.HandleChallengeAsync, CreateErrorDescription)."""
    box = pliance_box
    now = int(time.time())
    key = box.credentials["secret"].encode()
    tokens = {
        "none": None,
        "basic": "Basic ZGVtbzpkZW1v",
        "malformed": "Bearer abc.def",
        "bad signature": "Bearer " + hs(box, claims_for(box), b"k" * 40),
        "alg none": "Bearer " + jwt.encode(claims_for(box), "", algorithm="none"),
        "alg RS256": "Bearer " + jwt.encode(claims_for(box), RSA_KEY, algorithm="RS256"),
        "alg HS512": "Bearer " + hs(box, claims_for(box), key + key, "HS512"),
        "expired": "Bearer " + hs(box, claims_for(box, exp=now - 301, iat=now - 600, nbf=now - 600)),
        # 30 s past the 300 s skew: at now + 301 a second ticking before the check let it through (floors run)
        "nbf future": "Bearer " + hs(box, claims_for(box, nbf=now + 330, exp=now + 900)),
        "wrong aud": "Bearer " + hs(box, claims_for(box, aud="example.com")),
        "unknown iss": "Bearer " + hs(box, claims_for(box, iss="someone-else")),
        "no sub": "Bearer " + hs(box, {k: v for k, v in claims_for(box).items() if k != "sub"}),
        "no given_name": "Bearer " + hs(box, {k: v for k, v in claims_for(box).items() if k != "given_name"}),
        "no exp": "Bearer " + hs(box, {k: v for k, v in claims_for(box).items() if k != "exp"}),
    }
    assert_challenge(get(box, tokens[case]), challenge)


def test_clock_skew_tolerates_five_minutes_by_default(pliance_box: Sandbox) -> None:
    now = int(time.time())
    late = hs(pliance_box, claims_for(pliance_box, exp=now - 200, iat=now - 500, nbf=now - 500))
    assert get(pliance_box, "Bearer " + late).status_code == 200
    with start("pliance", clock_skew=0) as strict:
        late = hs(strict, claims_for(strict, exp=now - 2, iat=now - 300, nbf=now - 300))
        assert_challenge(get(strict, "Bearer " + late), described("The token expired at …"))


def test_multitenancy_requires_x_tenant_and_isolates_data() -> None:
    with start("pliance", multitenancy=True) as box:
        creds = creds_of(box)
        assert creds.tenant == "tenant-a"
        token = "Bearer " + pliance.mint_token(creds)
        assert_envelope(get(box, token), 400, "X-Tenant header is required")
        person = {"personReferenceId": "p-1", "firstName": "Ada", "lastName": "Lovelace"}
        put = requests.put(
            box.url_for("api/PersonCommand"),
            json=person,
            timeout=10,
            headers={"Authorization": token, "X-Tenant": "tenant-a"},
        )
        assert put.status_code == 200 and put.json()["data"]["personReferenceId"] == "p-1"
        assert len(put.json()["checkpoint"]) == 64 and put.json()["checkpoint"] != ZERO
        mine = get(box, token, "api/PersonQuery?personReferenceId=p-1", **{"X-Tenant": "tenant-a"})
        assert mine.json()["data"]["lastName"] == "Lovelace"
        theirs = get(box, token, "api/PersonQuery?personReferenceId=p-1", **{"X-Tenant": "tenant-b"})
        assert_envelope(theirs, 200, "Person 'p-1' not found")


def test_ip_not_allowed() -> None:
    with start("pliance", allowed_ips="10.0.0.0/8") as box:
        r = get(box, "Bearer " + pliance.mint_token(creds_of(box)))
        assert_envelope(r, 403, "IP address 127.0.0.1 is not allowed")
    with start("pliance", allowed_ips="127.0.0.1") as box:
        assert get(box, "Bearer " + pliance.mint_token(creds_of(box))).status_code == 200


def test_mtls_requires_a_client_certificate() -> None:
    with start("pliance", mtls=True) as box:
        assert box.url.startswith("https://") and box.client_cert and box.ca_bundle
        token = "Bearer " + pliance.mint_token(creds_of(box))
        r = requests.get(box.url_for("api/Ping"), headers={"Authorization": token}, verify=box.ca_bundle, timeout=10)
        assert_envelope(r, 403, "A client certificate is required")
        r = requests.get(
            box.url_for("api/Ping"),
            headers={"Authorization": token},
            verify=box.ca_bundle,
            cert=box.client_cert,
            timeout=10,
        )
        assert r.status_code == 200


@pytest.mark.parametrize(
    "method, path, body, status, message",
    [
        ("PUT", "api/PersonCommand", "{not json", 400, "not valid JSON"),
        ("PUT", "api/PersonCommand", "[1]", 400, "must be a JSON object"),
        ("PUT", "api/PersonCommand", '{"firstName": "A"}', 400, "Missing field(s): personReferenceId, lastName"),
        # model binding (found by fuzzing the sandbox from its OpenAPI document): a field of another JSON type
        (
            "PUT",
            "api/PersonCommand",
            '{"personReferenceId": "p", "firstName": "A", "lastName": "B", "addresses": "x"}',
            400,
            "could not be converted to System.Collections.Generic.List. Path: $.addresses",
        ),
        (
            "PUT",
            "api/PersonCommand",
            '{"personReferenceId": 7, "firstName": "A", "lastName": "B"}',
            400,
            "$.personReferenceId",
        ),
        (
            "PUT",
            "api/WebhookCommand",
            '{"url": "https://localhost/", "enabled": "yes"}',
            400,
            "System.Boolean. Path: $.enabled",
        ),
        ("PUT", "api/WebhookCommand", '{"url": "ftp://x"}', 400, "must be http or https"),
        ("POST", "api/WebhookQuery/Poke", '{"type": "Nope"}', 400, "Unknown webhook type 'Nope'"),
        ("POST", "api/WebhookQuery/Poke", '{"type": "PersonSanctionMatched"}', 200, "No enabled webhook"),
        ("GET", "api/Nowhere", "", 404, "No route for GET /api/Nowhere"),
        ("DELETE", "api/Ping", "", 405, "Method DELETE is not allowed"),
    ],
)
def test_bad_requests(pliance_box: Sandbox, method: str, path: str, body: str, status: int, message: str) -> None:
    token = "Bearer " + pliance.mint_token(creds_of(pliance_box))
    r = requests.request(
        method,
        pliance_box.url_for(path),
        data=body,
        timeout=10,
        headers={"Authorization": token, "Content-Type": "application/json"},
    )
    assert_envelope(r, status, message)


def test_unknown_setting_and_bad_value_are_config_errors() -> None:
    from kit import ConfigError

    with pytest.raises(ConfigError, match="no setting"):
        start("pliance", nope=1)
    with pytest.raises(ConfigError, match="takes a bool"):
        start("pliance", multitenancy="maybe")
    with pytest.raises(ConfigError, match="within"):
        start("pliance", clock_skew=99999)
    with pytest.raises(ConfigError, match="no sandbox named"):
        start("nobody")


@pytest.mark.parametrize("over", [{"exp": -(10**12)}, {"nbf": 10**12}, {"iat": 10**15}, {"exp": 10**15}])
def test_time_claims_out_of_range_are_401_not_500(pliance_box: Sandbox, over: dict[str, int]) -> None:
    r = get(pliance_box, "Bearer " + hs(pliance_box, claims_for(pliance_box, **over)))
    assert_challenge(r, INVALID)  # .NET's DateTime refuses it (ArgumentOutOfRange): no description
    assert r.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
