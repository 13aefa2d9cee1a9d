"""The notebooks as a person runs them: Run All, then the form (or any later section) again.

Each notebook runs top to bottom in one kernel, then again from its form cell to the end in the same
kernel (a notebook without a form: from its second code cell), in a copy of the notebooks folder so
the files the notebooks write stay out of the repository, with DEBUG logs on and the sandboxes'
secrets replaced by canaries. Any error fails: expected failures are answers (``kit.refused``),
never raised; no output of either run shows a canary, a registered secret or a JWT. The stored
notebooks themselves are checked for what a reader must never see: a ``raises-exception`` cell, an
absolute path of the machine that ran them, a secret typed into a code cell.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from canaries import assert_clean, canary, demo_secrets, notebook_setup
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
def test_run_all_then_again_from_the_form_showing_no_secret(path: Path, tmp_path: Path) -> None:
    """Run All, then the form and every cell below it again, in one kernel: no error, and no output of
    either run shows a planted canary, a secret the kernel registered, or a JWT, with DEBUG logs on."""
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, folder, ignore=shutil.ignore_patterns("*.har", ".ipynb_checkpoints"))
    notebook = nbformat.read(folder / path.name, as_version=4)
    planted = {(module, key): canary(key) for module, keys in demo_secrets().items() for key in keys}
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(folder)}},
    )
    again, registered = rerun_start(notebook), tmp_path / "registered.json"
    with client.setup_kernel():
        client.execute_cell(nbformat.v4.new_code_cell(notebook_setup(planted)), 0)
        for index in _code(notebook):  # Run All (a cell that raises fails the test here)
            client.execute_cell(notebook.cells[index], index)
        shown = [json.dumps([cell.get("outputs", []) for cell in notebook.cells], ensure_ascii=False)]
        for index in [i for i in _code(notebook) if i >= again]:  # then the form, and every cell below it
            client.execute_cell(notebook.cells[index], index)
            errors = [o for o in notebook.cells[index].outputs if o.output_type == "error"]
            assert not errors, f"cell {index} failed on the second run: {errors[0].ename}: {errors[0].evalue}"
        shown.append(json.dumps([cell.get("outputs", []) for cell in notebook.cells], ensure_ascii=False))
        # every secret the kernel knows (sandbox demo values, tokens, typed or generated ones), read
        # from kit's registry into a file, never into an output
        names = "json.dumps(list(kit.secrets._index._names))"
        read = f"import json, kit.secrets; open({str(registered)!r}, 'w').write({names})"
        client.execute_cell(nbformat.v4.new_code_cell(read), 0)
    known = json.loads(registered.read_text())
    assert set(known) & set(planted.values())  # the registry was really read: it holds a planted secret
    text = "\n".join(shown)
    assert "DEBUG urllib3.connectionpool" in text  # the DEBUG logs really went into the outputs
    assert_clean(text, *planted.values(), *known)
    assert "widgets" not in notebook.metadata


@pytest.fixture(scope="module")
def handed_out() -> list[str]:
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
def test_stored_notebooks_show_no_exception_no_path_no_typed_secret(path: Path, handed_out: list[str]) -> None:
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
        typed = [value for value in handed_out if value in source]
        assert not typed, f"cell {index} types a sandbox's demo secret instead of taking it from the sandbox"


def test_absolute_path_check_catches_a_traceback_path() -> None:
    assert ABSOLUTE.search('File "/work/main/kit/session.py", line 3')
    assert ABSOLUTE.search("/root/.venv/lib/python3.11/site-packages/x.py")
    assert ABSOLUTE.search("http://127.0.0.1:PORT/api/Ping") is None
    assert ABSOLUTE.search("GET /auth/rest/sessions") is None
