"""Credential forms work headless: value, submit, cleared secrets, deterministic repr."""

import builtins
import getpass
from typing import Any

import ipywidgets as widgets
import pytest

import kit
from kit.providers import pliance


@pytest.fixture(autouse=True)
def no_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:  # a headless form must never prompt
        raise AssertionError("the form prompted for input")

    monkeypatch.setattr(builtins, "input", refuse)
    monkeypatch.setattr(getpass, "getpass", refuse)


def test_fields_follow_the_dataclass_and_secrets_are_password_widgets(pliance_target: kit.Target) -> None:
    form = kit.credentials_form(pliance_target)
    assert list(form.fields) == ["secret", "issuer", "given_name", "subject", "tenant", "cert"]
    assert isinstance(form.fields["secret"], widgets.Password)
    assert all(type(form.fields[n]) is widgets.Text for n in ("issuer", "given_name", "subject", "tenant", "cert"))
    assert form.fields["issuer"].value == pliance_target.credentials_as(pliance.Credentials).issuer
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
    assert isinstance(creds, pliance.Credentials)  # the form's type, for the checker too
    assert creds.secret.reveal() == typed and creds.given_name == "Ada"
    assert pliance_target.credentials is creds
    assert form.fields["secret"].value == "" and typed not in str(form.widget.get_state())
    assert form.status.value.startswith("✓ pliance credentials set: secret, issuer")
    assert form.value == creds and form.submit() == creds  # a second submit keeps the secret
    form.fields["given_name"].value = "Grace"
    form.button.click()
    assert pliance_target.credentials_as(pliance.Credentials).given_name == "Grace"


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


def test_every_field_shows_where_its_value_comes_from(pliance_target: kit.Target) -> None:
    form = kit.credentials_form(pliance_target)
    marks = {name: widget.value for name, widget in form.marks.items()}
    assert all("the sandbox" in marks[n] for n in ("secret", "issuer", "given_name", "subject"))
    assert "not set (PLIANCE_TENANT)" in marks["tenant"]
    assert not any("✎" in m for m in marks.values())


def test_live_fields_name_their_env_var() -> None:
    environ = {
        "PLIANCE_URL": "http://127.0.0.1:9/",
        "PLIANCE_SECRET": "s" * 40,
        "PLIANCE_ISSUER": "acme",
        "PLIANCE_GIVEN_NAME": "Ada",
        "PLIANCE_SUBJECT": "ada-1",
    }
    target = kit.connect("pliance", environ=environ, tenant="t-1")
    form = kit.credentials_form(target)
    assert "env PLIANCE_SECRET" in form.marks["secret"].value
    assert "connect() argument" in form.marks["tenant"].value
    assert form.fields["secret"].placeholder == "•••• from env PLIANCE_SECRET"


def test_a_typed_value_is_marked_and_stays_marked_in_a_new_form(pliance_target: kit.Target) -> None:
    form = kit.credentials_form(pliance_target)
    form.fields["given_name"].value = "Grace"
    assert form.marks["given_name"].value.count("✎ changed from the sandbox") == 1
    form.fields["given_name"].value = pliance_target.credentials_as(pliance.Credentials).given_name  # typed back
    assert "✎" not in form.marks["given_name"].value
    form.fields["secret"].value = "typed-secret-0123456789abcdef-0123456789"
    assert "✎ changed" in form.marks["secret"].value
    form.submit()
    assert "(✎ changed: secret)" in form.status.value
    again = kit.credentials_form(pliance_target)  # re-running the form cell no longer claims "from the sandbox"
    assert "✎ changed from the sandbox" in again.marks["secret"].value
    assert again.fields["secret"].placeholder.startswith("•••• set (")
    assert repr(again).endswith("; ✎ changed: secret)")
    assert pliance_target.table().loc["secret", "from"] == "changed"


def test_reset_brings_the_source_values_back(pliance_target: kit.Target) -> None:
    original = pliance_target.credentials_as(pliance.Credentials)
    form = kit.credentials_form(pliance_target)
    form.fields["secret"].value = "typed-secret-0123456789abcdef-0123456789"
    form.fields["issuer"].value = "someone-else"
    form.submit()
    assert pliance_target.credentials != original
    restored = form.reset()
    assert restored == original and pliance_target.credentials == original
    assert form.fields["issuer"].value == original.issuer and form.fields["secret"].value == ""
    assert not any("✎" in m.value for m in form.marks.values())
    assert form.status.value == "↺ pliance credentials back to the values from the sandbox"
    form.reset_button.click()  # the button does the same
    assert pliance_target.credentials == original


def test_labels_are_whole_field_names_in_a_grid(pliance_target: kit.Target) -> None:
    form = kit.credentials_form(pliance_target)
    grid = form.widget.children[0]
    assert isinstance(grid, widgets.GridBox)
    labels = [c.value for c in grid.children if isinstance(c, widgets.Label)]
    assert labels == ["secret *", "issuer *", "given_name *", "subject *", "tenant", "cert"]
    assert grid.layout.grid_template_columns.startswith("max-content")  # a label column as wide as its text
    assert all(not box.description for box in form.fields.values())  # no description cut at a fixed width


def test_a_session_made_before_reset_says_it_holds_the_typed_value_and_names_its_cell(
    pliance_target: kit.Target,
) -> None:
    """Type a wrong secret, submit, make a session (in an IPython cell, as a notebook does), press Reset: the old
    session is still refused, and its hint says the value was typed in the form before the Reset (not "changed in
    code"), names the cell that made it and says to run it again; its repr says so too; a new session works."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        form = kit.credentials_form(pliance_target)
        form.fields["secret"].value = "typed-wrong-secret-0123456789abcdef-0123"
        form.submit()
        shell.user_ns["target"] = pliance_target
        assert shell.run_cell("# make it\nsession = target.session()").success  # type: ignore[no-untyped-call]
        session = shell.user_ns["session"]
        with pytest.raises(kit.AuthError) as typed:
            session.call("GET", "api/Ping")
        assert "secret ✎ changed in the form →" in typed.value.hint and "press Reset" in typed.value.hint
        assert "made before" not in repr(session)
        form.reset()
        with pytest.raises(kit.AuthError) as before:
            session.call("GET", "api/Ping")
        said = before.value.hint
        assert "secret ✎ changed in the form before its last Submit or Reset" in said and "in code" not in said
        assert "run the cell that made it (`session = target.session()`) again" in said
        assert "made before the form's last Submit or Reset" in repr(session)
        assert "typed-wrong-secret" not in said + repr(session)
        assert pliance_target.session().call("GET", "api/Ping") is not None  # a session made now: the reset values
    finally:
        InteractiveShell.clear_instance()
