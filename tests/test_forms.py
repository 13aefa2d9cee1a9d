"""Credential forms work headless: value, submit, cleared secrets, deterministic repr."""

import builtins
import getpass

import ipywidgets as widgets
import pytest

import kit


@pytest.fixture(autouse=True)
def no_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):  # a headless form must never prompt
        raise AssertionError("the form prompted for input")

    monkeypatch.setattr(builtins, "input", refuse)
    monkeypatch.setattr(getpass, "getpass", refuse)


def test_fields_follow_the_dataclass_and_secrets_are_password_widgets(pliance_target: kit.Target) -> None:
    form = kit.credentials_form(pliance_target)
    assert list(form.fields) == ["secret", "issuer", "given_name", "subject", "tenant", "cert"]
    assert isinstance(form.fields["secret"], widgets.Password)
    assert all(type(form.fields[n]) is widgets.Text for n in ("issuer", "given_name", "subject", "tenant", "cert"))
    assert form.fields["issuer"].value == pliance_target.credentials.issuer
    assert form.fields["secret"].value == ""  # the prefilled secret never goes to the browser
    assert "from the sandbox" in form.fields["secret"].placeholder


def test_value_returns_the_prefilled_credentials(pliance_target: kit.Target) -> None:
    form = kit.credentials_form(pliance_target)
    assert form.value == pliance_target.credentials


def test_submit_does_what_the_button_does_and_clears_secrets(pliance_target: kit.Target) -> None:
    form = kit.credentials_form(pliance_target)
    typed = "typed-secret-0123456789abcdef-0123456789"
    form.fields["secret"].value = typed
    form.fields["given_name"].value = "Ada"
    creds = form.submit()
    assert creds.secret.reveal() == typed and creds.given_name == "Ada"
    assert pliance_target.credentials is creds
    assert form.fields["secret"].value == "" and typed not in str(form.widget.get_state())
    assert form.status.value.startswith("✓ pliance credentials set: secret, issuer")
    assert form.value == creds and form.submit() == creds  # a second submit keeps the secret
    form.fields["given_name"].value = "Grace"
    form.button.click()
    assert pliance_target.credentials.given_name == "Grace"


def test_missing_required_field_is_reported_on_the_status_line(pliance_target: kit.Target) -> None:
    form = kit.credentials_form(pliance_target)
    form.fields["issuer"].value = ""
    with pytest.raises(kit.ConfigError, match="lack issuer"):
        _ = form.value
    form.button.click()
    assert form.status.value == "✗ pliance credentials from the form lack issuer"


def test_repr_is_deterministic_and_secret_free(pliance_target: kit.Target) -> None:
    form = kit.credentials_form(pliance_target)
    expected = (
        "CredentialsForm(pliance from the sandbox: secret* (secret), issuer*, given_name*, subject*, tenant, cert)"
    )
    assert repr(form) == expected
    bundle = form._repr_mimebundle_()
    assert bundle["text/plain"] == expected
    assert "application/vnd.jupyter.widget-view+json" in bundle
