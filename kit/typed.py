"""What a credentials form typed over time, so a refusal says which values the refused session really held.

A session keeps the credentials it was made with. After the form's Submit or Reset, ``target.session()`` uses the
new values, but a session made before still holds the old ones: its hint then says the value was typed in the form
*before* (not "changed in code"), names the cell that made the session and says to run it again.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Made", "Typed", "made_in"]


@dataclass(frozen=True)
class Made:
    """When and where a session was made: the form's revision then, and the first line of the cell (in IPython)."""

    revision: int
    cell: str = ""


@dataclass
class Typed:
    """The values the form's last Submit typed (``now``), those typed before (``earlier``), and how many Submits and
    Resets there were (``revision``)."""

    now: dict[str, Any] = field(default_factory=dict)
    earlier: dict[str, list[Any]] = field(default_factory=dict)
    revision: int = 0

    def record(self, typed: dict[str, Any]) -> None:
        """A Submit (``typed``: the fields that differ from their source) or a Reset (``{}``)."""
        for name, value in self.now.items():
            self.earlier.setdefault(name, []).append(value)
        self.now = dict(typed)
        self.revision += 1

    def where(self, name: str, value: Any) -> str:
        """Where field ``name``'s ``value`` came from: ``form`` (typed now), ``earlier`` (typed before the last
        Submit or Reset), else ``code``."""
        if name in self.now and self.now[name] == value:
            return "form"
        if any(held == value for held in self.earlier.get(name, [])):
            return "earlier"
        return "code"

    def stale(self, made: Made) -> str:
        """What a session made at ``made`` says about itself: empty while the form has not changed since."""
        if made.revision == self.revision:
            return ""
        return "made before the form's last Submit or Reset: it still holds the earlier values"


def made_in() -> str:
    """The first line of the IPython cell running now (``session = target.session()``), else empty."""
    ipython = sys.modules.get("IPython")  # loaded in a notebook; elsewhere never loaded for this (it is heavy)
    shell = ipython.get_ipython() if ipython is not None else None
    running = getattr(getattr(shell, "displayhook", None), "exec_result", None)  # the cell running now (IPython)
    raw = getattr(getattr(running, "info", None), "raw_cell", None)
    if not isinstance(raw, str):
        return ""
    code = [line.strip() for line in raw.splitlines() if line.strip() and not line.strip().startswith("#")]
    return code[0][:80] if code else ""
