"""The notebooks as a person runs them: Run All, then the form (or any later section) again.

Each notebook runs top to bottom in one kernel, then again from its form cell to the end in the same
kernel (a notebook without a form: from its second code cell), in a copy of the notebooks folder so
the files the notebooks write stay out of the repository. Any error fails: expected failures are
answers (``kit.refused``), never raised. The stored notebooks themselves are checked for what a
reader must never see: a ``raises-exception`` cell, an absolute path of the machine that ran them,
a secret typed into a code cell.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from kit.credentials import Credentials
from kit.providers import names, provider
from kit.sandbox import start

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
FORM = "kit.credentials_form("
#: what an absolute path of the executing machine looks like in an output
ABSOLUTE = re.compile(r"(?<![\w.:/])/(?:home|root|tmp|work|usr|opt|var|srv|Users)/[\w.-]+")


def _code(notebook: Any) -> list[int]:
    return [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


def rerun_start(notebook: Any) -> int:
    """The form cell, or (no form) the second code cell: where a person starts again."""
    forms = [i for i in _code(notebook) if FORM in notebook.cells[i].source]
    return forms[0] if forms else _code(notebook)[1]


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_run_all_then_again_from_the_form(path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder, ignore=shutil.ignore_patterns("*.har", ".ipynb_checkpoints"))
    notebook = nbformat.read(folder / path.name, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(folder)}},
    )
    again = rerun_start(notebook)
    with client.setup_kernel():
        for index in _code(notebook):  # Run All
            client.execute_cell(notebook.cells[index], index)
        for index in [i for i in _code(notebook) if i >= again]:  # then the form, and every cell below it
            client.execute_cell(notebook.cells[index], index)
            errors = [o for o in notebook.cells[index].outputs if o.output_type == "error"]
            assert not errors, f"cell {index} failed on the second run: {errors[0].ename}: {errors[0].evalue}"


@pytest.fixture(scope="module")
def demo_secrets() -> list[str]:
    """Every secret-field value the sandboxes hand out (started for real, then stopped)."""
    values = []
    for name in names():
        box = start(name)
        try:
            secret_fields = {f.name for f in provider(name).credentials.fields() if Credentials.is_secret(f)}
            values += [v for k, v in box.credentials.items() if k in secret_fields and v]
        finally:
            box.stop()
    return values


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_stored_notebooks_show_no_exception_no_path_no_typed_secret(path: Path, demo_secrets: list[str]) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        assert "raises-exception" not in tags, f"cell {index}: a failure is shown as an answer (kit.refused)"
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"cell {index} stored an exception"
            text = json.dumps(output)
            found = ABSOLUTE.search(text)
            assert found is None, f"cell {index} shows a path of the machine that ran it: {found.group(0)}"
        source = "".join(cell["source"])
        assert not re.search(r"Secret\(\s*['\"]", source), f"cell {index} types a secret literally"
        typed = [value for value in demo_secrets if value in source]
        assert not typed, f"cell {index} types a sandbox's demo secret instead of taking it from the sandbox"


def test_absolute_path_check_catches_a_traceback_path() -> None:
    assert ABSOLUTE.search('File "/work/main/kit/session.py", line 3')
    assert ABSOLUTE.search("/root/.venv/lib/python3.11/site-packages/x.py")
    assert ABSOLUTE.search("http://127.0.0.1:PORT/api/Ping") is None
    assert ABSOLUTE.search("GET /auth/rest/sessions") is None
