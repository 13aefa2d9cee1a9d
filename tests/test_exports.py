"""A notebook exported to HTML and printed to PDF shows every column: nothing of kit's is cut at the margin.

A team keeps a run as ``jupyter nbconvert --to html`` and prints it to PDF with Chromium (what nbconvert's
``--to webpdf`` does, with a browser it would download; these machines use Debian's). Here each stored notebook
is exported, loaded in headless Chromium with print media at the width an A4 and a Letter page leave for the
content (their width less Chromium's default margins of 0.4 in a side), and every output is measured: none may
reach past its output area, and none may scroll (a scrolled table prints cut). Then 02's export is printed with
``chromium --headless --print-to-pdf``, the command a person runs, into a PDF of several pages.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from trusted_render import ARGS, CHROMIUM, need_browser

ROOT = Path(__file__).resolve().parent.parent
PATHS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
#: the content width of a page Chromium prints, in CSS px (96 a inch): the paper less 0.4 in on each side
PAGES = {"A4": round((8.27 - 0.8) * 96), "Letter": round((8.5 - 0.8) * 96)}

#: each output that reaches past its output area or scrolls: its first words, and by how many px
OVERFLOWS = """() => {
  const found = [];
  for (const output of document.querySelectorAll('.jp-OutputArea-output')) {
    const edge = output.getBoundingClientRect().right;
    let worst = output.scrollWidth - output.clientWidth;
    for (const e of output.querySelectorAll('*')) {
      worst = Math.max(worst, e.getBoundingClientRect().right - edge);
      if (e.clientWidth > 0 && getComputedStyle(e).overflowX !== 'visible') {
        worst = Math.max(worst, e.scrollWidth - e.clientWidth);
      }
    }
    if (worst > 1) found.push(`${Math.round(worst)} px: ${output.innerText.slice(0, 60).replace(/\\s+/g, ' ')}`);
  }
  return found;
}"""


def _export(path: Path, folder: Path) -> Path:
    out = folder / f"{path.stem}.html"
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(path), "--output", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Alternative text is missing" not in done.stderr  # kit's pictures carry their own
    return out


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    need_browser()
    folder = tmp_path_factory.mktemp("exports")
    return {path.stem: _export(path, folder) for path in PATHS}


def test_every_output_fits_a_printed_page(exports: dict[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    cut = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for paper, width in PAGES.items():
                page = browser.new_page(viewport={"width": width, "height": 1000})
                page.emulate_media(media="print")
                for name, html in exports.items():
                    page.goto(html.as_uri())
                    cut += [f"{name} on {paper}: {found}" for found in page.evaluate(OVERFLOWS)]
                page.close()
        finally:
            browser.close()
    assert cut == [], "\n".join(cut)


def test_02_prints_to_pdf_with_debian_chromium(exports: dict[str, Path], tmp_path: Path) -> None:
    pdf = tmp_path / "02-signicat.pdf"
    command = [CHROMIUM, *ARGS, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", exports["02-signicat"].as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))  # Chromium writes each page's object plainly
    assert data.startswith(b"%PDF-") and pages >= 5, pages  # the whole notebook, not a blank first page
