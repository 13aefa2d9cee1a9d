"""connect(): a sandbox by default, live when <PROVIDER>_URL is set, one env var per field."""

import pytest

import kit
from kit.providers import pliance
from kit.sandbox import start


def test_sandbox_mode_by_default(pliance_target: kit.Target) -> None:
    t = pliance_target
    assert t.mode == "sandbox" and t.sandbox is not None and t.base_url == t.sandbox.url
    assert isinstance(t.credentials, pliance.Credentials)
    assert t.credentials_as(pliance.Credentials).secret.reveal() == t.sandbox.credentials["secret"]
    assert t.session().call("GET", "api/Ping")["success"] is True
    assert t.ca is t.sandbox.ca


def test_overrides_split_into_credentials_and_settings() -> None:
    with kit.connect("pliance", environ={}, multitenancy=True, given_name="Ada") as t:
        assert t.sandbox is not None and t.sandbox.settings["multitenancy"] is True
        creds = t.credentials_as(pliance.Credentials)
        assert creds.tenant == "tenant-a" and creds.given_name == "Ada"
    with pytest.raises(kit.ConfigError, match="unknown option"):
        kit.connect("pliance", environ={}, colour="blue")
    with pytest.raises(kit.ConfigError, match="unknown provider"):
        kit.connect("nobody")


def test_mtls_sandbox_fills_the_client_certificate() -> None:
    with kit.connect("pliance", environ={}, mtls=True) as t:
        assert t.sandbox is not None
        assert t.credentials_as(pliance.Credentials).cert == t.sandbox.client_cert and t.verify == t.sandbox.ca_bundle
        assert t.session().call("GET", "api/Ping")["success"] is True


def test_live_mode_reads_one_env_var_per_field() -> None:
    # A sandbox started separately plays the live host: connect() must not start its own.
    with start("pliance", tls=True) as remote:
        assert remote.ca_bundle is not None
        env = {
            "PLIANCE_URL": remote.url.rstrip("/"),
            "PLIANCE_CA_BUNDLE": remote.ca_bundle,
            **{f"PLIANCE_{k.upper()}": v for k, v in remote.credentials.items()},
        }
        t = kit.connect("pliance", environ=env, multitenancy=True)
        assert t.mode == "live" and t.sandbox is None and t.base_url == remote.url
        assert t.ignored == ["multitenancy"]
        assert t.credentials_as(pliance.Credentials).secret.reveal() == remote.credentials["secret"]
        assert t.session().call("GET", "api/Ping")["success"] is True
        assert t.env_vars() == [
            "PLIANCE_URL",
            "PLIANCE_SECRET",
            "PLIANCE_ISSUER",
            "PLIANCE_GIVEN_NAME",
            "PLIANCE_SUBJECT",
            "PLIANCE_TENANT",
            "PLIANCE_CERT",
        ]


def test_live_mode_names_missing_env_vars_without_values() -> None:
    secret = "present-secret-0123456789abcdef-0123456"
    with pytest.raises(kit.ConfigError) as info:
        kit.connect("pliance", environ={"PLIANCE_URL": "https://x.example/", "PLIANCE_SECRET": secret})
    message = str(info.value)
    assert "PLIANCE_ISSUER" in message and "PLIANCE_GIVEN_NAME" in message and "PLIANCE_SUBJECT" in message
    assert "PLIANCE_TENANT" not in message and secret not in message
    assert message.endswith("a live URL looks like https://<your-company>.pliance.io/)")  # the spec's live_url


def test_target_table_masks_secrets(pliance_target: kit.Target) -> None:
    table = pliance_target.table()
    text = table.to_string() + pliance_target._repr_html_() + repr(pliance_target)
    assert pliance_target.credentials_as(pliance.Credentials).secret.reveal() not in text
    assert table.loc["secret", "env var"] == "PLIANCE_SECRET"
    assert table.loc["mode", "value"] == "sandbox"
