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
