"""Render HTML the way JupyterLab shows a trusted output or an ipywidgets ``HTML`` value, in headless Chromium,
and report whether any of it ran code.

JupyterLab puts a trusted ``text/html`` output, and an ipywidgets ``HTML`` widget its ``value``, into the page
with ``innerHTML``: a ``<script>`` element does not run that way, but an event handler (``onerror``,
``onload``) or a ``javascript:`` URL does. Each payload the tests use sets ``window.__ran`` when it runs;
:func:`ran_code` loads each fragment as those renderers do, waits for images to fail, and reads the flag.
Debian's Chromium at /usr/bin/chromium (never ``playwright install``); on CI a missing browser fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: HTML that sets window.__ran when a renderer lets it run (as an attribute, a tag and a URL)
PAYLOADS = (
    "<img src=x onerror=window.__ran=1>",
    "'><img src=x onerror=window.__ran=1>",
    '"><img src=x onerror=window.__ran=1>',
)


def need_browser() -> None:
    if Path(CHROMIUM).exists():
        return
    message = "Chromium is not installed at /usr/bin/chromium (apt-get install chromium); .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def ran_code(fragments: list[str]) -> tuple[bool, str]:
    """Whether any of ``fragments``, each set as ``innerHTML`` of its own element, ran code; and the page's text."""
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.set_content("<!doctype html><html><body></body></html>")
            # each image's load or error event awaited (its inline handler runs before these listeners)
            page.evaluate(
                """async fragments => {
                    for (const f of fragments) {
                        const d = document.createElement('div'); d.innerHTML = f; document.body.appendChild(d);
                    }
                    await Promise.all([...document.images].map(img => img.complete ? null : new Promise(done => {
                        img.addEventListener('error', done); img.addEventListener('load', done); })));
                    await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
                }""",
                fragments,
            )
            ran = bool(page.evaluate("() => window.__ran === 1"))
            text = str(page.evaluate("() => document.body.innerText"))
        finally:
            browser.close()
    return ran, text
