"""``kit.to_curl``'s block, pasted into real shells (bash and Debian's zsh), runs nothing it recorded.

Recorded data (a body, a path, a header value) goes into the block single-quoted: a body holding
``${…}`` or ``$(…)`` is sent as written and expands nothing; a path holding ``!`` is not spliced with a
history line in an interactive shell; a folder name with a newline cannot end a comment line; and a
block never references another provider's variables. Each block runs against a sandbox served by
``kit sandbox serve`` in its own process (reached as a live API is); curl's ``--trace-ascii`` shows what it
sent. The interactive cases read the block on standard input of ``bash -i`` / ``zsh -i``, where both
shells expand history (the harness case shows they do).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import kit
from kit.providers import pliance

ROOT = Path(__file__).resolve().parent.parent
PYTHON_DIR = str(Path(sys.executable).parent)
SHELLS = ["bash", "zsh"]


def _need(shell: str) -> None:
    if shutil.which(shell) is None or shutil.which("curl") is None:
        message = f"{shell} or curl is not installed (.ci/run installs both)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _command(shell: str, interactive: bool) -> list[str]:
    quiet = ["--norc", "--noprofile"] if shell == "bash" else ["-f"]
    return [shell, *quiet, "-i"] if interactive else [shell, *quiet, "-c"]


def paste(
    shell: str, block: str, folder: Path, env: dict[str, str], *, interactive: bool = False, before: str = ""
) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run ``block`` (its curl line tracing what it sends) in ``shell`` in ``folder``; the result and the trace."""
    _need(shell)
    trace = Path(tempfile.gettempdir()) / f"kit-curl-trace-{os.getpid()}-{shell}-{interactive}.txt"
    trace.unlink(missing_ok=True)
    script = f"{before}{block} --silent --output /dev/null --trace-ascii '{trace}'\n"
    clean = {"HOME": str(folder), "PATH": f"{PYTHON_DIR}:/usr/bin:/bin", **env}
    if interactive:
        done = subprocess.run(
            ["env", "-i", *(f"{k}={v}" for k, v in clean.items()), *_command(shell, True)],
            input=script + "exit\n", capture_output=True, text=True, timeout=90, cwd=folder,
        )  # fmt: skip
    else:
        done = subprocess.run(
            ["env", "-i", *(f"{k}={v}" for k, v in clean.items()), *_command(shell, False), script],
            capture_output=True, text=True, timeout=90, cwd=folder,
        )  # fmt: skip
    return done, _sent(trace.read_text(errors="replace")) if trace.exists() else ""


def _sent(trace: str) -> str:
    """What curl sent (its header and data sections of ``--trace-ascii``), each section's lines rejoined."""
    sections: list[str] = []
    sending = False
    for line in trace.splitlines():
        if line.startswith(("=>", "<=", "==")):
            sending = line.startswith("=> Send")
            sections.append("")
        elif sending and line[4:6] == ": ":
            sections[-1] += line[6:]
    return "\n".join(s for s in sections if s)


@pytest.fixture
def live(
    served: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[dict[str, str]]:
    """Signicat's env vars for the served sandbox, set for kit.connect too (it is then live)."""
    env = served["signicat"]
    monkeypatch.chdir(tmp_path)  # kit ran here, away from its venv: the block names kit by its absolute path
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    yield env


def _recorded(body: object = None, path: str = "auth/rest/sessions", method: str = "POST") -> str:
    target = kit.connect("signicat")
    assert target.mode == "live"
    session = target.session()
    session.request(method, path, json=body)
    return kit.to_curl(session)


def test_the_harness_sees_history_expansion_and_command_substitution(tmp_path: Path) -> None:
    for shell in SHELLS:
        _need(shell)
        done = subprocess.run(
            [*_command(shell, True)], input='echo first second\necho "a/!:1/b"\nexit\n',
            capture_output=True, text=True, timeout=30, cwd=tmp_path,
            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        assert "a/first/b" in done.stdout + done.stderr, shell  # so the held cases below mean quoted, not unseen


@pytest.mark.parametrize("shell", SHELLS)
def test_a_body_holding_expansions_is_sent_as_recorded_and_runs_nothing(
    shell: str, live: dict[str, str], tmp_path: Path
) -> None:
    body = {"run": "${(e):-$(touch M)} `touch B` $(touch C)", "home": "${HOME}", "other": "${PLIANCE_SECRET}"}
    block = _recorded(body)
    assert "PLIANCE" not in block.replace('"${PLIANCE_SECRET}"}', "")  # never the other provider's variable
    env = {**live, "PLIANCE_SECRET": "marker-pliance-secret-0123456789abcdef"}
    done, trace = paste(shell, block, tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert not any((tmp_path / name).exists() for name in ("M", "B", "C"))
    assert '"home": "${HOME}"' in trace and '"other": "${PLIANCE_SECRET}"' in trace
    assert "$(touch C)" in trace and "marker-pliance-secret" not in trace and str(tmp_path) + '"' not in trace


@pytest.mark.parametrize("shell", SHELLS)
def test_a_path_holding_a_history_mark_is_sent_as_recorded_in_an_interactive_shell(
    shell: str, live: dict[str, str], tmp_path: Path
) -> None:
    block = _recorded(method="GET", path="auth/rest/sessions/!:1")
    done, trace = paste(shell, block, tmp_path, live, interactive=True, before="echo first second\n")
    assert "GET /auth/rest/sessions/!:1?signicat-accountId=" in trace, done.stdout + done.stderr


@pytest.mark.parametrize("shell", SHELLS)
def test_a_working_folder_named_with_a_newline_stays_in_its_comment(
    shell: str, live: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = ROOT / "case\ntouch X #"  # beside .venv: the block names kit relative to it, and names the folder
    folder.mkdir()
    try:
        monkeypatch.chdir(folder)
        block = _recorded({})
        assert block.startswith("# paste into bash or zsh in case\\x0atouch X #/")
        assert all(not line.startswith("touch") for line in block.splitlines())
        done, trace = paste(shell, block, folder, live)
        assert done.returncode == 0, done.stderr
        assert not (folder / "X").exists() and "POST /auth/rest/sessions" in trace
    finally:
        shutil.rmtree(folder)


def test_another_providers_credential_in_a_recorded_body_stays_masked(live: dict[str, str]) -> None:
    other = pliance.Credentials.of(
        secret="curl-other-secret-0123456789abcdef-0123", issuer="i", given_name="g", subject="s"
    )
    block = _recorded({"note": other.secret.reveal()})
    assert "PLIANCE" not in block.replace("left masked: PLIANCE_SECRET", "")
    assert other.secret.reveal() not in block
    assert "# left masked: PLIANCE_SECRET is not signicat's, so this block never sends it" in block
