"""A hostile token or key set is an answer, never a traceback: claims kit cannot read are rows that say so,
a malformed JWKS is a ConfigError naming the member, and a token that cannot be a header is refused.

The key set is served by a real werkzeug server on loopback (discovery and JWKS as Signicat's are laid
out); tokens are signed with a real RSA key through PyJWT.
"""

from __future__ import annotations

import base64
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.wrappers import Request, Response

import kit
from kit.claims import UNREADABLE_TIME
from kit.providers import signicat, signzy, synerise
from kit.providers.signicat.protocol import DISCOVERY_PATH
from kit.serving import BackgroundServer
from kit.terminal import HIDDEN

KIT = Path(sys.executable).parent / "kit"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def unsigned(payload: str, header: dict[str, Any] | None = None) -> str:
    """A JWT whose payload is ``payload`` as written (JSON that PyJWT reads: NaN and Infinity included)."""
    part = base64.urlsafe_b64encode(json.dumps(header or {"alg": "HS256", "typ": "JWT"}).encode())
    body = base64.urlsafe_b64encode(payload.encode())
    return f"{part.rstrip(b'=').decode()}.{body.rstrip(b'=').decode()}.c2ln"


TIMES = ['{"exp": 1e300}', '{"exp": Infinity}', '{"iat": -1e20}', '{"exp": NaN}', '{"nbf": -Infinity}',
         '{"auth_time": 1e400}']  # fmt: skip


@pytest.mark.parametrize("payload", TIMES)
def test_a_time_claim_kit_cannot_read_is_a_row_that_says_so(payload: str) -> None:
    table = kit.claims(unsigned(payload))
    name = next(iter(json.loads(payload)))
    row = table[table["name"] == name].iloc[0]
    assert row["check"] == UNREADABLE_TIME and row["utc"] == "" and row["relative"] == ""
    assert table.attrs["verified"] is False


def test_a_bool_is_not_a_time() -> None:
    table = kit.claims(unsigned('{"exp": true}'))
    assert table[table["name"] == "exp"].iloc[0]["check"] == "not a number"


@pytest.mark.parametrize("aud", ["[[1]]", "[{}]", '["a", 5]', "5"])
def test_an_audience_that_is_not_text_is_a_row_that_says_so(aud: str) -> None:
    table = kit.claims(unsigned(f'{{"aud": {aud}}}'), audience="a")
    assert table[table["name"] == "aud"].iloc[0]["check"].startswith("not a string or a list of strings")


def test_now_iat_with_an_unreadable_iat_is_a_config_error() -> None:
    with pytest.raises(kit.ConfigError, match="iat"):
        kit.claims(unsigned('{"iat": NaN}'), now="iat")


def test_claims_diff_of_unreadable_times_is_a_table() -> None:
    table = kit.claims_diff(unsigned('{"exp": 1}'), unsigned('{"exp": Infinity}'))
    assert table.iloc[0]["change"] == "changed"


class Provider:
    """A provider on loopback answering what the test sets: discovery and a JWKS whose ``keys`` is ``keys``
    (laid out as Signicat's are), and ``body`` (a token answer) on every other path."""

    def __init__(self) -> None:
        self.keys: Any = []
        self.body: dict[str, Any] = {}
        self.server = BackgroundServer(self._app, name="provider")
        self.url = f"http://127.0.0.1:{self.server.port}/"

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        request.get_data()
        if request.path.endswith("openid-configuration"):
            body: Any = {"issuer": self.url + "auth/open", "jwks_uri": self.url + "jwks"}
        else:
            body = {"keys": self.keys} if request.path == "/jwks" else self.body
        return Response(json.dumps(body), 200, content_type="application/json")(environ, start_response)


@pytest.fixture
def server() -> Iterator[Provider]:
    made = Provider()
    try:
        yield made
    finally:
        made.server.stop()


def _session(server: Provider) -> kit.Session[Any]:
    assert DISCOVERY_PATH.endswith("openid-configuration")
    creds = signicat.Credentials.of(client_id="c", client_secret="s" * 40)
    return signicat.session(creds, server.url)


def _public_jwk(**over: Any) -> dict[str, Any]:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    return {**jwk, "kid": "k1", "use": "sig", **over}


@pytest.mark.parametrize("keys, named", [(5, "int"), (True, "bool"), ("x", "str"), (None, "null")])
def test_a_jwks_whose_keys_is_not_a_list_is_a_config_error(server: Provider, keys: Any, named: str) -> None:
    server.keys = keys
    token = jwt.encode({"sub": "a"}, KEY, "RS256", headers={"kid": "k1"})
    with pytest.raises(kit.ConfigError, match=f"keys must be a list of keys .*not {named}"):
        signicat.verify_token(_session(server), token)


@pytest.mark.parametrize(
    "over, member",
    [({"alg": ["RS256"]}, "alg"), ({"kty": 5}, "kty"), ({"n": 12}, "n"), ({"e": None}, "e"), ({"use": {}}, "use")],
)
def test_a_jwks_key_with_a_member_that_is_not_text_is_a_config_error_naming_it(
    server: Provider, over: dict[str, Any], member: str
) -> None:
    server.keys = [_public_jwk(**over)]
    token = jwt.encode({"sub": "a"}, KEY, "RS256", headers={"kid": "k1"})
    with pytest.raises(kit.ConfigError, match=f"JWKS key 'k1' is not usable: its {member} is"):
        signicat.verify_token(_session(server), token)


def test_a_jwks_key_that_does_not_decode_is_a_config_error(server: Provider) -> None:
    server.keys = [_public_jwk(n="a")]  # one base64url character: no number at all
    token = jwt.encode({"sub": "a"}, KEY, "RS256", headers={"kid": "k1"})
    with pytest.raises(kit.ConfigError, match="JWKS key 'k1' is not usable"):
        signicat.verify_token(_session(server), token)


def test_a_verified_token_with_hostile_claims_is_a_table(server: Provider) -> None:
    server.keys = [_public_jwk(alg="RS256")]
    claims = {"exp": math.inf, "iat": -1e20, "aud": [[1]], "iss": "elsewhere", "sub": "a"}
    token = jwt.encode(claims, KEY, "RS256", headers={"kid": "k1"})
    table = signicat.verify_token(_session(server), token)
    checks = dict(zip(table["name"], table["check"], strict=True))
    assert checks["exp"] == checks["iat"] == UNREADABLE_TIME
    assert checks["aud"].startswith("not a string") and checks["iss"] == "issuer mismatch"
    assert checks["signature"] == "ok" and table.attrs["verified"] is False


HOSTILE_TOKENS = {
    "empty": ("", "is empty"),
    "esc": ("abc\x1b[2J\x1b]52;c;ZXZpbA==\x07def", "U+001B"),
    "cr": ("abc\rdef", "U+000D"),
    "nul": ("abc\x00def", "U+0000"),
    "space": ("abc def", "U+0020"),
    "beyond ascii": ("abcédef", "U+00E9"),
}


def _answer(name: str, token: str) -> dict[str, Any]:
    if name == "signicat":
        return {"access_token": token, "token_type": "Bearer", "expires_in": 600}
    if name == "signzy":
        return {"id": token, "ttl": 600, "created": "2026-01-01T00:00:00Z", "userId": "u"}
    return {"token": token}


MAKERS: dict[str, Callable[[str], kit.Session[Any]]] = {
    "signicat": lambda url: signicat.session(signicat.Credentials.of("id", "s" * 40), url),
    "synerise": lambda url: synerise.session(synerise.Credentials.of(workspace_api_key="k" * 36), url),
    "signzy": lambda url: signzy.session(signzy.Credentials.of("u", "p" * 32), url),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_TOKENS))
@pytest.mark.parametrize("name", sorted(MAKERS))
def test_a_token_that_cannot_be_a_header_is_an_auth_error(server: Provider, name: str, case: str) -> None:
    value, said = HOSTILE_TOKENS[case]
    server.body = _answer(name, value)
    s = MAKERS[name](server.url)
    with pytest.raises(kit.AuthError) as info:
        s.require_token()
    assert info.value.code == "unusable_token" and said in str(info.value)
    assert value == "" or value not in str(info.value)


def test_kit_token_prints_no_control_character_from_the_provider(server: Provider) -> None:
    server.body = _answer("signicat", HOSTILE_TOKENS["esc"][0])
    env = {**os.environ, "SIGNICAT_URL": server.url, "SIGNICAT_CLIENT_ID": "c", "SIGNICAT_CLIENT_SECRET": "s" * 40}
    done = subprocess.run([str(KIT), "token", "signicat"], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert "U+001B" in done.stderr and not HIDDEN.search(done.stderr.rstrip("\n"))
