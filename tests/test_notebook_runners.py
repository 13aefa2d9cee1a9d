"""A notebook is a CI job: every runner a team uses fails on a KitError in a cell, and prints what was refused.

kit shows a KitError as a short box; since IPython calls a custom handler *instead of* its traceback, the box
alone left no ``error`` output, and nbmake passed a failing notebook. Here the real runners, each as a team's
CI calls it (nbval and nbmake under pytest, the papermill and ``jupyter nbconvert --execute`` commands), run a
copy of notebook 02 with one cell injected after the form: a session with a wrong secret calls the API. Each
must fail and print the box's summary (who refused, status, code, hint); each passes the shipped notebooks.
papermill also runs 02 with ``-p env_file`` naming a served sandbox's env file: the run goes live.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from served import served_env

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BIN = Path(sys.executable).parent
#: what each runner must print: the error's class and the box's one-line summary with its hint
SUMMARY = (
    "AuthError: signicat refused it — 400 invalid_client: invalid client secret — hint: client_secret ✎ changed "
    "in code → 400 invalid_client"
)
INJECTED = (
    'wrong = target.credentials.replace(client_secret=target.new_secret("not the secret"))\n'
    'target.session(wrong).call("POST", "auth/rest/sessions", json={})'
)


def _env() -> dict[str, str]:
    """The runner's environment: no provider URL inherited, so every notebook starts its sandboxes."""
    return {k: v for k, v in os.environ.items() if not k.endswith("_URL") and not k.startswith("PYTEST_")}


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Notebook 02 with a cell that a wrong secret makes fail, right after the form's submit."""
    folder = tmp_path_factory.mktemp("failing")
    notebook = nbformat.read(NOTEBOOKS / "02-signicat.ipynb", as_version=4)
    at = next(i for i, c in enumerate(notebook.cells) if c.source.startswith("creds = form.submit()"))
    notebook.cells.insert(at + 1, nbformat.v4.new_code_cell(INJECTED))
    path = folder / "02-failing.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped notebooks (they write their HAR files beside themselves)."""
    folder = tmp_path_factory.mktemp("shipped")
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        shutil.copy(path, folder / path.name)
    return folder


def _pytest(plugin: str, *names: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """pytest with ``plugin`` (``--nbval``, ``--nbmake``) on ``names``, in ``cwd`` (away from kit's conftest)."""
    return _run([str(BIN / "python"), "-m", "pytest", plugin, "-p", "no:cacheprovider", *names], cwd)


def _said(done: subprocess.CompletedProcess[str]) -> str:
    return done.stdout + done.stderr


def test_nbval_fails_on_the_refused_cell_and_prints_the_summary(failing: Path) -> None:
    done = _pytest("--nbval", failing.name, cwd=failing.parent)
    assert done.returncode == 1, _said(done)[-3000:]
    assert SUMMARY in _said(done)
    assert "kit/wire.py" not in _said(done)  # the box as text, not kit's frames


def test_nbmake_fails_on_the_refused_cell_and_prints_the_summary(failing: Path) -> None:
    done = _pytest("--nbmake", failing.name, cwd=failing.parent)
    assert done.returncode == 1, _said(done)[-3000:]
    assert "1 failed" in done.stdout
    assert SUMMARY in _said(done)
    assert "kit/wire.py" not in _said(done)


def test_papermill_fails_on_the_refused_cell_and_prints_the_summary(failing: Path) -> None:
    done = _run([str(BIN / "papermill"), "--no-progress-bar", failing.name, "out.ipynb"], failing.parent)
    assert done.returncode == 1, _said(done)[-3000:]
    assert SUMMARY in done.stderr
    error = [o for c in json.loads((failing.parent / "out.ipynb").read_text())["cells"] for o in c.get("outputs", [])
             if o["output_type"] == "error"]  # fmt: skip
    assert [(o["ename"], o["evalue"].split(" — hint")[0]) for o in error] == [
        ("AuthError", "signicat refused it — 400 invalid_client: invalid client secret")
    ]


def test_nbconvert_execute_fails_on_the_refused_cell_and_prints_the_summary(failing: Path) -> None:
    args = [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute", failing.name, "--output", "run"]
    done = _run(args, failing.parent)
    assert done.returncode == 1, _said(done)[-3000:]
    assert SUMMARY in done.stderr
    assert "CellExecutionError" in done.stderr


def test_nbmake_passes_the_shipped_notebooks(shipped: Path) -> None:
    names = sorted(p.name for p in shipped.glob("*.ipynb"))
    done = _pytest("--nbmake", *names, cwd=shipped)
    assert done.returncode == 0, _said(done)[-3000:]
    assert f"{len(names)} passed" in done.stdout


def test_nbconvert_executes_a_shipped_notebook(shipped: Path) -> None:
    args = [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "00-start-here.ipynb", "--output", "x"]
    done = _run(args, shipped)
    assert done.returncode == 0, _said(done)[-3000:]


def test_papermill_runs_02_live_from_an_env_file(shipped: Path, tmp_path: Path) -> None:
    """``-p env_file`` names what ``kit sandbox serve --write-env`` wrote: the notebook goes live, the sandbox-only
    steps are skipped with a note, and every cell runs."""
    out = tmp_path / "out.ipynb"
    with served_env("signicat", tmp_path, _env()) as env_file:
        args = [str(BIN / "papermill"), "--no-progress-bar", "02-signicat.ipynb", str(out), "-p", "env_file"]
        done = _run([*args, str(env_file)], shipped)
    assert done.returncode == 0, _said(done)[-3000:]
    cells = json.loads(out.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code)
    assert "injected-parameters" in code[1]["metadata"]["tags"]  # papermill's cell, after the parameters cell
    texts = ["".join(o.get("data", {}).get("text/plain", "")) for c in code for o in c.get("outputs", [])]
    assert any(t.startswith("<Target signicat live ") for t in texts)
    skipped = [t for t in texts if "skipped against" in t]
    print("skipped:", *skipped, sep="\n  ")
    assert [t.split(": skipped")[0] for t in skipped] == ["sandbox only"] * 3


def test_make_notebooks_refuses_to_store_an_output_that_failed_to_show(tmp_path: Path) -> None:
    """IPython shows a display formatter's exception as an error output and the cell succeeds: ``make notebooks``
    (``kit.notebooks``) must not store it as the story (04's empty child table once was one)."""
    import kit
    from kit.notebooks import execute

    path = tmp_path / "shows.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("class Broken:\n    def _repr_html_(self):\n        raise TypeError('no')"),
        nbformat.v4.new_code_cell("if True:\n    display(Broken())  # as 04 shows a table inside an if"),
    ]
    nbformat.write(notebook, path)
    before = path.read_text()
    with pytest.raises(kit.KitError, match="shows.ipynb shows an error output, not stored: cell 1: TypeError: no"):
        execute(path)
    assert path.read_text() == before
