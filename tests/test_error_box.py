"""A refused credential in a notebook is an answer: a short box, not a traceback through kit.

Each case runs in a fresh interpreter with a real IPython shell (``InteractiveShell``, the shell
ipykernel builds on), real sandboxes and the real form, so the hook kit installs when imported is the
one a notebook gets; the kernel-side display in JupyterLab is proven in ``test_browser.py``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import kit
from kit.error_box import ErrorBox


def _ipython(cells: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``cells`` one by one in a fresh IPython shell; each cell's error type is printed after it."""
    script = textwrap.dedent(
        """
        import sys
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance(colors="nocolor")
        for cell in sys.argv[1:]:
            result = shell.run_cell(cell)
            print("@@ cell raised", type(result.error_in_exec).__name__, flush=True)
        """
    )
    return subprocess.run(
        [sys.executable, "-W", "default", "-c", script, *cells], capture_output=True, text=True, timeout=120
    )


def test_a_secret_typed_wrong_in_the_form_is_a_short_answer_naming_the_field() -> None:
    done = _ipython(
        [
            "import kit\ntarget = kit.connect('signicat')\nform = kit.credentials_form(target)",
            "form.fields['client_secret'].value = 'typed-wrong-' + 'x' * 32\nform.submit()",
            "target.session().call('POST', 'auth/rest/sessions', json={})",
            "%tb",
        ]
    )
    out = done.stdout + done.stderr
    answer = out.split("@@ cell raised NoneType")[2].split("@@ cell raised")[0]  # the third cell's output
    assert "✗ signicat refused it" in answer
    assert "400 invalid_client: invalid client secret" in answer
    assert "client_secret ✎ changed in the form → 400 invalid_client; press Reset in the form or fix it" in answer
    assert "Traceback" not in answer and "kit/wire.py" not in answer
    assert "typed-wrong" not in out
    assert out.count("@@ cell raised AuthError") == 1  # the cell still fails: Run All stops there
    assert "Traceback" in out.split("@@ cell raised AuthError")[1]  # %tb: the full traceback, on demand


def test_a_short_hmac_secret_shows_no_pyjwt_warning_and_other_errors_keep_their_traceback() -> None:
    done = _ipython(
        [
            "import kit\nfrom kit.providers import pliance\ntarget = kit.connect('pliance')",
            "creds = target.credentials.replace(secret=kit.Secret('short'))\n"
            "kit.claims(pliance.mint_token(creds), creds.secret).set_index('name').loc['signature', 'check']",
            "target.session(creds).call('GET', 'api/Ping')",
            "1 / 0",
        ]
    )
    out = done.stdout + done.stderr
    assert "InsecureKeyLengthWarning" not in out and "minimum recommended" not in out
    assert "HS key shorter than 32 bytes" in out  # the claims table reports it instead
    assert "secret ✎ changed in code → 401 invalid_token" in out
    assert "ZeroDivisionError" in out and "Traceback" in out.split("@@ cell raised AuthError")[1]


def test_plain_python_keeps_the_full_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import kit\nkit.connect('plaince')"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "Traceback" in done.stderr
    assert "ConfigError: unknown provider 'plaince'; did you mean 'pliance'?" in done.stderr


def test_the_box_escapes_what_it_shows_and_keeps_the_hint() -> None:
    error = kit.AuthError(401, "<b>code</b>", "a <script> message", provider="acme", url="/x?y=<z>")
    error.hint = "secret ✎ changed in the form → 401"
    box = ErrorBox.of(error)
    html = box._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;code&lt;/b&gt;" in html
    assert "mathjax_ignore" in html
    assert repr(box).splitlines()[0] == "✗ acme refused it"
    assert "hint" in repr(box) and "secret ✎ changed in the form → 401" in repr(box)
    plain = ErrorBox.of(kit.ConfigError("bad input"))
    assert plain.title == "✗ kit could not do it" and ("message", "bad input") in plain.lines


def test_a_refusal_with_unchanged_credentials_says_so() -> None:
    fresh = kit.connect("signicat", products="")
    try:
        fresh.session().call("POST", "auth/rest/sessions", json={})
        raise AssertionError("a client without the product permission was not refused")
    except kit.AuthError as exc:
        assert exc.hint.startswith("no credential was changed (all from the sandbox) → 403")
