"""The README's shell blocks run as printed, so the README cannot drift from the code.

Each ```bash block runs in a clean ``env -i`` bash (``set -e``), in a folder holding only links to the project's
``.venv`` and ``notebooks``, as a reader pastes it at the repository's root: the sandboxes the block starts serve on
free ports and it reads their URLs from the env files they write (no port is assumed). A block preceded by
``<!-- not run by tests/test_readme_blocks.py: reason -->`` says why it is not run (a live account, the project's own
entry points); the block of ``kit.to_curl``'s output is compared with what to_curl prints today, then run.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from served import env_values, served_env

import kit
from kit.shell import kit_command

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCK = re.compile(r"(?:<!-- (?P<mark>[^\n]*?) -->\n)?```bash\n(?P<code>.*?)```", re.S)
NOT_RUN = "not run by tests/test_readme_blocks.py: "
CURL = "kit.to_curl's block"
#: before each block: stop at the first failure, and stop what the block started in the background when it ends
PRELUDE = "set -eo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
BLOCKS = [(m.group("mark") or "", m.group("code"), README[: m.start()].count("\n") + 1) for m in BLOCK.finditer(README)]


def _ids() -> list[str]:
    return [f"line {line}" for _, _, line in BLOCKS]


def _folder(tmp_path: Path) -> Path:
    """A reader's repository root after running notebook 07: the project's .venv, and in notebooks/ the
    investigation 07 records (a Signicat session created and read back, as 07 does), nothing else."""
    (tmp_path / "notebooks").mkdir(parents=True)
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    with kit.connect("signicat", environ={}) as target:
        s = target.session()
        made = s.call("POST", "auth/rest/sessions", json={"flow": "redirect"}, step="create a session")
        s.call("GET", f"auth/rest/sessions/{made['id']}", step="read it back")
        kit.to_har(s, tmp_path / "notebooks" / "investigation.har")
    return tmp_path


def _bash(script: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """``script`` in ``env -i`` bash with ``set -e``; whatever it left running is stopped after it."""
    process = subprocess.Popen(
        ["env", "-i", f"HOME={home}", "PATH=/usr/bin:/bin", "bash", "-c", PRELUDE + script],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=180)
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)  # a sandbox the block started and did not stop
        except ProcessLookupError:
            pass
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_every_shell_block_is_run_or_says_why_not() -> None:
    assert len(BLOCKS) >= 8
    for mark, code, line in BLOCKS:
        assert mark == "" or mark.startswith(NOT_RUN) or mark.startswith(CURL), (line, mark)
        if mark.startswith(NOT_RUN):
            assert len(mark) > len(NOT_RUN) + 20, f"line {line}: say why the block is not run"
        assert ":8702" not in code and "localhost:870" not in code, f"line {line} assumes a port"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed (.ci/run installs it)")
@pytest.mark.parametrize("mark, code, line", BLOCKS, ids=_ids())
def test_the_block_runs_as_printed(mark: str, code: str, line: int, tmp_path: Path) -> None:
    if mark.startswith(NOT_RUN):
        pytest.skip(mark)
    folder = _folder(tmp_path / "root")
    home = tmp_path / "home"
    home.mkdir(parents=True)
    if mark.startswith(CURL):
        _check_the_curl_block(code, folder, home)
        return
    done = _bash(code, folder, home)
    assert done.returncode == 0, (line, done.stdout[-2000:], done.stderr[-2000:])


def _check_the_curl_block(code: str, folder: Path, home: Path) -> None:
    """What kit.to_curl prints in notebooks/ for a session of a served Signicat sandbox, the origin written as
    http://127.0.0.1:PORT: the README's block, line for line; then the block, run after sourcing the env file."""
    with served_env("signicat", folder, kit=folder / ".venv" / "bin" / "kit") as env_file:
        values = env_values(env_file)
        here = os.getcwd()
        os.chdir(ROOT / "notebooks")  # where a notebook runs, as the README's block says
        try:
            target = kit.connect("signicat", environ=values)
            session = target.session()
            session.call("POST", "auth/rest/sessions", json={})
            # the README names the project's .venv; the floors tier runs this in .venv-floors, whose kit it names
            block = str(kit.to_curl(session)).replace(kit_command(), os.path.join(os.pardir, ".venv", "bin", "kit"))
        finally:
            os.chdir(here)
        origin = values["SIGNICAT_URL"].rstrip("/")
        assert block.replace(origin, "http://127.0.0.1:PORT") == code.rstrip("\n")
        done = _bash(f"source {env_file}\ncd notebooks\n{code}", folder, home)
        assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-2000:])
        assert '"status"' in done.stdout or '"id"' in done.stdout, done.stdout[-500:]
