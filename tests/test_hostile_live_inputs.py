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
