"""``kit.sequence``: a session's journal as a self-contained SVG sequence diagram, from real sandboxes.

The diagram in JupyterLab and in a static ``nbconvert --to html`` export is checked in
``test_browser.py``; here the drawing itself: one arrow per exchange, to the right lifeline, a refused
one marked, nothing from outside, stable between runs.
"""

from __future__ import annotations

import base64
import html
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

import kit
from kit.arguments import ArgumentError
from kit.providers import signzy

SVG = "{http://www.w3.org/2000/svg}"
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _groups(svg: str) -> list[ElementTree.Element]:
    root = ElementTree.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if "kit-exchange" in g.get("class", "")]


def test_one_arrow_per_exchange_to_its_lifeline_and_a_refused_one_marked() -> None:
    with kit.connect("signicat", environ={}) as target:
        s = target.session()
        s.call("POST", "auth/rest/sessions", json={}, step="create")
        target.control.rotate_key(keep_previous=False)  # the cached token turns invalid: 401, renew, retry
        s.call("POST", "auth/rest/sessions", json={}, step="after rotation")
        picture = kit.sequence(s)
    entries = s.journal.entries
    svg = picture.svg()
    groups = _groups(svg)
    assert len(groups) == len(entries) == 5
    assert [g.get("data-status") for g in groups] == [str(e.status) for e in entries]
    refused = [g for g in groups if "kit-refused" in g.get("class", "")]
    assert [g.get("data-status") for g in refused] == ["401"]
    assert "✗ 401" in "".join(refused[0].itertext())
    lifelines = {title: x for _, title, x in picture.lifelines()}
    ends = [float(g.find(f"{SVG}line").get("x2")) + 8 for g in groups]  # type: ignore[union-attr, arg-type]
    auth_x, api_x = lifelines["token / login endpoint"], lifelines["API"]
    assert ends == [auth_x, api_x, api_x, auth_x, api_x]
    text = repr(picture).splitlines()
    assert text[1] == "  1. token · absent — POST /auth/open/connect/token → 200"
    assert text[3] == "  3. after rotation — POST /auth/rest/sessions → ✗ 401"
    assert [line.split(".")[0].strip() for line in text[1:]] == ["1", "2", "3", "4", "5"]
    assert [a.number for a in kit.sequence(s, last=2).arrows] == [4, 5]


def test_a_scheme_without_a_token_endpoint_has_two_lifelines_and_nothing_from_outside() -> None:
    with kit.connect("saltedge", environ={}) as target:
        s = target.session()
        s.call("GET", "countries", step="countries")
        first = kit.sequence(s).svg()
    assert [title for _, title, _ in kit.sequence(s).lifelines()] == ["client (kit)", "API"]
    assert "<script" not in first and "href" not in first and "@import" not in first
    assert re.findall(r"https?://[^\"]+", first) == ["http://www.w3.org/2000/svg"]  # only the namespace
    assert not re.search(r":\d", "".join(ElementTree.fromstring(first).itertext()))  # no port, no time of day


def test_the_same_calls_draw_the_same_picture() -> None:
    pictures = []
    for _ in range(2):
        with kit.connect("signzy", environ={}) as target:
            s = target.session()
            s.call("GET", "api/channels/" + signzy.me(s))
            pictures.append(kit.sequence(s).svg())
    assert pictures[0] == pictures[1]


def test_it_takes_a_session_and_says_so() -> None:
    with pytest.raises(ArgumentError, match="takes a kit session"):
        kit.sequence("not a session")
    with kit.connect("pliance", environ={}) as target, pytest.raises(ArgumentError, match="positive int"):
        kit.sequence(target.session(), last=0)


def test_a_static_html_export_holds_the_diagrams_inline(tmp_path: Path) -> None:
    """``jupyter nbconvert --to html`` of a stored notebook: each diagram is an SVG image in the page itself
    (a ``data:`` URL), so it shows with no network and runs no script; it carries its arrows as alternative
    text (nbconvert warns of none missing) and shrinks to the page (``max-width:100%``)."""
    out = tmp_path / "01.html"
    done = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(NOTEBOOKS / "01-pliance.ipynb"),
         "--output", str(out)],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Alternative text is missing" not in done.stderr
    page = out.read_text()
    tags = re.findall(r'<img [^>]*class="kit-sequence"[^>]*>', page)  # nbconvert writes attributes in its order
    attrs = [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in tags]
    assert all(a["style"] == "max-width:100%;height:auto" for a in attrs)
    images = [(a["src"].removeprefix("data:image/svg+xml;base64,"), a["alt"]) for a in attrs]
    diagrams = [(base64.b64decode(i).decode(), html.unescape(alt)) for i, alt in images]
    assert len(diagrams) == 1  # notebook 01 draws one
    svg, alt = diagrams[0]
    assert 'class="kit-sequence"' in svg and "<script" not in svg and len(_groups(svg)) == 1
    assert alt.splitlines()[1] == "  1. ping — GET /api/Ping → 200"
