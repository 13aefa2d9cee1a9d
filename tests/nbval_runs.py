"""The one run of each notebook per ``make test``: nbval's. What the re-run test and the OpenAPI check need is
done in nbval's own kernel, around the cells nbval compares, as items of the same notebook (so pytest-xdist's
``--dist loadfile`` keeps them in the worker, and the kernel, that ran it).

Before the first cell (no output, so nothing nbval compares changes): DEBUG logs of kit, requests, urllib3 and
werkzeug into a file, each sandbox's secret demo credentials replaced by a canary, and every kit Session the
notebook opens kept. After the last cell, one more item of the notebook: the form cell (a notebook without a
form: its second code cell) and every cell below it again, DEBUG logs now into the outputs; each kept
session's journal written as HAR (kit's own export); every secret the kernel registered read from kit's
registry. It checks that no cell of either run raised, that no output and no log line shows a canary, a
registered secret or a JWT, and that every exchange conforms to its provider's OpenAPI document
(``openapi_check``).
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
import nbval.kernel
import pytest
from canaries import LOGGERS, assert_clean, canary, demo_secrets, taken
from jupyter_client.manager import AsyncKernelManager


class IpcKernelManager(nbval.kernel.KernelManager):  # type: ignore[misc]
    """nbval's kernels, talking over unix sockets in a folder of their own. Over TCP, jupyter_client picks free
    ports, closes them, and the kernel binds them a moment later; a test in the other xdist worker that binds
    port 0 (every sandbox does) can take one in between, and the kernel dies before it answers ("Kernel died
    before replying to kernel_info": jupyter/jupyter_client#487). A unix socket has no port to lose."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(transport="ipc", **kwargs)
        self.ip = str(_sockets() / "kernel")  # its sockets: kernel-<n>, n unused in the folder


@functools.cache
def _sockets() -> Path:
    """This process's folder of kernel sockets, removed when it exits."""
    folder = Path(tempfile.mkdtemp(prefix="kit-kernels-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


nbval.kernel.KernelManager = IpcKernelManager  # what nbval.kernel.start_new_kernel makes its kernels with


class IpcAsyncKernelManager(AsyncKernelManager):
    """The same for nbclient's kernels (papermill's API takes it as ``kernel_manager_class``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(transport="ipc", **kwargs)
        self.ip = str(_sockets() / "kernel")


FORM = "kit.credentials_form("
KEEP_SESSIONS = """
import kit.session as _kit_session
if not getattr(_kit_session.Session.__init__, "_kit_keeps", False):  # once, however often this runs
    _kit_sessions = []
    _kit_init = _kit_session.Session.__init__
    def _kit_keep(self, *args, **kwargs):
        _kit_init(self, *args, **kwargs)
        _kit_sessions.append(self)
    _kit_keep._kit_keeps = True
    _kit_session.Session.__init__ = _kit_keep
"""


def rerun_start(cells: list[Any]) -> int:
    """The index (among code cells) of the form cell, or (no form) of the second code cell."""
    sources = [cell.source for cell in cells]
    forms = [i for i, source in enumerate(sources) if FORM in source]
    return forms[0] if forms else 1


def setup_code(log: Path, planted: dict[tuple[str, str], str]) -> str:
    handler = f"_kit_h = logging.FileHandler({str(log)!r}, encoding='utf-8'); _kit_h.setLevel(logging.DEBUG)"
    fmt = "_kit_h.setFormatter(logging.Formatter('%(levelname)s %(name)s %(message)s'))"
    loggers = [
        f"logging.getLogger({n!r}).setLevel(logging.DEBUG); logging.getLogger({n!r}).addHandler(_kit_h)"
        for n in LOGGERS
    ]
    plant = [f"importlib.import_module({m!r}).DEMO[{k!r}] = {v!r}" for (m, k), v in planted.items()]
    return "\n".join(["import importlib, logging, sys", handler, fmt, *loggers, *plant, KEEP_SESSIONS])


#: DEBUG logs into the outputs from here on (the file handler stays too)
TO_OUTPUTS = "\n".join(
    [
        "_kit_o = logging.StreamHandler(sys.stderr); _kit_o.setLevel(logging.DEBUG)",
        "_kit_o.setFormatter(logging.Formatter('%(levelname)s %(name)s %(message)s'))",
        *[f"logging.getLogger({n!r}).addHandler(_kit_o)" for n in LOGGERS],
    ]
)


def run_code(kernel: Any, code: str, timeout: float = 300) -> tuple[list[dict[str, Any]], str]:
    """Run ``code`` in nbval's kernel: its outputs (as a notebook stores them) and its error ("" when none)."""
    msg_id = kernel.execute_cell_input(code, allow_stdin=False)
    kernel.await_reply(msg_id, timeout=timeout)
    outputs: list[dict[str, Any]] = []
    error = ""
    while True:
        try:
            msg = kernel.get_message("iopub", timeout=timeout)
        except Empty:
            raise AssertionError(f"the kernel said nothing for {timeout} s after: {code[:80]!r}") from None
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            return outputs, error
        if kind == "stream":
            outputs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
        elif kind in ("display_data", "execute_result"):
            outputs.append({"output_type": kind, "data": content["data"]})
        elif kind == "error":
            outputs.append({"output_type": "error", "ename": content["ename"], "evalue": content["evalue"]})
            error = error or f"{content['ename']}: {content['evalue']}"


class NotebookRun:
    """What one notebook's run holds, kept on its nbval file node between its items."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="kit-nbval-run-"))
        self.log = self.folder / "debug.log"
        self.planted = {
            (module, key): value
            for module, keys in demo_secrets().items()
            for key, value in taken({key: canary(key) for key in keys}).items()
        }


def start(kernel: Any, run: NotebookRun) -> None:
    """Before the first cell: logs to a file, canaries, sessions kept (no output)."""
    outputs, error = run_code(kernel, setup_code(run.log, run.planted))
    assert not outputs and not error, (outputs, error)


class RerunItem(pytest.Item):
    """The notebook's cells from the form on, run again in nbval's kernel; then what the whole run showed."""

    def __init__(self, *, cells: list[Any], compared: list[pytest.Item], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cells = cells
        self.compared = compared  # nbval's items of this notebook: what Run All showed is on them

    def runtest(self) -> None:
        run: NotebookRun = self.parent._kit_run  # type: ignore[union-attr]
        try:
            self._check(run)
        finally:
            shutil.rmtree(run.folder, ignore_errors=True)  # the log, the HARs, the registry: read, then gone

    def _check(self, run: NotebookRun) -> None:
        from openapi_check import conforms

        kernel = self.parent.kernel  # type: ignore[union-attr]
        first_run = [json.dumps(getattr(item, "test_outputs", None) or [], ensure_ascii=False)
                     for item in self.compared]  # fmt: skip
        assert all(getattr(item, "test_outputs", None) is not None for item in self.compared), "nbval did not run all"
        shown, error = run_code(kernel, TO_OUTPUTS)
        assert not error, error
        again = [json.dumps(shown, ensure_ascii=False)]
        for index in range(rerun_start(self.cells), len(self.cells)):
            shown, error = run_code(kernel, self.cells[index].source)
            assert not error, f"code cell {index} failed on the second run: {error}"
            again.append(json.dumps(shown, ensure_ascii=False))
        hars = run.folder / "hars"
        hars.mkdir()
        write = (
            "import kit as _kit\nfor _i, _s in enumerate(_kit_sessions):\n    if len(_s.journal):\n"
            f"        _kit.to_har(_s, {str(hars)!r} + f'/{{_i:03d}}-{{_s.provider}}.har')"
        )
        registered = run.folder / "registered.json"
        read = (
            "import json as _json, kit.secrets as _ks\n"
            f"open({str(registered)!r}, 'w').write(_json.dumps(list(_ks._index._names)))"
        )
        for code in (write, read):
            shown, error = run_code(kernel, code)
            assert not error, error
        known = json.loads(registered.read_text())
        assert set(known) & set(run.planted.values())  # the registry was really read: it holds a planted secret
        logs = run.log.read_text(encoding="utf-8")
        text = "\n".join([*first_run, *again, logs])
        assert "DEBUG urllib3.connectionpool" in logs  # the DEBUG logs were really written, and are read here
        assert_clean(text, *run.planted.values(), *known)
        conforms(sorted(hars.glob("*.har")), notebook=self.parent.path.stem)  # type: ignore[union-attr]

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.path.name}: the form and below again, no secret shown, OpenAPI conformance"


class StartItem(pytest.Item):
    """Before the notebook's first cell, in nbval's kernel: logs to a file, canaries, sessions kept (no output)."""

    def runtest(self) -> None:
        parent = self.parent
        parent._kit_run = NotebookRun()  # type: ignore[union-attr]
        start(parent.kernel, parent._kit_run)  # type: ignore[union-attr]

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.path.name}: DEBUG logs to a file, canaries planted, sessions kept"


def add_runs(items: list[pytest.Item]) -> None:
    """Around each notebook's nbval cells (all of them collected): a StartItem before the first, a RerunItem
    after the last. They share the notebook's node, so its kernel, and (``--dist loadfile``) its worker."""
    by_file: dict[Any, list[pytest.Item]] = {}
    for item in items:
        if type(item).__name__ == "IPyNbCell":
            by_file.setdefault(item.parent, []).append(item)
    for parent, cells in by_file.items():
        notebook = nbformat.read(str(parent.path), as_version=4)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        if len(cells) != len(code):
            continue  # a selection of some cells: no whole run to read
        first = StartItem.from_parent(parent, name="start the run")
        last = RerunItem.from_parent(parent, name="run again from the form", cells=code, compared=cells)
        for extra in (first, last):
            extra.add_marker(pytest.mark.notebook)
        items.insert(items.index(cells[-1]) + 1, last)
        items.insert(items.index(cells[0]), first)
