"""Probes: what each provider answers to bad input, sent for real, as the tables the notebooks show.

One module per provider (its package's ``probes``, ``kit/providers/<name>/probes.py``),
apart from the client code people copy into their projects. Each offers:

* ``failure_modes(target)``: one row per bad input (no token, a forged or expired one, another
  tenant, …) with what came back, and a ``source`` column cited from the provider's fact registry
  (:mod:`kit.provenance`): ``documented: …``, ``inferred: …``, ``kit's choice: …`` or ``observed: …``;
* ``expiry(target)``: how an expired credential is refused (``401 invalid_token``), from one
  expired credential really sent;
* ``observed(target, session)``: comparison facts read from a run (not statements);
* ``refusal(error)``: which credential or layer refused an answer, and the facts that say so
  (``None`` when the provider's knowledge says nothing; :func:`kit.refused` then reads the status).

Probes drive a sandbox only through its public control API (``target.control``). Cases that need
the sandbox (a token it forged) are left out against a live provider.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

from kit.arguments import checked
from kit.errors import ApiError
from kit.session import Session
from kit.target import Target

if TYPE_CHECKING:  # loaded where used, so that importing this module stays light
    import pandas as pd

__all__ = ["Probes", "failure_modes", "numbered", "probes_of"]


class Probes(Protocol):
    """What a provider's probe module offers."""

    def failure_modes(self, target: Target) -> pd.DataFrame: ...

    def expiry(self, target: Target) -> str: ...

    def observed(self, target: Target, session: Session[Any]) -> dict[str, str]: ...

    def refusal(self, error: ApiError) -> tuple[str, str] | None: ...


def probes_of(target: Target) -> Probes:
    """The probe module registered for ``target``'s provider."""
    return cast(Probes, target.provider.probe_module())


@checked
def failure_modes(target: Target) -> pd.DataFrame:
    """Each bad input, sent for real to ``target``: what it answered (the provider's own probes)."""
    return probes_of(target).failure_modes(target)


def numbered(rows: Sequence[Mapping[str, Any]], sources: Mapping[str, str]) -> pd.DataFrame:
    """A probe table: one row per case, numbered from 1, with where each answer comes from.

    ``sources`` maps each case to the labels of the facts it rests on (``Registry.cite``); a case
    without one is a bug, not a silent gap.
    """
    import pandas as pd

    from kit.tables import Table

    missing = [row["case"] for row in rows if row["case"] not in sources]
    if missing:
        raise KeyError(f"probe cases without a source: {', '.join(missing)}")
    table = Table([{**row, "source": sources[row["case"]]} for row in rows])
    table.index = pd.RangeIndex(1, len(table) + 1)
    table.attrs["once"] = ["source"]  # one source for every case shows once, under the table
    return table
