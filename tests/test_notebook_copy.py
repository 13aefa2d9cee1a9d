"""``kit notebooks DIR`` and ``kit --version``, through the installed ``kit`` script: the eight shipped notebooks
copied out, never over a notebook a person changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import kit

KIT = Path(sys.executable).parent / "kit"
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(KIT), *args], capture_output=True, text=True, timeout=120)


def test_the_shipped_notebooks_are_the_repositorys_and_are_copied_out(tmp_path: Path) -> None:
    done = run("notebooks", str(tmp_path / "lab"))
    assert done.returncode == 0, done.stderr
    copied = sorted(p.name for p in (tmp_path / "lab").iterdir())
    assert copied == sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")) and len(copied) == 8
    assert all((tmp_path / "lab" / n).read_bytes() == (NOTEBOOKS / n).read_bytes() for n in copied)
    again = run("notebooks", str(tmp_path / "lab"))
    assert again.returncode == 0 and "0 notebook(s) written" in again.stdout and "8 already there" in again.stdout


def test_a_changed_notebook_is_never_overwritten(tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    lab.mkdir()
    mine = lab / "02-signicat.ipynb"
    mine.write_text("my own work")
    done = run("notebooks", str(lab))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "02-signicat.ipynb" in done.stderr
    assert mine.read_text() == "my own work"
    assert len(list(lab.glob("*.ipynb"))) == 8  # the others were written


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    done = run("notebooks", str(tmp_path / "f"))
    assert done.returncode == 2 and "is not a folder" in done.stderr


def test_the_version_is_kits() -> None:
    done = run("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"kit {kit.__version__}"
