"""How kit's tables look: :class:`Table`, a ``pandas.DataFrame`` that shows every cell as written.

pandas cuts text cells at ``display.max_colwidth`` (50 characters), which is where the meaning of
kit's tables is: comparison facts, claim meanings, URLs, error messages. A :class:`Table` renders
with no cut, in HTML as in text, and its HTML wraps so the table fits the width of a notebook:

* text wraps between words; a word never breaks inside (an error code, an identifier, a number,
  an env-var name), and only a long one (a URL, a masked token, a JSON path, a compact JSON body) may
  break, and only after ``/``, ``.`` (not inside a number), ``?``, ``&``, ``=``, ``,`` or ``;``, or
  before a masked value (``<wbr>`` marks those places); a piece still longer than 24 characters may also
  break after any other mark before a letter or digit (``-`` in a UUID), never inside a date and time
  (``2026-12-07T03:57:15Z``); a piece longer than 48 with none of those places, or a run of letters, digits
  and ``_`` longer than 40 (an RSA modulus, a signature), may break anywhere, so that no table runs off the
  page; column labels break only between words;
* a table whose narrowest layout (its widest unbreakable unit per column, summed) would not fit a notebook's
  width is set smaller, in proportion, down to 72%: decided from its text alone, so a stored output stays the
  same;
* nothing is typeset as math: JupyterLab's MathJax would read two ``$`` in a table as a formula
  (``$.error_class``), so the table sits in a ``mathjax_ignore`` block and shows them as written;
* a column named in ``table.attrs["once"]`` whose rows repeat a value (one source for most failure
  modes) shows each value once, under the table: a value on every row replaces the column, a few
  repeated values become numbered footnotes (``[1]``); the data keeps the column as it is.

Bodies are summarised before they reach a table (see :mod:`kit.record.entry`), so wrapping never shows a
page of JSON. Everything else is pandas: slicing, ``.T``, ``.head()`` or ``pd.concat`` of Tables
give a Table again, and any DataFrame becomes one with ``Table(frame)``.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd
import requests

from kit.secrets import redact

__all__ = ["STYLE", "Table", "cell_html", "request_table"]

#: scoped to ``div.kit-table`` so a notebook's other tables keep their look; JupyterLab's own
#: ``.jp-RenderedHTMLCommon td`` rules have lower specificity than these
STYLE = (
    "<style>"
    "div.kit-table table.dataframe{table-layout:auto;max-width:100%;font-size:var(--kit-scale,100%)}"
    "div.kit-table table.dataframe td,div.kit-table table.dataframe th"
    "{white-space:pre-wrap;overflow-wrap:normal;word-break:normal;hyphens:none;"
    "text-align:left;vertical-align:top;padding:0.3em 0.45em}"
    "div.kit-table table.dataframe tbody tr th{vertical-align:top}"  # pandas' own style centres row labels
    "div.kit-table.kit-compact table.dataframe td,div.kit-table.kit-compact table.dataframe th{padding:0.25em 0.3em}"
    "div.kit-table span.kit-w{white-space:nowrap}"
    "div.kit-table span.kit-long{overflow-wrap:anywhere;word-break:break-all}"
    "div.kit-table p.kit-note{font-size:90%;margin:0.3em 0 0 0}"
    # a printed page (an HTML export printed to PDF) is narrower than a notebook: about 620 px of an A4 or
    # Letter page's output column where FITS assumes 820, so every table is set smaller in proportion
    "@media print{div.kit-table{font-size:75%}}"
    "</style>"
)
_FULL = ("display.max_colwidth", None, "display.max_columns", None)
#: MathJax 3's default ignore class (JupyterLab 4), and MathJax 2's (classic notebook, nbconvert)
NO_MATH = "mathjax_ignore tex2jax_ignore"
#: a word this long may break, at the places below; a shorter one never does
LONG = 16
#: how wide a table's narrowest layout may be, in characters of its widest unbreakable units (about a
#: JupyterLab output area at its default font: 8-9 px a character, 820 px); a wider one is set smaller
FITS = 92
#: but never smaller than this (and with less padding below COMPACT)
SMALLEST = 0.72
COMPACT = 0.9
#: a piece of a long word longer than this may also break after a mark before a letter or digit
RUN = 24
#: a run of letters, digits and ``_`` longer than this (key material, a signature) may break anywhere; a shorter
#: one (an identifier, a number, a code) never breaks
WORD = 40
#: a piece longer than this with no place to break is key material, a signature or a long value: it may break
#: anywhere (what it holds, random or not, never changes how it is marked up)
KEY = 48
#: a number in a cell counts as at least this many characters: a journal's ``ms`` (``3 ms`` here, ``140 ms`` on a
#: loaded machine) must not move the scale, so that a stored output compares equal wherever it runs
DIGITS = 4
_PLACES = re.compile(r"(?<=[?&=,;])(?=.)|(?<=/)(?=[^/])|(?<=\.)(?<!\$\.)(?=[^\d.])|(?<=.)(?=••••)")
_WORD = re.compile(r"\S+")
#: after a mark, before a letter or digit (or an opening quote or bracket and one): never after an opening quote
#: or bracket itself (``"checkpoint":`` / ``"0000…"``)
_AFTER_MARK = re.compile(r"(?<=[^\w\s\"'(\[{<])(?=[\"'(\[{<]?\w)")
#: an ISO 8601 date and time: one unit (what a reader, and nbval's sanitizer, reads as one)
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_RUNS = re.compile(r"\w+")
#: characters a browser may break a line after (or before) even inside a word
_BREAKABLE = re.compile(r"[-‐‑–—]")


def _pieces(word: str) -> list[str]:
    """``word`` in the pieces that never break inside (a run of letters, digits and ``_`` over :data:`WORD`
    aside): a word up to :data:`LONG` characters whole; a longer one split at its places, and a piece still over
    :data:`RUN` after each mark that comes before a letter or digit."""
    if len(word) <= LONG:
        return [word]
    found: list[str] = []
    for part in _PLACES.split(word):
        if part:
            found.extend(_after_marks(part) if RUN < len(part) <= KEY else [part])
    return found


def _after_marks(part: str) -> list[str]:
    """``part`` split after each mark before a letter or digit, outside a date and time."""
    moments = [m.span() for m in _MOMENT.finditer(part)]
    places = [m.start() for m in _AFTER_MARK.finditer(part) if not any(a < m.start() < b for a, b in moments)]
    return [part[a:b] for a, b in zip([0, *places], [*places, len(part)], strict=True) if a < b]


def _anywhere(piece: str) -> bool:
    """``piece`` may break anywhere: longer than :data:`KEY`, or holding a run longer than :data:`WORD`."""
    return len(piece) > KEY or max((len(run) for run in _RUNS.findall(piece)), default=0) > WORD


def _piece(text: str) -> str:
    escaped = html.escape(text, quote=False)
    if _anywhere(text):
        return f'<span class="kit-long">{escaped}</span>'
    return f'<span class="kit-w">{escaped}</span>' if _BREAKABLE.search(text) else escaped


def _word(match: re.Match[str]) -> str:
    return "<wbr>".join(_piece(part) for part in _pieces(match.group(0)))


def cell_html(text: str) -> str:
    """``text`` as HTML that wraps only between words, or inside a long word after a separator."""
    out = []
    end = 0
    for match in _WORD.finditer(text):
        out.append(html.escape(text[end : match.start()], quote=False))
        out.append(_word(match))
        end = match.end()
    out.append(html.escape(text[end:], quote=False))
    return "".join(out)


def _common_parts(values: list[str]) -> list[str]:
    """The ``"; "``-separated parts every one of ``values`` holds (in the first one's order), when each value
    keeps a part of its own without them."""
    split = [value.split("; ") for value in values]
    common = [part for part in split[0] if all(part in parts for parts in split[1:])]
    return common if all(len(parts) > len(common) for parts in split) else []


def _without(value: str, common: list[str]) -> str:
    return "; ".join(part for part in value.split("; ") if part not in common)


def _shown(value: Any) -> Any:
    """A cell as pandas will print it with ``escape=False``: numbers, bools and None as they are."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return cell_html(str(value))


def _unit(text: str, *, cell: bool = False) -> int:
    """The characters of the widest part of ``text`` that cannot break (a run that may break anywhere: 6); in a
    ``cell``, a number counts as at least :data:`DIGITS` characters."""
    widest = 0
    for word in text.split():
        for piece in _pieces(word):
            size = len(piece)
            if _anywhere(piece):
                size = min(size, 6)
            elif cell and size < DIGITS and piece.isdigit():
                size = DIGITS
            widest = max(widest, size)
    return widest


def _scale(frame: pd.DataFrame) -> float:
    """The font scale at which ``frame``'s narrowest layout fits (1.0 when it fits as it is)."""
    labels = max(map(_unit, [*map(str, frame.index), *map(str, frame.index.names)]), default=0)
    widths = [max([_unit(str(name)), *(_unit(str(v), cell=True) for v in frame[name])]) for name in frame.columns]
    narrowest = sum(width + 2 for width in [labels, *widths])  # + 2: a cell's padding
    return 1.0 if narrowest <= FITS else max(SMALLEST, FITS / narrowest)


def _label(value: Any) -> Any:
    """A row label: wrapped like a cell (a fact id such as ``token-endpoint`` never breaks)."""
    return value if isinstance(value, (bool, int, float)) else cell_html(str(value))


class Table(pd.DataFrame):  # type: ignore[misc]  # pandas ships no type hints here
    """A DataFrame whose cells are shown as written: wrapped between words in HTML, uncut in text."""

    _metadata: list[str] = []

    @property
    def _constructor(self) -> type[Table]:
        return Table

    def _constructor_from_mgr(self, mgr: Any, axes: Any) -> Table:
        """A Table from pandas' internal block manager, made through the public constructor: pandas 2.2
        warns (a DeprecationWarning) when a subclass is handed the manager itself."""
        return Table(pd.DataFrame._from_mgr(mgr, axes=axes))

    def _shared(self) -> tuple[pd.DataFrame, str]:
        """The table to show, and the notes under it, for each ``attrs["once"]`` column with repeats: one
        value on every row is dropped and said once; a few values repeated become numbered footnotes. Each of
        ``attrs["notes"]`` (``{"checked against": "…"}``) is said under them as ``name: text``."""
        shown = pd.DataFrame(self)
        notes = []
        for column in self.attrs.get("once", ()):
            if column not in shown.columns or len(shown) < 2:
                continue
            values = shown[column].astype(str)
            distinct = list(dict.fromkeys(values))
            if len(distinct) == 1:
                notes.append(f"{column} (every row): {distinct[0]}")
                shown = shown.drop(columns=[column])
            elif len(distinct) < len(values):
                marks = {value: f"[{number}]" for number, value in enumerate(distinct, 1)}
                shown = shown.assign(**{column: values.map(marks)})
                common = _common_parts(distinct)  # what every footnote would repeat is said once, after them
                notes += [f"{marks[value]} {column}: {_without(value, common)}" for value in distinct]
                if common:
                    notes.append(f"every {column} also: {'; '.join(common)}")
        notes += [f"{name}: {text}" for name, text in dict(self.attrs.get("notes", {})).items()]
        return shown, "\n".join(notes)

    def _repr_html_(self) -> str | None:
        if not pd.get_option("display.notebook_repr_html"):
            return None
        shown, note = self._shared()
        scale = _scale(shown)
        shown = shown.copy()
        for column in shown.columns:
            if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
                shown[column] = shown[column].map(_shown).astype(object)
        shown = shown.rename(index=_label, columns=_label)  # a column label too: ``request_headers`` never breaks
        shown.index.names = [None if n is None else _label(n) for n in shown.index.names]
        shown.columns.names = [None if n is None else _label(n) for n in shown.columns.names]
        with pd.option_context(*_FULL):
            body = shown.to_html(
                escape=False,
                notebook=True,
                max_rows=pd.get_option("display.max_rows"),
                show_dimensions=pd.get_option("display.show_dimensions"),
            )
        footer = "".join(f'<p class="kit-note">{cell_html(line)}</p>' for line in note.splitlines())
        if scale == 1.0:
            return f'<div class="kit-table {NO_MATH}">{STYLE}{body}{footer}</div>'
        compact = " kit-compact" if scale < COMPACT else ""
        size = f' style="--kit-scale:{scale:.0%}"'
        return f'<div class="kit-table{compact} {NO_MATH}"{size}>{STYLE}{body}{footer}</div>'

    def __repr__(self) -> str:
        shown, note = self._shared()
        with pd.option_context(*_FULL, "display.width", 120):
            text = str(pd.DataFrame.__repr__(shown) if note else super().__repr__())
        return f"{text}\n{note}" if note else text


def request_table(request: requests.Request) -> pd.DataFrame:
    """The request's method, URL, headers and form fields as rows, secrets masked."""
    rows = [{"part": "line", "name": request.method, "value": redact(request.url)}]
    rows += [{"part": "header", "name": k, "value": redact(v, key=k)} for k, v in request.headers.items()]
    data = request.data if isinstance(request.data, dict) else {}
    rows += [{"part": "form", "name": k, "value": redact(str(v), key=k)} for k, v in data.items()]
    body = request.json if isinstance(request.json, dict) else {}
    rows += [{"part": "json", "name": k, "value": redact(str(v), key=k)} for k, v in body.items()]
    return Table(rows, columns=["part", "name", "value"])
