"""Claims tables: every field, its meaning, times, and a verdict per check."""

from typing import Any

import jwt
import pandas as pd
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import kit
from kit.claims import relative
from kit.secrets import Secret

KEY = "claims-test-secret-0123456789abcdef-0123"
NOW = 1_800_000_000


def token(claims: dict[str, Any], key: Any = KEY, alg: str = "HS256", headers: dict[str, Any] | None = None) -> str:
    return jwt.encode(claims, key, algorithm=alg, headers=headers)


def good(**over: object) -> dict[str, Any]:
    return {"iss": "me", "sub": "s", "aud": "pliance.io", "iat": NOW, "nbf": NOW, "exp": NOW + 300, **over}


def checks(table: pd.DataFrame) -> dict[str, Any]:
    return dict(zip(table["name"], table["check"], strict=True))


def test_one_row_per_header_field_and_claim_plus_signature() -> None:
    t = kit.claims(token(good()), KEY, audience="pliance.io", issuer="me", now=NOW)
    assert list(t.columns) == ["part", "name", "value", "meaning", "source", "utc", "relative", "check"]
    assert list(t["name"]) == ["alg", "typ", "iss", "sub", "aud", "iat", "nbf", "exp", "signature"]
    assert set(checks(t).values()) <= {"ok", ""}
    assert t.attrs["verified"] is True
    row = t.set_index("name").loc["exp"]
    assert (row["utc"], row["relative"]) == ("2027-01-15T08:05:00Z", "in 5 min")
    assert t.set_index("name").loc["iat", "relative"] == "now"
    assert (
        "Expiration" in t.set_index("name").loc["exp", "meaning"]
        or "expiration" in t.set_index("name").loc["exp", "meaning"]
    )


def test_without_key_the_table_says_unverified() -> None:
    t = kit.claims(token(good()), now=NOW)
    assert checks(t)["signature"] == "UNVERIFIED"
    assert t.attrs["verified"] is False


def test_the_token_and_signature_are_never_shown_whole() -> None:
    tok = token(good())
    t = kit.claims(tok, KEY, now=NOW)
    text = t.to_string() + t.to_html()
    assert tok not in text and tok.rsplit(".", 1)[1] not in text


@pytest.mark.parametrize(
    "claims, name, verdict",
    [
        (good(exp=NOW - 1), "exp", "expired"),
        (good(exp=NOW), "exp", "expired"),
        (good(nbf=NOW + 10), "nbf", "not yet valid"),
        (good(iat=NOW + 10), "iat", "issued in the future"),
        (good(aud="other"), "aud", "audience mismatch"),
        (good(iss="them"), "iss", "issuer mismatch"),
    ],
)
def test_each_claim_check(claims: dict[str, Any], name: str, verdict: str) -> None:
    t = kit.claims(token(claims), KEY, audience="pliance.io", issuer="me", now=NOW)
    assert checks(t)[name] == verdict
    assert t.attrs["verified"] is False


def test_leeway_applies_to_time_claims() -> None:
    t = kit.claims(token(good(exp=NOW - 5, nbf=NOW + 5)), KEY, leeway=10, now=NOW)
    assert checks(t)["exp"] == "ok" and checks(t)["nbf"] == "ok"


def test_signature_invalid_with_another_key() -> None:
    t = kit.claims(token(good()), "another-secret-0123456789abcdef-01234", now=NOW)
    assert checks(t)["signature"] == "signature invalid"


def test_alg_not_allowed_and_none_is_never_allowed() -> None:
    t = kit.claims(token(good(), KEY * 2, "HS512"), KEY, now=NOW)
    assert checks(t)["alg"] == "alg not allowed" and checks(t)["signature"] == "alg not allowed"
    none = jwt.encode(good(), "", algorithm="none")
    t = kit.claims(none, KEY, algorithms=["none", "HS256"], now=NOW)
    assert checks(t)["alg"] == "alg not allowed" and checks(t)["signature"] == "alg not allowed"


def test_short_hmac_key_is_flagged() -> None:
    pyjwt_warns = getattr(getattr(jwt, "warnings", None), "InsecureKeyLengthWarning", None)  # PyJWT >= 2.10.1
    if pyjwt_warns is None:
        short = token(good(), "short-key")
    else:
        with pytest.warns(pyjwt_warns):
            short = token(good(), "short-key")
    t = kit.claims(short, "short-key", now=NOW)
    assert checks(t)["signature"] == "HS key shorter than 32 bytes"


def test_rsa_key_pins_rs256_and_verifies() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tok = token(good(), private, "RS256", {"kid": "k1"})
    t = kit.claims(tok, private.public_key(), now=NOW)
    assert checks(t)["signature"] == "ok" and checks(t)["alg"] == "ok"
    assert t.set_index("name").loc["kid", "value"] == "k1"
    confused = token(good(), "x" * 40, "HS256")
    assert checks(kit.claims(confused, private.public_key(), now=NOW))["signature"] == "alg not allowed"


def test_secret_objects_are_accepted_as_keys() -> None:
    t = kit.claims(token(good()), Secret(KEY), now=NOW)
    assert checks(t)["signature"] == "ok"


def test_a_malformed_jwt_is_a_config_error() -> None:
    for bad in ("a.b", "a.b.c", "eyJ.eyJ.x"):
        with pytest.raises(kit.ConfigError):
            kit.claims(bad)


def test_an_opaque_token_has_nothing_to_read_and_is_not_a_failure() -> None:
    t = kit.claims(Secret("HpsHXBkY-xm_ffURHRfL-VlxuuQv0-q80REZlXGVjag"))
    assert len(t) == 1 and t.iloc[0]["value"].startswith("opaque (fp=") and "nothing to read" in t.iloc[0]["meaning"]
    assert "HpsHXBkY" not in t.to_string() and t.attrs["verified"] is False


def test_claims_diff_shows_only_what_changed() -> None:
    a, b = token(good()), token(good(iat=NOW + 60, nbf=NOW + 60, exp=NOW + 360, jti="j"))
    d = kit.claims_diff(a, b)
    assert list(d.columns) == ["part", "name", "before", "after", "change"]
    changes = dict(zip(d["name"], d["change"], strict=True))
    assert changes == {"iat": "+60 s", "nbf": "+60 s", "exp": "+60 s", "jti": "added", "signature": "changed"}
    assert kit.claims_diff(a, a).empty


def test_relative_times() -> None:
    assert relative(NOW + 250, NOW) == "in 4 min 10 s"
    assert relative(NOW - 120, NOW) == "2 min ago"
    assert relative(NOW, NOW + 0.9) == "now"
    assert relative(NOW + 90061, NOW) == "in 1 d 1 h 1 min 1 s"
