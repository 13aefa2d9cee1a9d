"""A session's journal drawn as a sequence diagram: :func:`sequence`.

Three lifelines: the client (kit), the token or login endpoint (only when the journal holds an auth
exchange: a scheme that mints or signs each request has none) and the API. One arrow per exchange,
in the order sent, labelled with its number, its action and reason (``token · absent``, ``login ·
401``) or its step, the method and path, and the status that came back; a refused exchange (a status
of 400 or more, or no answer) is red and marked ``✗``. The picture is a self-contained SVG (no
script, no font or style from anywhere else), shown as an image of a data URL with its arrows as alternative
text, that shrinks to its container, so it shows in JupyterLab and in a static ``jupyter nbconvert --to html``
export alike, printed too; its text repr lists the same arrows. Everything drawn is masked
and holds no port or time, so a stored notebook output stays stable.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from kit.arguments import ArgumentError
from kit.record.entry import Entry
from kit.record.journal import journal_of

__all__ = ["Arrow", "Sequence", "sequence"]

WIDTH = 860
TOP = 46
ROW = 34
FONT = 12
RED = "#c62828"
INK = "#222222"
GREY = "#9e9e9e"


@dataclass(frozen=True)
class Arrow:
    """One exchange as drawn: to which lifeline, its label, the status, and whether it was refused."""

    number: int
    to: str  # "auth" or "api"
    label: str
    status: str
    refused: bool

    @classmethod
    def of(cls, number: int, entry: Entry) -> Arrow:
        e = entry.masked()
        path = urlsplit(e.url).path or "/"
        if e.kind == "auth":
            name = " · ".join(part for part in (e.action, e.reason) if part)
        else:
            name = e.step if e.step and not e.step.startswith(f"{e.method} ") else ""  # the step, if named
            name = f"{name} · redirect" if e.reason == "redirect" else name
        status = str(e.status) if e.status is not None else "no answer"
        refused = e.status is None or e.status >= 400
        label = f"{name} — {e.method} {path}" if name else f"{e.method} {path}"
        return cls(number, "auth" if e.kind == "auth" else "api", label, status, refused)

    def text(self) -> str:
        mark = "✗ " if self.refused else ""
        return f"{self.number}. {self.label} → {mark}{self.status}"


class Sequence:
    """The diagram of one journal: :meth:`svg`, shown in notebooks as an image that fits its container (with
    the arrows as alternative text), and the arrows one per line as text."""

    def __init__(self, arrows: list[Arrow], provider: str) -> None:
        self.arrows = arrows
        self.provider = provider

    def lifelines(self) -> list[tuple[str, str, int]]:
        """(key, title, x) of each lifeline drawn."""
        if any(a.to == "auth" for a in self.arrows):
            return [("client", "client (kit)", 80), ("auth", "token / login endpoint", 480), ("api", "API", 760)]
        return [("client", "client (kit)", 80), ("api", "API", 760)]

    def svg(self) -> str:
        """The diagram as a self-contained SVG document (no script, no font or image fetched)."""
        lines = self.lifelines()
        x = {key: at for key, _, at in lines}
        height = TOP + ROW * len(self.arrows) + 20
        count = f"{len(self.arrows)} exchange{'' if len(self.arrows) == 1 else 's'}"
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="kit-sequence" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="{FONT}">',
            f"<title>{escape(self.provider)}: {count}</title>",
        ]
        for _, title, at in lines:
            out.append(
                f'<rect x="{at - 80}" y="4" width="160" height="24" rx="4" fill="#eef2f7" stroke="{GREY}"/>'
                f'<text x="{at}" y="20" text-anchor="middle" fill="{INK}">{escape(title)}</text>'
                f'<line x1="{at}" y1="28" x2="{at}" y2="{height - 6}" stroke="{GREY}" stroke-dasharray="4 3"/>'
            )
        for row, arrow in enumerate(self.arrows):
            y = TOP + ROW * row + 16
            start = x["client"]
            end = x[arrow.to]
            colour = RED if arrow.refused else INK
            kind = "kit-exchange kit-refused" if arrow.refused else "kit-exchange"
            out.append(
                f'<g class="{kind}" data-status="{escape(arrow.status)}">'
                f'<text x="{start + 6}" y="{y - 5}" fill="{colour}">{escape(f"{arrow.number}. {arrow.label}")}</text>'
                f'<text x="{end + 6}" y="{y + 4}" fill="{colour}" font-weight="bold">'
                f"{escape(('✗ ' if arrow.refused else '') + arrow.status)}</text>"
                f'<line class="kit-arrow" x1="{start}" y1="{y}" x2="{end - 8}" y2="{y}" stroke="{colour}" '
                f'stroke-width="{2 if arrow.refused else 1.2}"/>'
                f'<polygon points="{end},{y} {end - 9},{y - 4} {end - 9},{y + 4}" fill="{colour}"/></g>'
            )
        out.append("</svg>")
        return "".join(out)

    def _repr_html_(self) -> str:
        """The SVG as an ``<img>`` of a data URL, which is how JupyterLab and nbconvert show an SVG output, but
        with what theirs lack: ``alt`` (the arrows, as :meth:`__repr__` lists them) and ``max-width:100%``, so
        the picture shrinks to a narrow window or a printed page instead of being cut at its right margin."""
        data = base64.b64encode(self.svg().encode()).decode()
        alt = html.escape(repr(self), quote=True)
        return (
            f'<img class="kit-sequence" src="data:image/svg+xml;base64,{data}" alt="{alt}" width="{WIDTH}" '
            'style="max-width:100%;height:auto">'
        )

    def __repr__(self) -> str:
        titles = " | ".join(title for _, title, _ in self.lifelines())
        return "\n".join([f"{self.provider}: {titles}", *(f"  {a.text()}" for a in self.arrows)])


def sequence(session: Any, last: int | None = None) -> Sequence:
    """The journal of a kit session (or a :class:`~kit.record.journal.Journal`) as a sequence diagram; with
    ``last``, only its last ``last`` exchanges (numbered as in the journal).

    :raises ArgumentError: ``session`` is not a kit session or journal, or ``last`` is not a positive int.
    """
    log = journal_of(session, "kit.sequence()")
    if last is not None and (isinstance(last, bool) or not isinstance(last, int) or last < 1):
        raise ArgumentError(f"kit.sequence(): last must be a positive int, not {last!r}")
    first = log.dropped + 1
    arrows = [Arrow.of(first + i, entry) for i, entry in enumerate(log.entries)]
    return Sequence(arrows[-last:] if last else arrows, log.prefix.lower())
