"""The README's make targets take what the README says they take."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_passes_lab_args_to_jupyterlab() -> None:
    out = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "lab", "LAB_ARGS=--port 8899 --no-browser"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lab = [line for line in out.splitlines() if "jupyter lab" in line]
    assert lab and lab[-1].endswith("--port 8899 --no-browser"), out
    assert "--notebook-dir=notebooks" in lab[-1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_install_says_each_step_before_it_runs_and_uses_uv() -> None:
    """`make lab` on a fresh clone is never silent: a line before the venv, the installer and kit."""
    out = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "install"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    said = [i for i, line in enumerate(out) if line.startswith("echo ") and "kit [" in line]
    steps = [i for i, line in enumerate(out) if not line.startswith("echo ") and ("venv" in line or "install" in line)]
    assert len(said) == 3 and len(steps) >= 3
    assert said[0] < steps[0] and said[1] < steps[1] and said[2] < steps[2]  # each step announced before it runs
    assert any("uv pip install" in line and "-e '.[dev]'" in line for line in out)
