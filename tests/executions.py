"""One execution of each notebook for the checks that need a kernel besides nbval: the re-run test and the
OpenAPI check (both in ``test_notebook_runs.py``: one file, so one process under pytest-xdist's ``--dist
loadfile``) read the same run (``executed(path)``, cached), so a notebook is run twice per ``make test``
(nbval's comparison, then this), not three times.

The run, in a copy of the notebooks folder (the files notebooks write stay out of the repository), in one
kernel: a first cell (not saved) turns DEBUG logs on, replaces the sandboxes' demo secrets with canaries and
keeps every kit Session the notebook opens; Run All; then the form cell (a notebook without a form: its
second code cell) and every cell below it again; then each kept session's journal is written as HAR (kit's
own export), and every secret the kernel registered is read from kit's registry into a file.
"""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from canaries import canary, demo_secrets, notebook_setup
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
FORM = "kit.credentials_form("

KEEP_SESSIONS = """
import kit.session as _kit_session
if not getattr(_kit_session.Session.__init__, "_kit_keeps", False):  # once, however often this cell runs
    _kit_sessions = []
    _kit_init = _kit_session.Session.__init__
    def _kit_keep(self, *args, **kwargs):
        _kit_init(self, *args, **kwargs)
        _kit_sessions.append(self)
    _kit_keep._kit_keeps = True
    _kit_session.Session.__init__ = _kit_keep
"""


def _write_hars(folder: Path, stem: str) -> str:
    return f"""
import kit as _kit
for _i, _s in enumerate(_kit_sessions):
    if len(_s.journal):
        _kit.to_har(_s, {str(folder)!r} + f"/{stem}-{{_i:03d}}-{{_s.provider}}.har")
"""


@dataclass
class Execution:
    """What one run of a notebook showed and left."""

    planted: dict[tuple[str, str], str]
    shown: list[str] = field(default_factory=list)  # every output after Run All, then after the re-run
    failure: str = ""  # the first cell that raised ("" when none did), and in which run
    known: list[str] = field(default_factory=list)  # every secret the kernel registered
    hars: list[Path] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def _code(notebook: Any) -> list[int]:
    return [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


def rerun_start(notebook: Any) -> int:
    """The form cell, or (no form) the second code cell: where a person starts again."""
    forms = [i for i in _code(notebook) if FORM in notebook.cells[i].source]
    return forms[0] if forms else _code(notebook)[1]


@functools.cache
def _folder() -> Path:
    work = Path(tempfile.mkdtemp(prefix="kit-executions-"))
    shutil.copytree(NOTEBOOKS, work / "notebooks", ignore=shutil.ignore_patterns("*.har", ".ipynb_checkpoints"))
    (work / "hars").mkdir()
    return work


@functools.cache
def executed(path: Path) -> Execution:
    """The one run of the notebook at ``path`` (see the module's docstring)."""
    work = _folder()
    folder = work / "notebooks"
    notebook = nbformat.read(folder / path.name, as_version=4)
    result = Execution({(module, key): canary(key) for module, keys in demo_secrets().items() for key in keys})
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        store_widget_state=False,
        resources={"metadata": {"path": str(folder)}},
    )
    registered = work / f"{path.stem}-registered.json"
    again = rerun_start(notebook)
    with client.setup_kernel():
        client.execute_cell(nbformat.v4.new_code_cell(notebook_setup(result.planted) + KEEP_SESSIONS), 0)
        run = "Run All"
        try:
            for index in _code(notebook):
                client.execute_cell(notebook.cells[index], index)
            result.shown.append(json.dumps([cell.get("outputs", []) for cell in notebook.cells], ensure_ascii=False))
            run = "the second run, from the form"
            for index in [i for i in _code(notebook) if i >= again]:
                client.execute_cell(notebook.cells[index], index)
            result.shown.append(json.dumps([cell.get("outputs", []) for cell in notebook.cells], ensure_ascii=False))
        except CellExecutionError as exc:
            result.failure = f"{run}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else exc!r}"
        client.execute_cell(nbformat.v4.new_code_cell(_write_hars(work / "hars", path.stem)), 0)
        names = "json.dumps(list(kit.secrets._index._names))"
        read = f"import json, kit.secrets; open({str(registered)!r}, 'w').write({names})"
        client.execute_cell(nbformat.v4.new_code_cell(read), 0)
    result.known = json.loads(registered.read_text())
    result.hars = sorted((work / "hars").glob(f"{path.stem}-*.har"))
    result.metadata = dict(notebook.metadata)
    return result
