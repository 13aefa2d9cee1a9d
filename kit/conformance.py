"""conformance(): a provider's probes sent to a target and to a fresh sandbox, the answers side by side.

For users who get live credentials: does the sandbox they learned on answer as their provider does?
Each probe of the provider's probe module (:func:`kit.failure_modes`) runs against both; a row
says what the sandbox answered, what the target answered (status and the provider's code), whether
they agree, and where the sandbox's behaviour comes from (``documented`` / ``inferred: …``).

Against a live provider only the probes that need no sandbox run (each probe module says which;
none sends more than the provider's notebook does: bad logins, bad tokens, at most a child channel
created and deleted, a logout of kit's own token). The rows that need the sandbox are shown as
``sandbox only`` and do not count as differences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kit.arguments import checked
from kit.connect import connect
from kit.probes import failure_modes, probes_of
from kit.target import Target

if TYPE_CHECKING:  # loaded where used, so that importing this module stays light
    import pandas as pd


__all__ = ["COLUMNS", "SANDBOX_ONLY", "conformance", "differences", "known_differences"]

COLUMNS = ["probe", "sandbox answered", "target answered", "same", "source"]
SANDBOX_ONLY = "sandbox only: not sent to the target"


def _answer(row: pd.Series) -> str:
    return f"{row['status']} {row.get('code', '') or ''}".strip()


@checked
def conformance(target: Target, **settings: Any) -> pd.DataFrame:
    """The provider's probes against ``target`` and against a fresh sandbox (with ``settings``).

    :returns: one row per probe: probe, sandbox answered, target answered, same (True, False, or
        None for a probe that needs the sandbox and was not sent to the target), source.
    """
    import pandas as pd

    from kit.tables import Table

    with connect(target.provider.name, environ={}, **settings) as reference:
        ours = failure_modes(reference)
    theirs = failure_modes(target)
    seen = {row["case"]: _answer(row) for _, row in theirs.iterrows()}
    rows = []
    for _, row in ours.iterrows():
        mine = _answer(row)
        other = seen.get(row["case"])  # the sandbox runs every probe; a live target, those it can
        same = None if other is None else mine == other
        rows.append(
            {
                "probe": row["case"],
                "sandbox answered": mine,
                "target answered": SANDBOX_ONLY if other is None else other,
                "same": same,
                "source": row["source"],
            }
        )
    table = Table(rows, columns=COLUMNS)
    table.index = pd.RangeIndex(1, len(table) + 1)
    return table


def differences(table: pd.DataFrame) -> int:
    """How many probes the target answered otherwise than the sandbox (sandbox-only rows do not count)."""
    return int((table["same"] == False).sum())  # noqa: E712 - None (not sent) must not count


@checked
def known_differences(target: Target) -> pd.DataFrame:
    """Where the provider's sandbox knowingly answers otherwise than the real implementation of the
    framework or protocol it copies, and why; ``attrs["checked against"]`` names that implementation.

    Empty for a provider whose sandbox has not been checked against one (its probe module says so).
    """
    import pandas as pd

    from kit.tables import Table

    probes = probes_of(target)
    listed: dict[str, str] = dict(getattr(probes, "DIFFERENCES", {}))
    table = Table([{"what differs": what, "why": why} for what, why in listed.items()], columns=["what differs", "why"])
    table.index = pd.RangeIndex(1, len(table) + 1)
    table.attrs["checked against"] = str(getattr(probes, "CHECKED_AGAINST", "nothing yet"))
    table.attrs["notes"] = {"checked against": table.attrs["checked against"]}  # said under the table
    return table
