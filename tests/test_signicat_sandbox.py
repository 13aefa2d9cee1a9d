"""The Signicat sandbox over real sockets: token endpoint errors, discovery, JWKS, API errors."""

import base64
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

import kit
from kit.sandbox import Sandbox, start

TOKEN = "auth/open/connect/token"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def post_token(box: Sandbox, data: dict[str, Any] | str, headers: dict[str, Any] | None = None) -> requests.Response:
    return requests.post(box.url_for(TOKEN), data=data, headers={**FORM, **(headers or {})}, timeout=10)


def good_auth(box: Sandbox) -> dict[str, Any]:
    c = box.credentials
    return {"Authorization": basic(c["client_id"], c["client_secret"])}


def access_token(box: Sandbox) -> str:
    r = post_token(box, {"grant_type": "client_credentials", "scope": "signicat-api"}, good_auth(box))
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def test_token_response_and_claims(signicat_box: Sandbox) -> None:
    r = post_token(signicat_box, {"grant_type": "client_credentials", "scope": "signicat-api"}, good_auth(signicat_box))
    body = r.json()
    assert set(body) == {"access_token", "expires_in", "token_type", "scope"}
    assert (body["expires_in"], body["token_type"], body["scope"]) == (600, "Bearer", "signicat-api")
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "RS256" and header["typ"] == "at+jwt" and header["kid"].startswith("sandbox-signing-key-")
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    base = signicat_box.url
    assert claims["iss"] == base + "auth/open" and claims["aud"] == base.rstrip("/")
    assert claims["client_id"] == signicat_box.credentials["client_id"]
    assert claims["account_id"] == signicat_box.credentials["account_id"]
    assert claims["scope"] == ["signicat-api"] and claims["sandbox"] is True
    assert claims["exp"] == claims["nbf"] + 600 and claims["iat"] == claims["nbf"]
    assert len(claims["jti"]) == 32 and claims["jti"] == claims["jti"].upper()


def test_client_secret_post_also_works(signicat_box: Sandbox) -> None:
    c = signicat_box.credentials
    r = post_token(
        signicat_box,
        {
            "grant_type": "client_credentials",
            "scope": "signicat-api",
            "client_id": c["client_id"],
            "client_secret": c["client_secret"],
        },
    )
    assert r.status_code == 200


@pytest.mark.parametrize(
    "case, error",
    [
        ("wrong secret", "invalid_client"),
        ("unknown client", "invalid_client"),
        ("no client auth", "invalid_client"),
        ("basic and form", "invalid_request"),
        ("missing grant_type", "unsupported_grant_type"),  # as Duende IdentityServer answers
        ("password grant", "unsupported_grant_type"),
        ("wrong scope", "invalid_scope"),
        ("json body", "invalid_request"),
    ],
)
def test_token_endpoint_errors_are_400_rfc6749(signicat_box: Sandbox, case: str, error: str) -> None:
    c = signicat_box.credentials
    grant = {"grant_type": "client_credentials"}
    ok = good_auth(signicat_box)
    calls = {
        "wrong secret": lambda: post_token(signicat_box, grant, {"Authorization": basic(c["client_id"], "x" * 40)}),
        "unknown client": lambda: post_token(
            signicat_box, grant, {"Authorization": basic("nobody", c["client_secret"])}
        ),
        "no client auth": lambda: post_token(signicat_box, grant),
        "basic and form": lambda: post_token(
            signicat_box, {**grant, "client_id": c["client_id"], "client_secret": c["client_secret"]}, ok
        ),
        "missing grant_type": lambda: post_token(signicat_box, {"scope": "signicat-api"}, ok),
        "password grant": lambda: post_token(
            signicat_box, {"grant_type": "password", "username": "u", "password": "p"}, ok
        ),
        "wrong scope": lambda: post_token(signicat_box, {**grant, "scope": "admin"}, ok),
        "json body": lambda: requests.post(signicat_box.url_for(TOKEN), json=grant, headers=ok, timeout=10),
    }
    r = calls[case]()
    assert r.status_code == 400
    assert r.json()["error"] == error and r.json()["error_description"]
    assert r.headers["Cache-Control"] == "no-store, no-cache, max-age=0" and r.headers["Pragma"] == "no-cache"


def test_discovery_and_jwks_verify_the_token(signicat_box: Sandbox) -> None:
    meta = requests.get(signicat_box.url_for("auth/open/.well-known/openid-configuration"), timeout=10).json()
    assert meta["issuer"] == signicat_box.url + "auth/open"
    assert meta["token_endpoint"] == signicat_box.url_for(TOKEN)
    jwks = jwt.PyJWKSet.from_dict(requests.get(meta["jwks_uri"], timeout=10).json())
    token = access_token(signicat_box)
    key = {k.key_id: k.key for k in jwks.keys}[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=signicat_box.url.rstrip("/"), issuer=meta["issuer"])
    assert claims["client_id"] == signicat_box.credentials["client_id"]


def test_key_rotation_keeps_the_previous_key_published() -> None:
    with start("signicat") as box:
        old = access_token(box)
        new_kid = box.control.rotate_key()
        new = access_token(box)
        assert jwt.get_unverified_header(new)["kid"] == new_kid != jwt.get_unverified_header(old)["kid"]
        kids = [
            k["kid"]
            for k in requests.get(box.url_for("auth/open/.well-known/openid-configuration/jwks"), timeout=10).json()[
                "keys"
            ]
        ]
        assert kids == [new_kid, jwt.get_unverified_header(old)["kid"]]
        # both pass authentication (404: no session "x"); a revoked key fails it (401)
        assert api(box, old).status_code == 404 and api(box, new).status_code == 404
        box.control.rotate_key(keep_previous=False)
        assert api(box, old).status_code == 401


def test_rotate_every_setting_rotates_on_issue() -> None:
    with start("signicat", rotate_every=1) as box:
        first = jwt.get_unverified_header(access_token(box))["kid"]
        box.control.advance(1.05)  # a second has passed on its clock: the next token is signed by a new key
        assert jwt.get_unverified_header(access_token(box))["kid"] != first


def api(box: Sandbox, token: str | None, path: str = "auth/rest/sessions/x", **params: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(box.url_for(path), headers=headers, params=params, timeout=10)


def forged(box: Sandbox, **claims: object) -> str:
    return box.control.forge(**claims)


@pytest.mark.parametrize(
    "case, status, code",
    [
        ("missing", 401, "invalid_token"),
        ("expired", 401, "invalid_token"),
        ("unknown key", 401, "invalid_token"),
        ("wrong audience", 401, "invalid_token"),
        ("another account", 403, "forbidden"),
    ],
)
def test_api_errors_are_problem_details(signicat_box: Sandbox, case: str, status: int, code: str) -> None:
    now = int(time.time())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tokens: dict[str, Callable[[], str | None]] = {
        "missing": lambda: None,
        "expired": lambda: forged(signicat_box, iat=now - 700, nbf=now - 700, exp=now - 100),
        "unknown key": lambda: jwt.encode(
            jwt.decode(access_token(signicat_box), options={"verify_signature": False}),
            other,
            algorithm="RS256",
            headers={"kid": "sandbox-signing-key-0"},
        ),
        "wrong audience": lambda: forged(signicat_box, aud="https://example.com"),
        "another account": lambda: access_token(signicat_box),
    }
    params = {"signicat-accountId": "a-someone-else"} if case == "another account" else {}
    r = api(signicat_box, tokens[case](), **params)
    assert r.status_code == status
    body = r.json()
    assert body["code"] == code and {"type", "title", "detail", "status"} <= set(body)
    assert r.headers["Content-Type"].startswith("application/problem+json")  # RFC 9457's media type
    if status == 401:  # RFC 6750 §3.1: no error code when no token was sent
        want = "Bearer" if case == "missing" else 'Bearer error="invalid_token"'
        assert r.headers["WWW-Authenticate"] == want


def test_client_without_the_product_gets_403() -> None:
    with start("signicat", products="") as box:
        r = api(box, access_token(box), "auth/rest/sessions")
        assert r.status_code == 403 and r.json()["code"] == "forbidden"


def test_sessions_create_and_get(signicat_box: Sandbox) -> None:
    token = access_token(signicat_box)
    account = signicat_box.credentials["account_id"]
    r = requests.post(
        signicat_box.url_for("auth/rest/sessions"),
        params={"signicat-accountId": account},
        json={"flow": "redirect", "allowedProviders": ["nbid"], "language": "nb"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert r.status_code == 201
    created = r.json()
    assert created["status"] == "CREATED" and created["accountId"] == account
    assert {"id", "authenticationUrl", "statusUrl", "flow", "allowedProviders", "language", "sessionLifetime"} <= set(
        created
    )
    got = api(signicat_box, token, f"auth/rest/sessions/{created['id']}", **{"signicat-accountId": account})
    assert got.json() == created
    assert api(signicat_box, token, "auth/rest/sessions/nope").status_code == 404
    bad = requests.post(
        signicat_box.url_for("auth/rest/sessions"),
        data="x",
        timeout=10,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_request"


def test_scope_is_required(signicat_box: Sandbox) -> None:
    for form in ({"grant_type": "client_credentials"}, {"grant_type": "client_credentials", "scope": " "}):
        r = post_token(signicat_box, form, good_auth(signicat_box))
        assert (r.status_code, r.json()["error"]) == (400, "invalid_request")
        assert r.json()["error_description"] == "scope is required"


def test_a_missing_product_is_403_or_401_as_set_and_the_client_retries_once_only() -> None:
    """Facts product-403 and product-401: Accessing API products names no status, and the Error codes page says
    invalid_token may mean insufficient permissions. With the 401, the client's one retry (a fresh token) is
    refused too, and the session stops there: two token requests, two calls, no loop."""
    with kit.connect("signicat", environ={}, products="", missing_product="403") as target:
        with pytest.raises(kit.AuthError) as forbidden:
            target.session().call("POST", "auth/rest/sessions", json={})
    assert (forbidden.value.status, forbidden.value.code) == (403, "forbidden")
    with kit.connect("signicat", environ={}, products="", missing_product="401") as target:
        s = target.session()
        with pytest.raises(kit.AuthError) as refused:
            s.call("POST", "auth/rest/sessions", json={})
        assert (refused.value.status, refused.value.code) == (401, "invalid_token")
        kinds = [(e.kind, e.status) for e in s.journal.entries]
    assert kinds == [("auth", 200), ("business", 401), ("auth", 200), ("business", 401)]
    with pytest.raises(kit.ConfigError, match="missing_product must be 403 or 401"):
        kit.connect("signicat", environ={}, missing_product="404")


def test_an_organization_id_travels_as_the_sdk_sends_it() -> None:
    """Fact organization-id: the header and the parameter on API calls, not on the token request; none without."""
    with kit.connect("signicat", environ={}, organization_id="org-42") as target:
        s = target.session()
        s.call("POST", "auth/rest/sessions", json={})
        seen = target.control.seen()
    api = [r for r in seen if r["path"].startswith("/auth/rest/")]  # the sandbox keeps names, never values
    token = [r for r in seen if r["path"].endswith("/connect/token")]
    assert api and token
    assert all("signicat-organizationid" in r["headers"] and "signicat-organizationId" in r["query"] for r in api)
    assert not any("signicat-organizationid" in r["headers"] for r in token)
    sent = [e for e in s.journal.entries if e.kind == "business"]  # the values, as kit sent them
    assert all(e.request_headers["Signicat-OrganizationId"] == "org-42" for e in sent)
    assert all("signicat-organizationId=org-42" in e.url for e in sent)
    with kit.connect("signicat", environ={}) as target:
        target.session().call("POST", "auth/rest/sessions", json={})
        assert not any("signicat-organizationid" in r["headers"] for r in target.control.seen())
