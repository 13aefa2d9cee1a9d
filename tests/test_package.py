"""kit as others install it: the sdist and the wheel build and pass ``twine check``; the sdist's tests collect;
the wheel, installed in a clean venv outside the repository, copies out its eight notebooks and runs a
Signicat session against its sandbox. Slow (a build, a venv, an install from the package index): the
``slow`` tier, in ``make test`` only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out


def _one(dist: Path, pattern: str) -> Path:
    found = list(dist.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def test_sdist_and_wheel_pass_twine_check_and_carry_the_license_and_the_notebooks(dist: Path) -> None:
    done = subprocess.run([str(BIN / "twine"), "check", "--strict", *map(str, dist.iterdir())], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    wheel = _one(dist, "kit_auth_lab-*.whl")
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert len([n for n in names if n.startswith("kit/notebook_files/") and n.endswith(".ipynb")]) == 8
    assert any(n.endswith("licenses/LICENSE") for n in names)
    recipes = {n for n in names if n.startswith("kit/providers/") and n.rsplit("/", 1)[-1].startswith("recipe.")}
    assert len(recipes) == 10  # each provider's recipe in Python and JavaScript (`kit recipe NAME --lang js`)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in metadata and "Project-URL: Homepage" in metadata
    assert "Classifier: Programming Language :: Python :: 3.11" in metadata


def test_the_sdists_tests_collect(dist: Path, tmp_path: Path) -> None:
    with tarfile.open(_one(dist, "kit_auth_lab-*.tar.gz")) as archive:
        archive.extractall(tmp_path, filter="data")
    unpacked = next(tmp_path.iterdir())
    assert not (unpacked / "tests" / "conformance" / "node_modules").exists()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider", "tests"],
        capture_output=True, text=True, timeout=300, cwd=unpacked,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "tests collected" in done.stdout and "error" not in done.stdout.lower().split("collected")[-1]


def test_the_wheel_in_a_clean_venv_copies_its_notebooks_and_runs_a_session(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [str(BIN / "uv"), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
         str(_one(dist, "kit_auth_lab-*.whl"))],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNICAT_", "VIRTUAL_ENV", "PYTHONPATH"))}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copied = subprocess.run([str(venv / "bin" / "kit"), "notebooks", "lab"], capture_output=True, text=True,
                            timeout=120, cwd=elsewhere, env=env)  # fmt: skip
    assert copied.returncode == 0, copied.stderr
    assert len(list((elsewhere / "lab").glob("[0-9][0-9]-*.ipynb"))) == 8
    shown = subprocess.run([str(venv / "bin" / "kit"), "recipe", "signzy", "--lang", "js"], capture_output=True,
                           text=True, timeout=120, cwd=elsewhere, env=env)  # fmt: skip
    assert shown.returncode == 0 and "node:crypto" not in shown.stdout and "api/channels/login" in shown.stdout
    version = subprocess.run([str(venv / "bin" / "kit"), "--version"], capture_output=True, text=True, env=env)
    assert version.stdout.strip().startswith("kit 0.")
    code = (
        "import json, kit\nwith kit.connect('signicat') as t:\n    s = t.session()\n"
        "    print(json.dumps([kit.__file__, sorted(s.call('POST', 'auth/rest/sessions', json={}))]))"
    )
    session = subprocess.run([str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True,
                             timeout=120, cwd=elsewhere, env=env)  # fmt: skip
    assert session.returncode == 0, session.stderr
    where, answer = json.loads(session.stdout)
    assert str(venv) in where and "id" in answer  # the installed kit, not the repository's
