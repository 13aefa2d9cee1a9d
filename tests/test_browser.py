"""The notebooks as a person uses them, in a real browser: JupyterLab + headless Chromium (Playwright).

For two notebooks (Pliance and Signicat): Run All, then type into the form (a correct secret and a
changed plain field), click the button, run the form's cell and everything below again, and check
that the calls below succeeded with the typed values, that every form label shows in full, and that
nothing raised. Screenshots of the form and of the page go to the test's folder (and to
``$KIT_SCREENSHOTS`` when set, to look at them).

Runs when Debian's Chromium is at /usr/bin/chromium (never ``playwright install``). On CI a missing
browser is a failure, elsewhere a skip that says how to get one. Recipe and pitfalls:
``../shared/notes/notebooks-in-ci.md`` section 9.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
import requests
from realservers import stop

from kit.sandbox import pliance, signicat

CHROMIUM = "/usr/bin/chromium"
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _need_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    message = "Chromium is not installed at /usr/bin/chromium (apt-get install chromium); .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


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
        "register webhook",
        '"givenName": "Browser User"',  # the webhook Pliance sent echoes the token's given_name
        ("secret *", "issuer *", "given_name *", "subject *", "tenant", "cert"),
    ),
    Case(
        "02-signicat.ipynb",
        "client_secret",
        signicat.DEMO["client_secret"],
        "auth_method",
        "client_secret_post",
        "last renew reason",
        "client_secret=••••",  # the token request now carries the secret in its form body
        ("client_id *", "client_secret *", "account_id", "scope", "auth_method"),
    ),
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """JupyterLab on a free port, serving fresh, output-free copies of the notebooks."""
    _need_browser()
    tmp_path = tmp_path_factory.mktemp("lab")
    root, state = tmp_path / "root", tmp_path / "state"
    root.mkdir()
    for case in CASES:
        notebook = nbformat.read(NOTEBOOKS / case.notebook, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        notebook.metadata.pop("widgets", None)
        nbformat.write(notebook, root / case.notebook)
    settings = state / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    tracker = state / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    # every cell in the DOM: JupyterLab 4 otherwise leaves cells out of view unrendered (windowing)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(state / "config"), "JUPYTER_RUNTIME_DIR": str(state / "runtime")}
    for name in ("PLIANCE_URL", "SIGNICAT_URL"):
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


def _run(page: Any, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


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


def _field(page: Any, label: str) -> Any:
    """The input next to the form label of field ``label`` (``name``, or ``name *`` when required)."""
    exact = re.compile(f"^{re.escape(label)}( \\*)?$")
    cell = page.locator(".widget-gridbox > .widget-label", has_text=exact).first
    return cell.locator("xpath=following-sibling::*[1]").locator("input").first


def _errors(page: Any) -> list[str]:
    texts = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
    return [t for t in texts if "Traceback" in t or "Error" in t]


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
            _run(page, "Run All Cells")
            page.locator(".widget-gridbox").first.wait_for(timeout=90_000)
            try:
                page.get_by_text(case.done).last.wait_for(state="attached", timeout=120_000)
            except Exception:
                page.screenshot(path=str(shots / "run-all-stuck.png"), full_page=True)
                raise AssertionError(f"Run All did not finish: {_errors(page)}") from None
            _wait_until_idle(page, just_queued=False)  # the last output is there: the queue is draining
            assert not _errors(page)

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
