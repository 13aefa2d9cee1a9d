"""Live URLs and credentials a person pastes: control and bidirectional characters, port 0, non-latin-1 headers."""

from __future__ import annotations

import pytest

import kit
from kit.providers import pliance, saltedge


@pytest.mark.parametrize(
    "url, named",
    [
        ("https://api.signicat.com/\r\nX-Injected: 1", "U+000D"),
        ("https://api.signicat.com/a\nb/", "U+000A"),
        ("https://api.signicat.com/a\x00b/", "U+0000"),
        ("https://api.signicat.com/\u202egnp.exe/", "U+202E"),
        ("https://api.signi\tcat.com/", "U+0009"),
        ("https://api.signicat.com:0/", "1..65535"),
    ],
)
def test_a_live_url_with_hidden_characters_or_port_0_is_refused(url: str, named: str) -> None:
    environ = {"SIGNICAT_URL": url, "SIGNICAT_CLIENT_ID": "x", "SIGNICAT_CLIENT_SECRET": "y" * 40}
    with pytest.raises(kit.ConfigError) as info:
        kit.connect("signicat", environ=environ)
    assert named in str(info.value) and "SIGNICAT_URL" in str(info.value)


def test_a_header_borne_credential_beyond_latin1_is_refused_at_the_check() -> None:
    with pytest.raises(kit.ConfigError, match="app_secret .*beyond latin-1") as info:
        saltedge.Credentials.of(client_id="c", app_secret="kit-secret-€-0123456789abcdef0123")
    assert "€" not in str(info.value)
    with pytest.raises(kit.ConfigError, match="tenant"):
        pliance.Credentials.of(secret="s" * 40, issuer="i", given_name="g", subject="s", tenant="tenant-ü-ž")
    assert (
        saltedge.Credentials.of(client_id="c", app_secret="é" * 32).app_secret.reveal() == "é" * 32
    )  # latin-1 is fine


SECRET = "hostile-live-secret-0123456789abcdef-XYZ"


def _pliance_env(**over: str) -> dict[str, str]:
    return {"PLIANCE_SECRET": SECRET, "PLIANCE_ISSUER": "i", "PLIANCE_GIVEN_NAME": "g", "PLIANCE_SUBJECT": "s", **over}


@pytest.mark.parametrize(
    "environ",
    [
        _pliance_env(PLIANCE_URL=SECRET, PLIANCE_SECRET="https://pliance.example/"),  # the two lines swapped
        _pliance_env(PLIANCE_URL="key:" + SECRET),  # a secret that looks like a scheme
        _pliance_env(PLIANCE_URL=f"https://pliance.example/{SECRET}/?a=1"),  # registered before the URL is said
        _pliance_env(PLIANCE_URL=f"https://pliance.example/a#access_token={SECRET}"),  # an implicit grant's fragment
        _pliance_env(PLIANCE_URL=f"https://pliance.example/a#{SECRET}"),
        _pliance_env(PLIANCE_URL=f"https://pliance.example/a?{SECRET}"),
    ],
)
def test_a_credential_in_or_beside_a_bad_live_url_never_shows_in_the_refusal(
    environ: dict[str, str], tmp_path: object
) -> None:
    with pytest.raises(kit.ConfigError) as info:
        kit.connect("pliance", environ=environ)
    assert "PLIANCE_URL" in str(info.value)
    assert SECRET not in str(info.value) and SECRET[:12] not in str(info.value), str(info.value)


def test_a_token_in_a_urls_fragment_is_masked_as_in_its_query() -> None:
    token = "fragment-token-0123456789abcdef-0123"
    for url in (f"https://h/cb#access_token={token}&state=x", f"https://h/cb?access_token={token}&state=x"):
        shown = kit.redact(url)
        assert token not in shown and "state=x" in shown
