"""A replay's table as a terminal shows it: two lines per step within 100 columns, outside text made visible.

``kit replay`` prints these (``--wide``: the whole table, one line per step). The first line holds the step's
number, name, method and path, the status then → now and whether it is the same; the second, indented, the
outcome then → now and what changed, cut with "…" at the width.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kit.terminal import visible

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["WIDTH", "counted", "replay_lines"]

WIDTH = 100  # columns: a terminal's usual 80 and the 100 of a CI log's narrowest view both fit under it


def counted(number: int, noun: str) -> str:
    """``1 step``, ``3 steps``: the count and the noun agreeing."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def replay_lines(table: pd.DataFrame, width: int = WIDTH) -> list[str]:
    """Two lines per row of :func:`kit.replay`'s table, none longer than ``width``."""
    lines = []
    for number, row in table.iterrows():
        same = row["same"]
        verdict = "" if same == "" else "same" if same else "DIFFERS"
        status = f"{row['status then']} → {row['status now']}" if row["status now"] != "" else f"{row['status then']}"
        head = visible(f"{number:>3} {row['step']} · {row['method']} {row['path']}")  # visible first: then cut
        tail = visible(f"  {status}  {verdict}".rstrip())
        lines.append(_cut(head, width - len(tail)) + tail)
        outcome = f"{row['outcome then']} → {row['outcome now']}" if row["outcome now"] else ""
        said = "; ".join(part for part in (outcome, str(row["what changed"] or "")) if part)
        if said:
            lines.append(_cut(visible("    " + said), width))
    return lines
