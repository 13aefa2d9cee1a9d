"""What kit renders as HTML escapes what it did not write itself: a ``.env`` file's name, a provider's
name in a status line, a source remark, rendered in headless Chromium as JupyterLab renders a trusted output
and an ipywidgets ``HTML`` value (``innerHTML``), and no payload runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from trusted_render import PAYLOADS, ran_code

import kit
from kit.forms import credentials_form
from kit.sandbox import Sandbox, start


@pytest.fixture
def box() -> Iterator[Sandbox]:
    made = start("pliance")
    yield made
    made.stop()


def _form_html(form: kit.CredentialsForm) -> list[str]:
    return [mark.value for mark in form.marks.values()] + [form.status.value]


def test_the_harness_sees_a_payload_run_when_it_is_not_escaped() -> None:
    ran, _ = ran_code([f"<span title='x'>{PAYLOADS[0]}</span>"])
    assert ran  # so a False below means escaped, not a harness that cannot see code run


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_env_file_named_as_html_shows_as_text_in_the_form(box: Sandbox, tmp_path: Path, payload: str) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    name = payload.replace("/", "_") + ".env"
    path = folder / name
    values = {"PLIANCE_URL": box.url, **{f"PLIANCE_{k.upper()}": v for k, v in box.credentials.items()}}
    path.write_text("".join(f'{k}="{v}"\n' for k, v in values.items()))
    target = kit.connect("pliance", environ={}, env_file=path)
    form = credentials_form(target)
    form.fields["issuer"].value = "typed-issuer"  # a ✎ changed remark, which names the file too
    form.submit()
    fragments = _form_html(form) + [target._repr_html_()]
    ran, text = ran_code(fragments)
    assert not ran
    assert name in text  # shown as the file's name, literally


def test_a_status_line_quoting_a_field_stays_text(pliance_target: kit.Target) -> None:
    form = credentials_form(pliance_target)
    form._say(f"✗ {PAYLOADS[1]}")
    ran, text = ran_code([form.status.value])
    assert not ran and PAYLOADS[1] in text
