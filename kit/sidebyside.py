"""Side by side: every registered provider's flow run against its sandbox, compared from what happened.

For each provider, :func:`profile` opens a session with its spec's demo business call, calls it a
few times, and fills the comparison columns from that run (:mod:`kit.compare`): what was sent, the
token's kind, algorithm and lifetime, how the auth renews, how many exchanges came before the first
call; how an expired credential is refused comes from the provider's probes (one expired credential
really sent); statements the API allows no call for (revocation, tenant model) are those of the facts that
answer those columns, and the ``source`` column cites, per column, the fact each value rests on
(:mod:`kit.provenance`, ``Fact.column``).
Nothing here names a provider.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kit.arguments import checked
from kit.compare import COLUMNS, Profile, held, observe, renewal, token_facts
from kit.connect import connect
from kit.probes import probes_of
from kit.provenance import ARROW, SEPARATOR
from kit.providers import providers
from kit.session import Session
from kit.tables import Table
from kit.target import Target

__all__ = ["CALLS", "business_calls", "profile", "side_by_side", "sources"]

CALLS = 3


def business_calls(target: Target, session: Session[Any], times: int = CALLS) -> None:
    """The provider's demo business call (its spec's), ``times`` times, labelled ``business``."""
    call = target.provider.business
    for _ in range(times):
        session.call(call.method, call.path_for(session), step="business", json=call.body)


def profile(target: Target) -> Profile:
    """One provider's run and the comparison facts read from it."""
    spec = target.provider
    probes = probes_of(target)
    registry = spec.registry()
    s = target.session(**spec.business.options)
    business_calls(target, s)
    entries = list(s.journal.entries)
    token = s.token()
    facts: dict[str, Any] = {
        "credentials held": held(target.credentials),
        **observe(s),
        **token_facts(None if token is None else token.access_token.reveal(), lifetime=getattr(token, "lifetime", 0)),
        "renewal": renewal(s),
        "expiry signalled as": probes.expiry(target),
        **probes.observed(target, s),
    }
    cited = registry.compared()
    facts.update({column: registry.statement(fact) for column, fact in cited.items() if column not in facts})
    facts["source"] = SEPARATOR.join(
        f"{column}{ARROW}{registry.cite(cited[column])}" for column in COLUMNS if column in cited
    )
    return Profile(spec.name, facts, entries)


@checked
def side_by_side(names: list[str] | None = None) -> tuple[pd.DataFrame, list[Profile]]:
    """Run every provider's flow against a fresh sandbox; return the comparison table and the runs."""
    runs = []
    for spec in providers():
        if names is None or spec.name in names:
            with connect(spec.name, environ={}) as target:
                runs.append(profile(target))
    columns = [*COLUMNS, "source"]
    table = Table([{"provider": p.provider, **{c: p.facts.get(c, "") for c in columns}} for p in runs])
    return table.set_index("provider"), runs


@checked
def sources(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison's ``source`` column, one row per provider and column (what each value rests on), so that
    the comparison itself can be shown without it: ``table.drop(columns="source").T``.

    :raises ArgumentError: ``table`` is not :func:`side_by_side`'s (it has no ``source`` column).
    """
    from kit.arguments import ArgumentError

    if "source" not in table.columns:
        raise ArgumentError("sources takes the table side_by_side returns (it has a source column)")
    rows = []
    for provider, cited in table["source"].items():
        for part in str(cited).split(SEPARATOR):
            column, arrow, source = part.partition(ARROW)
            if arrow:
                rows.append({"provider": provider, "column": column, "source": source})
    return Table(rows, columns=["provider", "column", "source"]).set_index(["provider", "column"])
