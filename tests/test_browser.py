"""The notebooks as a person uses them, in a real browser: JupyterLab + headless Chromium (Playwright).

For two notebooks (Pliance and Signicat): Run All, then type into the form (a correct secret and a
changed plain field), click the button, run the form's cell and everything below again, and check
that the calls below succeeded with the typed values, that every form label shows in full, and that
nothing raised. Off the happy path, in the same two: a wrong secret typed into the form ends in kit's
short answer naming the changed field, the error output below it that answer as text (what a CI runner
prints), with no traceback and no other stderr box (no PyJWT warning either).
Notebook 07: nothing in a kit table is typeset as math. In every notebook, after Run All: no word (a run of
letters, digits and _ up to 40 characters) in a kit table's cells or labels breaks inside, no table is cut.
Notebook 01's sequence diagram is an SVG with one arrow per exchange of the journal above it; 03's form
status line is not cut. Screenshots go to the test's folder (and to ``$KIT_SCREENSHOTS`` when set, to
look at them).

Runs when Debian's Chromium is at /usr/bin/chromium (never ``playwright install``). On CI a missing
browser is a failure, elsewhere a skip that says how to get one. Recipe and pitfalls:
``../shared/notes/notebooks-in-ci.md`` section 9.
"""

import base64
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
import requests
from realservers import stop
from trusted_render import ARGS, CHROMIUM, need_browser

from kit.providers.pliance import sandbox as pliance
from kit.providers.signicat import sandbox as signicat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@dataclass(frozen=True)
class Case:
    """One notebook: what to type, and what shows that the calls below used it."""

    notebook: str
    secret_field: str
    secret: str
    plain_field: str
    plain_value: str
    done: str  # text of the last output, once Run All has finished
    evidence: str  # text that only a call made with the typed values puts on the page
    labels: tuple[str, ...]


CASES = [
    Case(
        "01-pliance.ipynb",
        "secret",
        pliance.DEMO["secret"],
        "given_name",
        "Browser User",
        "one company per secret (iss)",  # the facts table, the notebook's last output
        '"givenName": "Browser User"',  # the webhook Pliance sent echoes the token's given_name
        ("secret *", "issuer *", "given_name *", "subject *", "tenant", "cert"),
    ),
    Case(
        "02-signicat.ipynb",
        "client_secret",
        signicat.DEMO["client_secret"],
        "auth_method",
        "client_secret_post",
        "the token endpoint and kit's client were checked",  # the facts table, the notebook's last output
        "client_secret=••••",  # the token request now carries the secret in its form body
        ("client_id *", "client_secret *", "account_id", "scope", "auth_method", "organization_id"),
    ),
]


def _kernel_profile(ipython_dir: Path) -> None:
    """The lab's IPython profile: Run All stops at an error because the kernel aborts the cells queued behind it,
    but only those that have arrived when it errs: on a loaded 2-core runner the frontend's later requests can
    arrive after that, and run. Give them the time a person's machine gives (stop_on_error_timeout, which
    ipykernel 7 no longer waits for: tests/stop_on_error_kernel.py says why and waits for it)."""
    profile = ipython_dir / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_kernel_config.py").write_text(
        f"import sys\nsys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
        "from stop_on_error_kernel import StopOnErrorTimeoutKernel\n"
        "c.IPKernelApp.kernel_class = StopOnErrorTimeoutKernel\n"
        "c.Kernel.stop_on_error_timeout = 5.0\n"
    )


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """JupyterLab on a free port, serving fresh, output-free copies of the notebooks."""
    need_browser()
    tmp_path = tmp_path_factory.mktemp("lab")
    root, state = tmp_path / "root", tmp_path / "state"
    root.mkdir()
    for name in sorted(path.name for path in NOTEBOOKS.glob("0*.ipynb")):
        notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        notebook.metadata.pop("widgets", None)
        nbformat.write(notebook, root / name)
    # no news settings here: the venv's overrides.json, which make's install writes, must keep the toast away
    tracker = state / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    # every cell in the DOM: JupyterLab 4 otherwise leaves cells out of view unrendered (windowing)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(16)
    _kernel_profile(state / "ipython")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(state / "config"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "IPYTHONDIR": str(state / "ipython"),
    }
    for name in ("PLIANCE_URL", "SIGNICAT_URL", "SYNERISE_URL"):
        env.pop(name, None)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.workspaces_dir={state / 'workspaces'}",
        f"--LabApp.user_settings_dir={state / 'settings'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-2000:])
            time.sleep(0.3)
        # one fresh workspace per notebook, so the tab in front is the one under test
        yield f"http://127.0.0.1:{port}/lab/workspaces/{{}}/tree/{{}}?reset&token={token}", tmp_path
    finally:
        stop(server)
        log.close()


def test_the_labs_kernel_aborts_a_request_that_arrives_after_an_error(tmp_path: Path) -> None:
    """The kernel the lab starts (ipykernel's, from the lab's profile) aborts an execute request that arrives a
    second after a cell erred, as Run All's later requests do on a loaded runner (ipykernel 7's own kernel runs it)."""
    from jupyter_client.manager import start_new_kernel

    _kernel_profile(tmp_path / "ipython")
    manager, client = start_new_kernel(
        kernel_name="python3", env={**os.environ, "IPYTHONDIR": str(tmp_path / "ipython")}
    )
    try:
        sent = [client.execute("raise ValueError('refused')")]
        time.sleep(1.0)
        sent.append(client.execute("print('ran after the error')"))
        replies: dict[str, str] = {}
        while len(replies) < 2:  # the replies to these two (a kernel_info reply from the start may come first)
            reply = client.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") in sent:
                replies[reply["parent_header"]["msg_id"]] = reply["content"]["status"]
        assert [replies[msg_id] for msg_id in sent] == ["error", "aborted"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _run(page: Any, item: str, menu: str = "Run") -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _run_all_afresh(page: Any) -> None:
    """Clear every output, then Run All: the lab is shared by the module's tests and autosaves, so a notebook an
    earlier test ran opens with its outputs, and the last output would show before its cell has run."""
    _run(page, "Clear Outputs of All Cells", menu="Edit")
    page.wait_for_function("() => document.querySelectorAll('.jp-OutputArea-output').length === 0", timeout=30_000)
    _run(page, "Run All Cells")


def _wait_until_idle(page: Any, *, just_queued: bool = True) -> None:
    """Every queued cell has run: no prompt shows [*] and the kernel is idle.

    ``just_queued``: cells were queued a moment ago, so first wait (briefly) for them to show [*].
    """
    if just_queued:
        try:
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-InputPrompt')].some(e => e.textContent.includes('*'))",
                timeout=5_000,
            )
        except Exception:  # noqa: BLE001 - the queue may already have drained
            pass
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.jp-InputPrompt')].some(e => e.textContent.includes('*'))",
        timeout=180_000,
    )
    page.get_by_text("| Idle").first.wait_for(timeout=60_000)


def _until_the_last_cell_ran(page: Any) -> None:
    """Run All (after every output was cleared) has run the notebook's last code cell: it shows an output again.
    A text of the last outputs is not enough: 02's "checked against" shows before its recipe cell runs, and a form
    submitted then reached that cell (a second refusal, seen under load); nor is a prompt's number, which clearing
    outputs leaves from the run before."""
    page.wait_for_function(
        "() => { const cells = document.querySelectorAll('.jp-Notebook .jp-CodeCell');"
        " return cells.length > 0 && cells[cells.length - 1].querySelector('.jp-OutputArea-output') !== null; }",
        timeout=180_000,
    )


def _submit_a_wrong_secret(page: Any, case: Case) -> None:
    """Run All afresh, then type "wrong" as the case's secret in the form and submit it."""
    _run_all_afresh(page)
    page.get_by_text(case.done).last.wait_for(state="attached", timeout=120_000)
    _until_the_last_cell_ran(page)
    _wait_until_idle(page, just_queued=False)
    page.locator(".widget-gridbox").first.scroll_into_view_if_needed()
    _field(page, case.secret_field).fill("wrong")
    page.get_by_text("✎ changed").first.wait_for(timeout=30_000)
    page.locator("button.jupyter-button", has_text="Use these credentials").first.click()
    page.get_by_text(f"(✎ changed: {case.secret_field})").first.wait_for(timeout=30_000)


def _run_from(page: Any, cell: Any) -> None:
    """Select ``cell``, run it and every cell below, and wait until they have run."""
    cell.click()
    _run(page, "Run Selected Cell and All Below")
    _wait_until_idle(page)


def _field(page: Any, label: str) -> Any:
    """The input next to the form label of field ``label`` (``name``, or ``name *`` when required)."""
    exact = re.compile(f"^{re.escape(label)}( \\*)?$")
    cell = page.locator(".widget-gridbox > .widget-label", has_text=exact).first
    return cell.locator("xpath=following-sibling::*[1]").locator("input").first


def _errors(page: Any) -> list[str]:
    texts = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    return [t for t in texts if "Traceback" in t or "Error" in t]


def _said(cell: Any) -> str:
    """How many kit boxes ``cell`` shows, what the first says (400 characters), and its outputs' classes."""
    boxes = cell.locator(".kit-error")
    kinds = cell.locator(".jp-OutputArea-output").evaluate_all("els => els.map(e => e.className + ' ' + "
                                                              "e.getAttribute('data-mime-type'))")  # fmt: skip
    return f"{boxes.count()} box(es); {kinds}; " + str(boxes.first.inner_text())[:400]


@pytest.mark.parametrize("case", CASES, ids=[c.notebook.split("-")[1].split(".")[0] for c in CASES])
def test_run_all_then_the_form_then_the_cells_below(case: Case, lab: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    url, folder = lab
    shots = folder / case.notebook.removesuffix(".ipynb")
    shots.mkdir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url.format(case.notebook.split(".")[0], case.notebook))
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            page.get_by_text("| Idle").first.wait_for(timeout=90_000)  # the kernel is really connected
            page.locator(".jp-Notebook .jp-Cell").first.click()
            _run_all_afresh(page)
            page.locator(".widget-gridbox").first.wait_for(timeout=90_000)
            try:
                page.get_by_text(case.done).last.wait_for(state="attached", timeout=120_000)
            except Exception:
                page.screenshot(path=str(shots / "run-all-stuck.png"), full_page=True)
                raise AssertionError(f"Run All did not finish: {_errors(page)}") from None
            _wait_until_idle(page, just_queued=False)  # the last output is there: the queue is draining
            assert not _errors(page)
            assert _split_words(page) == [] and _cut_tables(page) == []
            if case.notebook.startswith("01"):
                _check_the_sequence_diagram(page, shots)

            grid = page.locator(".widget-gridbox").first
            grid.scroll_into_view_if_needed()  # JupyterLab does not lay out cells out of view
            labels = grid.locator(":scope > .widget-label")
            assert tuple(t.strip() for t in labels.all_text_contents()) == case.labels
            cut = labels.evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth).map(e => e.textContent)")
            assert cut == [], f"labels cut: {cut}"

            secret = _field(page, case.secret_field)
            assert secret.get_attribute("type") == "password"
            secret.fill(case.secret)
            plain = _field(page, case.plain_field)
            plain.fill(case.plain_value)
            page.get_by_text("✎ changed").first.wait_for(timeout=30_000)  # the kernel marks the typed values
            page.locator("button.jupyter-button", has_text="Use these credentials").first.click()
            page.wait_for_function("el => el.value === ''", arg=secret.element_handle(), timeout=30_000)
            status = page.get_by_text(f"✓ {case.notebook.split('-')[1].split('.')[0]} credentials set").first
            status.wait_for(timeout=30_000)
            assert case.plain_field in status.inner_text()  # "(✎ changed: …)" names the typed field
            page.locator(".widget-gridbox").first.screenshot(path=str(shots / "form.png"))
            assert case.secret not in page.content()

            # the cell below the form, then everything below it: what a person does next
            form_cell = page.locator(".jp-Notebook .jp-CodeCell", has=page.locator(".widget-gridbox")).first
            form_cell.locator("xpath=following-sibling::*[1]").click()
            _run(page, "Run Selected Cell and All Below")
            _wait_until_idle(page)
            assert not _errors(page), _errors(page)
            page.get_by_text(case.evidence).first.wait_for(state="attached", timeout=60_000)
            page.screenshot(path=str(shots / "page.png"), full_page=False)
            assert case.secret not in page.content()
        finally:
            browser.close()
    assert (shots / "form.png").stat().st_size > 5_000
    keep = os.environ.get("KIT_SCREENSHOTS")
    if keep:
        shutil.copytree(shots, Path(keep) / shots.name, dirs_exist_ok=True)
    saved = json.loads((folder / "root" / case.notebook).read_text())
    assert "widgets" not in saved.get("metadata", {})  # the browser run saved no widget state to the file


#: every run of letters, digits and _ (an identifier, a code, a number, a name) of 40 characters or fewer in a kit
#: table's cells and labels whose rendered text spans two lines; a longer run, and what kit marks as key material
#: (span.kit-long: a piece over 48 characters with no place to break), may break anywhere
SPLIT_WORDS = """els => {
  const split = [];
  for (const td of els) {
    const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let text = "";
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.parentElement.closest('.kit-long')) { text += "\\u0000"; continue; }  // not a word: a separator
      nodes.push([node, text.length]);
      text += node.data;
    }
    const at = (i) => {
      for (let k = nodes.length - 1; k >= 0; k--) if (nodes[k][1] <= i) return [nodes[k][0], i - nodes[k][1]];
    };
    for (const m of text.matchAll(/\\w+/g)) {
      if (m[0].length > 40) continue;
      const range = document.createRange();
      const [sn, so] = at(m.index), [en, eo] = at(m.index + m[0].length - 1);
      range.setStart(sn, so); range.setEnd(en, eo + 1);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) split.push(m[0]);
    }
  }
  return split;
}"""


def _cut_tables(page: Any) -> list[str]:
    """The first words of every kit table that runs past the right edge of its output area."""
    return list(
        page.locator(".kit-table table").evaluate_all(
            """els => els.filter(t => {
                 const area = t.closest('.jp-OutputArea-output');
                 return area && t.getBoundingClientRect().right > area.getBoundingClientRect().right + 1;
               }).map(t => `${Math.round(t.getBoundingClientRect().right - t.closest('.jp-OutputArea-output')
                     .getBoundingClientRect().right)} px past the edge: ${t.innerText.slice(0, 60)}`)"""
        )
    )


def _split_words(page: Any) -> list[str]:
    """Identifiers, codes, numbers and names in rendered kit tables that the browser broke inside."""
    cells = page.locator(".kit-table td, .kit-table th")
    return list(cells.evaluate_all(SPLIT_WORDS)) if cells.count() else []


def _check_the_sequence_diagram(page: Any, shots: Path) -> None:
    """01 draws its journal right after the journal table: one arrow per row of that table.

    kit shows the SVG as an ``<img>`` of a data URL with its arrows as alternative text, as nbconvert's static
    export does: the picture is decoded here and its arrows counted, and the image must have loaded.
    """
    image = page.locator("img.kit-sequence").first
    image.scroll_into_view_if_needed()
    source = image.get_attribute("src") or ""
    svg = urllib.parse.unquote(source.split(",", 1)[1]) if source.startswith("data:image/svg+xml") else ""
    if ";base64" in source.split(",", 1)[0]:
        svg = base64.b64decode(source.split(",", 1)[1]).decode()
    assert 'class="kit-sequence"' in svg, source[:80]
    assert (image.get_attribute("alt") or "").startswith("pliance: client (kit) | API\n  1. ")
    cell = page.locator(".jp-Notebook .jp-CodeCell", has=image).first
    above = cell.locator("xpath=preceding-sibling::*[contains(@class, 'jp-CodeCell')][1]")
    rows = above.locator(".kit-table tbody tr").count()
    assert rows >= 1 and svg.count('<g class="kit-exchange') == rows and svg.count('class="kit-arrow"') == rows
    assert image.evaluate("img => img.complete && img.naturalWidth > 400")  # the browser drew it
    box = image.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 50
    cell.screenshot(path=str(shots / "sequence.png"))


@contextmanager
def _notebook(lab: tuple[str, Path], notebook: str, folder: str) -> Iterator[tuple[Any, Path]]:
    """A fresh browser page on ``notebook`` in the lab, its kernel idle; and the folder for its screenshots
    (copied to ``$KIT_SCREENSHOTS`` afterwards, when set)."""
    from playwright.sync_api import sync_playwright

    url, _ = lab
    shots = lab[1] / folder
    shots.mkdir()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url.format(notebook.split(".")[0] + "-x", notebook))
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            page.get_by_text("| Idle").first.wait_for(timeout=90_000)
            page.locator(".jp-Notebook .jp-Cell").first.click()
            yield page, shots
        finally:
            browser.close()
    keep = os.environ.get("KIT_SCREENSHOTS")
    if keep:
        shutil.copytree(shots, Path(keep) / shots.name, dirs_exist_ok=True)


@pytest.mark.parametrize("case", CASES, ids=[c.notebook.split("-")[1].split(".")[0] for c in CASES])
def test_a_wrong_secret_typed_in_the_form_is_a_short_answer(case: Case, lab: tuple[str, Path]) -> None:
    """A short wrong secret (PyJWT would warn about its length in 01): the cell that is refused shows
    kit's box naming the field typed in the form, the error output below it is that box as text (what a CI
    runner prints), and there is no traceback."""
    with _notebook(lab, case.notebook, f"wrong-{case.notebook.removesuffix('.ipynb')}") as (page, shots):
        _submit_a_wrong_secret(page, case)
        form_cell = page.locator(".jp-Notebook .jp-CodeCell", has=page.locator(".widget-gridbox")).first
        _run_from(page, form_cell.locator("xpath=following-sibling::*[1]"))
        box = page.locator(".kit-error").first
        box.wait_for(timeout=60_000)
        box.scroll_into_view_if_needed()
        text = box.inner_text()
        assert f"{case.secret_field} ✎ changed in the form →" in text and "press Reset in the form" in text
        assert "refused it" in text and "%tb shows the full traceback" in text
        assert "Traceback" not in page.locator(".jp-Notebook").inner_text()
        boxes = page.locator(".jp-CodeCell", has=page.locator(".kit-error"))
        where = [  # each refused cell's first line and what its box said, to read when this fails
            (cell.locator(".jp-InputArea-editor").inner_text()[:80], _said(cell)) for cell in boxes.all()
        ]
        homes = page.locator(".kit-error").evaluate_all(
            "els => els.map(e => { const p = []; for (let n = e; n && p.length < 6; n = n.parentElement) "
            "p.push(n.className); return p.join(' < '); })"
        )
        assert page.locator(".kit-error").count() == 1, (where, homes)  # Run All stops at the refused cell
        # the error output runners read (nbmake, papermill), in the refused cell only: the same box as text,
        # ending with the error's one-line summary, never a traceback through kit; no other stderr anywhere
        stderr = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        said = boxes.first.locator(stderr).all_inner_texts()
        assert len(said) == 1, said
        last = said[0].strip().splitlines()[-1]
        assert last.startswith("AuthError: ") and "refused it" in last, said
        assert f"{case.secret_field} ✎ changed in the form →" in said[0] and "kit/" not in said[0], said
        others = page.locator(".jp-CodeCell", has=page.locator(stderr))
        assert others.count() == 1, [c.locator(".jp-InputArea-editor").inner_text()[:80] for c in others.all()]
        box.screenshot(path=str(shots / "answer.png"))


def test_kit_tables_render_as_written_in_the_replay_notebook(lab: tuple[str, Path]) -> None:
    """07's "what changed" column holds JSON paths with "$": shown as written, never typeset as math."""
    with _notebook(lab, "07-replay.ipynb", "replay") as (page, shots):
        _run(page, "Run All Cells")
        page.get_by_text("MissingExpiresAt").last.wait_for(state="attached", timeout=120_000)
        _wait_until_idle(page, just_queued=False)
        tables = page.locator(".kit-table")
        assert tables.count() >= 5
        page.wait_for_timeout(1_000)  # MathJax typesets after the output is attached: give it the chance
        # JupyterLab asks about its news a moment after start, as a toast over the notebook's right edge: the
        # venv's overrides.json (written by make's install) turns the question off
        assert page.get_by_text("official Jupyter news").count() == 0
        assert page.locator(".kit-table mjx-container, .kit-table .MathJax, .kit-table math").count() == 0
        shown = page.locator(".jp-Notebook").inner_text()
        for path in ("$.authenticationUrl", "$.statusUrl", "$.error.class"):
            assert path in shown
        assert _split_words(page) == [] and _cut_tables(page) == []
        changed = page.locator(".kit-table", has_text="$.error.class").last
        changed.scroll_into_view_if_needed()
        changed.screenshot(path=str(shots / "what-changed.png"))
        page.screenshot(path=str(shots / "page.png"), full_page=False)


@pytest.mark.parametrize(
    "notebook",
    ["00-start-here.ipynb", "03-synerise.ipynb", "04-signzy.ipynb", "05-saltedge.ipynb", "06-side-by-side.ipynb"],
)
def test_every_kit_table_reads_whole_in_the_other_notebooks(notebook: str, lab: tuple[str, Path]) -> None:
    """Run All in the notebooks the tests above do not run: nothing raised, no word broken inside in any kit table
    (01, 02 and 07 are checked by the tests above), no table past the output area's right edge."""
    with _notebook(lab, notebook, f"tables-{notebook.split('-')[0]}") as (page, shots):
        _run_all_afresh(page)
        _until_the_last_cell_ran(page)
        _wait_until_idle(page, just_queued=False)
        assert not _errors(page)
        assert page.locator(".kit-table").count() >= 1
        assert _split_words(page) == [] and _cut_tables(page) == []
        page.screenshot(path=str(shots / "page.png"), full_page=False)


def test_the_form_status_line_wraps_instead_of_being_cut(lab: tuple[str, Path]) -> None:
    """Synerise's form has fourteen fields: its status line is the longest, and used to run off the right edge."""
    with _notebook(lab, "03-synerise.ipynb", "synerise-form") as (page, shots):
        _run(page, "Run All Cells")
        grid = page.locator(".widget-gridbox").first
        grid.wait_for(timeout=90_000)
        _wait_until_idle(page, just_queued=False)
        grid.scroll_into_view_if_needed()
        page.locator("button.jupyter-button", has_text="Use these credentials").first.click()
        status = page.get_by_text("✓ synerise credentials set").first
        status.wait_for(timeout=30_000)
        assert len(status.inner_text()) > 150  # long enough to have been cut before
        cut = status.evaluate("e => e.scrollWidth > e.clientWidth")
        assert not cut
        box = status.bounding_box()
        widget = page.locator(".widget-vbox", has=grid).first.bounding_box()
        assert box is not None and widget is not None and box["x"] + box["width"] <= widget["x"] + widget["width"] + 1
        page.locator(".widget-vbox", has=grid).first.screenshot(path=str(shots / "form.png"))


def test_a_session_made_before_reset_says_so_and_names_the_cell_to_run_again(lab: tuple[str, Path]) -> None:
    """02: type a wrong secret, submit, run the cells below (the session is made with it and refused), press Reset,
    run the API call again: the box says the secret was typed in the form before its last Submit or Reset, that
    the session still holds it, and names the cell that made it (it said "changed in code" before)."""
    case = CASES[1]
    assert case.notebook == "02-signicat.ipynb"
    with _notebook(lab, case.notebook, "reset-02-signicat") as (page, shots):
        _submit_a_wrong_secret(page, case)
        _run_from(page, page.locator(".jp-Notebook .jp-CodeCell", has_text="session = target.session()").first)
        page.locator(".kit-error").first.wait_for(timeout=60_000)
        page.locator("button.jupyter-button", has_text="Reset to").first.click()
        page.get_by_text("credentials back to the values from").first.wait_for(timeout=30_000)
        call = page.locator(".jp-Notebook .jp-CodeCell", has_text='created = session.call("POST"').first
        _run_from(page, call)
        box = call.locator(".kit-error").first
        box.wait_for(timeout=60_000)
        box.scroll_into_view_if_needed()
        said = box.inner_text()
        assert f"{case.secret_field} ✎ changed in the form before its last Submit or Reset" in said, said
        assert "in code" not in said and "`session = target.session()`" in said, said
        box.screenshot(path=str(shots / "after-reset.png"))
