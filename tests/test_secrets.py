"""Secret never shows its value; redact() masks credentials in every shape a sink sees."""

import copy
import json
import pickle
import re

import jwt
import pytest

from kit.secrets import MASK, Secret, fingerprint, is_sensitive, redact, reveal

VALUE = "canary-secret-value-0123456789abcdef-xyz"
FP = re.compile(re.escape(MASK) + r"[0-9a-f]{8}")


def test_repr_str_and_format_show_only_a_fingerprint() -> None:
    s = Secret(VALUE)
    for text in (repr(s), str(s), f"{s}", f"{s!r:>80}", "%s" % s):
        assert VALUE not in text
    assert repr(s) == f"Secret('{MASK}', fp={fingerprint(VALUE)})"
    assert s.reveal() == VALUE and reveal(s) == VALUE and reveal("plain") == "plain"


def test_fingerprint_is_stable_and_short() -> None:
    assert fingerprint(VALUE) == fingerprint(VALUE) == Secret(VALUE).fingerprint
    assert re.fullmatch(r"[0-9a-f]{8}", fingerprint(VALUE))
    assert fingerprint(VALUE) != fingerprint(VALUE + "x")


def test_secret_cannot_be_pickled_but_copies_are_itself() -> None:
    s = Secret(VALUE)
    with pytest.raises(TypeError):
        pickle.dumps(s)
    assert copy.deepcopy(s) is s and copy.copy(s) is s
    assert Secret(VALUE) == s and hash(Secret(VALUE)) == hash(s)


def test_sensitive_names() -> None:
    for name in (
        "Authorization",
        "Cookie",
        "X-PLIANCE-SECRET",
        "client_secret",
        "access_token",
        "password",
        "apiKey",
        "X-Api-Key",
        "Signature",
        "private_key_pem",
        "Customer-secret",
        "token",
    ):
        assert is_sensitive(name), name
    for name in ("Content-Type", "X-Tenant", "issuer", "given_name", "url", "enabled"):
        assert not is_sensitive(name), name


def test_headers_keep_the_scheme() -> None:
    assert redact("Bearer abc.def.ghi", key="Authorization") == f"Bearer {MASK}{fingerprint('abc.def.ghi')}"
    assert redact("Basic dXNlcjpwYXNz", key="Authorization").startswith(f"Basic {MASK}")
    assert redact("raw-token-value", key="Authorization") == f"{MASK}{fingerprint('raw-token-value')}"


def test_query_parameters_are_masked_and_others_kept() -> None:
    out = redact("https://h.example/api/x?access_token=tok123&page=2")
    assert "tok123" not in out and "page=2" in out and FP.search(out)
    assert redact("https://h.example/api/x?page=2") == "https://h.example/api/x?page=2"


def test_form_and_json_bodies_at_any_depth() -> None:
    form = redact("grant_type=client_credentials&client_secret=s3cr3t-value&scope=api")
    assert "s3cr3t-value" not in form and "grant_type=client_credentials" in form
    body = {"user": {"password": "pw-1234", "profile": {"items": [{"token": "t-5678"}], "name": "Ada"}}}
    out = redact(body)
    text = json.dumps(out, ensure_ascii=False)
    assert "pw-1234" not in text and "t-5678" not in text and "Ada" in text
    out_text = redact(json.dumps(body))
    assert "pw-1234" not in out_text and "t-5678" not in out_text


def test_registered_secret_is_masked_anywhere() -> None:
    s = Secret("registered-value-" + "9" * 20)
    text = f"error while calling with {s.reveal()} in the middle"
    assert s.reveal() not in redact(text)
    assert redact(text) == f"error while calling with {MASK}{s.fingerprint} in the middle"
    assert s.reveal() not in json.dumps(redact({"note": [s.reveal()]}))


def test_jwts_are_masked_anywhere_with_a_trackable_fingerprint() -> None:
    token = jwt.encode({"sub": "x"}, "k" * 32, algorithm="HS256")
    a, b = redact(f"first {token}"), redact(f"then {token} again")
    assert token not in a and token not in b
    first, second = FP.search(a), FP.search(b)
    assert first is not None and second is not None and first.group(0) == second.group(0)


def test_unrelated_text_is_left_alone() -> None:
    for text in ("hello world", "abc==", "a=b&c=d", "https://x.example/p?q=1", "", "{not json"):
        assert redact(text) == text


def test_secret_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        Secret(123)  # type: ignore[arg-type]


def test_redacting_twice_changes_nothing() -> None:
    once = redact({"Authorization": "Bearer abc.def.ghi", "password": "pw-1234", "note": "x"})
    assert redact(once) == once
