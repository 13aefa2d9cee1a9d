"""The credentials form in a real browser: JupyterLab + headless Chromium driven by Playwright.

Runs when Debian's Chromium is at /usr/bin/chromium (never ``playwright install``). On CI a missing
browser is a failure, elsewhere a skip that says how to get one. Recipe and pitfalls:
``../shared/notes/notebooks-in-ci.md`` section 9.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
import requests

from kit.sandbox.pliance import DEMO

CHROMIUM = "/usr/bin/chromium"
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01-pliance.ipynb"
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


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """JupyterLab on a free port, serving a fresh, output-free copy of the Pliance notebook."""
    _need_browser()
    root, state = tmp_path / "root", tmp_path / "state"
    root.mkdir()
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, root / "pliance.ipynb")
    settings = state / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(state / "config"), "JUPYTER_RUNTIME_DIR": str(state / "runtime")}
    for name in ("PLIANCE_URL",):
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
        yield f"http://127.0.0.1:{port}/lab/tree/pliance.ipynb?token={token}", tmp_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_credentials_form_in_jupyterlab(lab: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    url, folder = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(url)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            page.get_by_text("| Idle").first.wait_for(timeout=90_000)  # the kernel is really connected
            page.locator(".jp-Notebook .jp-Cell").first.click()
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            password = page.locator(".widget-vbox input[type=password]").first
            password.wait_for(timeout=90_000)
            page.get_by_text("signature over header and payload").first.wait_for(timeout=90_000)  # claims table
            page.get_by_text("register webhook").last.wait_for(timeout=90_000)  # the last table: Run All is done
            page.locator(".widget-text input[type=text]").nth(1).fill("Browser User")  # given_name
            password.fill(DEMO["secret"])
            assert password.get_attribute("type") == "password"
            page.locator("button.jupyter-button", has_text="Use these credentials").first.click()
            # the kernel's callback clears the secret from the widget, and the browser shows it cleared
            page.wait_for_function("el => el.value === ''", arg=password.element_handle(), timeout=30_000)
            assert "set (" in (password.get_attribute("placeholder") or "")
            assert page.get_by_text("✓ pliance credentials set").count() >= 1
            page.screenshot(path=str(folder / "credentials-form.png"), full_page=False)
            html = page.content()
            assert DEMO["secret"] not in html
        finally:
            browser.close()
    assert (folder / "credentials-form.png").stat().st_size > 10_000
    saved = json.loads((folder / "root" / "pliance.ipynb").read_text())
    assert "widgets" not in saved.get("metadata", {})  # the browser run saved no widget state to the file
