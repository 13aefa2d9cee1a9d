"""``python -m kit token NAME`` end to end: a to_curl line, filled as its comments say, run by bash.

A CLI sandbox (``python -m kit.sandbox serve all``) runs in its own process; kit reaches it the way it
reaches a live provider, through the ``<NAME>_*`` env vars that the sandbox prints in each line's
``env``. The curl line comes from a real kit session's journal; its ``export …`` comments are run as
they are, with ``python`` being this environment's, so the hints themselves are what is tested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kit
from kit.providers import names
from kit.shell import kit_command

PYTHON_DIR = str(Path(sys.executable).parent)


def _env(extra: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not any(k.startswith(n.upper() + "_") for n in names())}
    return {**clean, **extra, "PATH": PYTHON_DIR + os.pathsep + os.environ.get("PATH", "")}


def _curl_line(name: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    """The provider's demo business call, sent by a kit session to the CLI sandbox, as to_curl writes it."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    target = kit.connect(name)
    assert target.mode == "live"  # reached like a live provider, through <NAME>_URL
    call = target.provider.business
    session = target.session(**call.options)
    session.call(call.method, call.path_for(session), json=call.body)
    return kit.to_curl(session)


def _need_curl() -> None:
    if shutil.which("curl"):
        return
    message = "curl is not installed (apt-get install curl); .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# The pasted to_curl block, run in a clean shell against a CLI sandbox: tests/test_shell_path.py.


def test_the_token_is_exactly_what_the_placeholder_stands_for(
    served: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signzy sends its raw token as the whole Authorization value: the CLI prints that, not 'Bearer …'."""
    env = _env(served["signzy"])
    out = subprocess.run(
        [sys.executable, "-m", "kit", "token", "signzy"], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip()
    assert token and " " not in token
    for key, value in served["signzy"].items():
        monkeypatch.setenv(key, value)
    session = kit.connect("signzy").session()
    answer = session.probe("GET", "api/channels/ch-1", headers={"Authorization": token})
    assert answer.status_code == 200


def test_salt_edge_explains_how_its_headers_are_filled(served: dict[str, dict[str, str]]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kit", "token", "saltedge"],
        env=_env(served["saltedge"]),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and out.stdout == ""
    assert "issues no token" in out.stderr and "SALTEDGE_PRIVATE_KEY_PEM" in out.stderr
    assert served["saltedge"]["SALTEDGE_APP_SECRET"] not in out.stderr


def test_salt_edge_curl_hints_point_at_env_vars_and_the_explanation(
    served: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    hints = _curl_line("saltedge", served["saltedge"], monkeypatch).splitlines()[:-1]
    kit_cli = kit_command()
    assert '"${SALTEDGE_APP_SECRET:?set SALTEDGE_APP_SECRET first}"' in hints[2]  # checked: kit.connect's env var
    assert '"${SALTEDGE_CLIENT_ID:?set SALTEDGE_CLIENT_ID first}"' in hints[2]  # the app id, from its variable too
    assert served["saltedge"]["SALTEDGE_CLIENT_ID"] not in _curl_line("saltedge", served["saltedge"], monkeypatch)
    assert "SALTEDGE_SIGNATURE:?" not in hints[2]  # made per request, not set by hand
    assert f"# SALTEDGE_SIGNATURE: made for each request; {kit_cli} token saltedge says how" in hints


def test_without_a_url_the_cli_says_what_to_set() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kit", "token", "signicat"], env=_env({}), capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2 and out.stdout == ""
    assert "set SIGNICAT_URL" in out.stderr and "SIGNICAT_CLIENT_SECRET" in out.stderr
    assert "sandbox serve signicat` prints their export lines" in out.stderr


def test_an_unknown_provider_is_a_clear_error() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kit", "token", "nosuch"], env=_env({}), capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2 and "nosuch" in out.stderr and "Traceback" not in out.stderr
