"""What each path of kit imports, measured in a fresh interpreter: the display layer (pandas, ipywidgets,
IPython) loads only where a table, a form or a box is shown; werkzeug and trustme only when a sandbox starts;
the HTTPie plugin module imports nothing of kit until HTTPie asks it for an auth.

Each case runs in its own Python process (``sys.modules`` of this one already holds everything).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from realservers import stop

DISPLAY = ("pandas", "ipywidgets", "IPython")
SERVING = ("werkzeug", "trustme")


def loaded(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages ``code`` has imported by its end, run in a fresh interpreter."""
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, str]]:
    """Signicat's sandbox served by the CLI in its own process, and the env vars that name it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kit.sandbox", "serve", "--json", "signicat"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = json.loads(process.stdout.readline())
        yield {**{k: v for k, v in os.environ.items() if not k.startswith("SIGNICAT_")}, **line["env"]}
    finally:
        stop(process)


def test_import_kit_loads_no_display_layer_no_server_and_no_jwt() -> None:
    assert loaded("import kit") & {*DISPLAY, *SERVING, "jwt", "cryptography", "numpy"} == set()


def test_a_public_name_loads_when_first_asked_for() -> None:
    assert "pandas" in loaded("import kit; kit.Table")
    assert loaded("import kit; kit.connect; kit.claims; kit.Session") & {*DISPLAY, *SERVING} == set()


def test_a_live_session_making_calls_and_the_token_command_load_no_display_layer(served: dict[str, str]) -> None:
    session = "import kit\ns = kit.connect('signicat').session()\ns.call('POST', 'auth/rest/sessions', json={})"
    assert loaded(session, served) & {*DISPLAY, *SERVING} == set()
    token = "import sys\nsys.argv = ['kit', 'token', 'signicat']\nfrom kit.__main__ import main\nmain()"
    assert loaded(token, served) & {*DISPLAY, *SERVING, "jwt", "cryptography"} == set()


def test_a_sandbox_session_loads_the_servers_but_no_display_layer() -> None:
    code = "import kit\nwith kit.connect('signicat') as t:\n    t.session().call('POST', 'auth/rest/sessions', json={})"
    modules = loaded(code, {k: v for k, v in os.environ.items() if not k.startswith("SIGNICAT_")})
    assert set(SERVING) <= modules and modules & set(DISPLAY) == set()


@pytest.mark.parametrize("argv", [["openapi", "signicat"], ["openapi", "signzy", "--swagger2"], ["--help"]])
def test_the_command_line_loads_no_display_layer_and_no_server(argv: list[str]) -> None:
    code = (
        f"import sys\nsys.argv = ['kit', *{argv!r}]\nfrom kit.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    assert loaded(code) & {*DISPLAY, *SERVING} == set()


def test_httpx_auths_load_no_display_layer(served: dict[str, str]) -> None:
    code = (
        "import httpx, kit\nt = kit.connect('signicat')\na = t.httpx_auth()\n"
        "httpx.Client(base_url=a.base_url, auth=a).post('auth/rest/sessions', json={})"
    )
    assert loaded(code, served) & {*DISPLAY, *SERVING} == set()


def test_the_httpie_plugin_module_imports_nothing_of_kit_until_asked() -> None:
    probe = (
        "import kit.httpie_auth as h\nassert h.signicat.auth_type == 'kit-signicat'\n"
        "import sys, json\nprint(json.dumps(sorted(m for m in sys.modules if m.startswith('kit'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # the package and its light floor (errors, the log redaction, the error box): nothing of a provider or a session
    light = {"kit", "kit.httpie_auth", "kit.errors", "kit.logs", "kit.secrets", "kit.secret_index", "kit.arguments",
             "kit.bounded", "kit.error_box"}  # fmt: skip
    assert set(json.loads(done.stdout)) <= light
