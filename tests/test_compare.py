"""The side-by-side table is read from real runs of all five flows."""

import pandas as pd
import pytest

from kit.compare import COLUMNS, timeline
from kit.providers import REGISTERED, names, provider
from kit.sidebyside import side_by_side, sources


@pytest.fixture(scope="module")
def compared() -> pd.DataFrame:
    return side_by_side()


def test_every_provider_has_every_column(compared: pd.DataFrame) -> None:
    table, runs = compared
    assert list(table.index) == list(names())
    assert list(table.columns) == [*COLUMNS, "source"]
    assert all(len(run.entries) >= 3 for run in runs)


def test_sources_lists_each_provider_and_column_with_its_citation(compared: pd.DataFrame) -> None:
    """Notebook 06 shows the comparison without its source column (a wall of text that shrank the table) and the
    citations beside it, one row per provider and column."""
    table, _ = compared
    cited = sources(table)
    assert list(cited.columns) == ["source"] and list(cited.index.names) == ["provider", "column"]
    for name in table.index:
        rows = cited.loc[name]
        assert set(rows.index) == set(provider(name).registry().compared())
        for column, source in rows["source"].items():
            assert provider(name).registry().resolve(source) and f"{column} ← {source}" in table.loc[name, "source"]


def test_the_source_column_cites_a_registered_fact_per_stated_column(compared: pd.DataFrame) -> None:
    table, _ = compared
    for name in table.index:
        spec = provider(name)
        source = table.loc[name, "source"]
        assert spec.registry().resolve(source)  # ConfigError for anything not a registered fact's label
        columns = {part.split(" ← ", 1)[0] for part in source.split("; ") if " ← " in part}
        assert columns == set(spec.registry().compared()) and columns <= set(COLUMNS)
    assert "lifetime ← inferred: Pliance's SDKs" in table.loc["pliance", "source"]  # the SDKs' choice, no rule
    assert "lifetime ← inferred: LoopBack 3's AccessToken defaults" in table.loc["signzy", "source"]


def test_facts_come_from_the_runs(compared: pd.DataFrame) -> None:
    table, _ = compared
    assert table.loc["pliance", "token kind"] == "self-minted JWT, typ JWT"
    assert table.loc["signicat", "token kind"] == "JWT, typ at+jwt"
    assert (table.loc["signicat", "signing algorithm"], table.loc["synerise", "signing algorithm"]) == (
        "RS256",
        "RS512",
    )
    assert table.loc["signzy", "token kind"] == "opaque" and table.loc["signzy", "lifetime"] == "14 d"
    assert table.loc["saltedge", "token kind"] == "none"
    ahead = [table.loc[name, "exchanges before first business call"] for name in REGISTERED]
    assert ahead == [0, 1, 1, 1, 0]
    assert table.loc["signicat", "renewal"] == "re-fetch (same grant)"
    assert table.loc["synerise", "renewal"] == "refresh (old token still valid)"
    assert table.loc["signzy", "renewal"] == "log in again"
    assert table.loc["synerise", "expiry signalled as"] == "401 Token expired."
    assert table.loc["signzy", "revocation"].endswith("401 AUTHORIZATION_REQUIRED")
    assert "signicat-accountId" in table.loc["signicat", "sent on each call"]
    assert "Signature: ••••" in table.loc["saltedge", "sent on each call"]
    assert "Api-Version: 4.4" in table.loc["synerise", "sent on each call"]


def test_no_secret_in_the_table(compared: pd.DataFrame) -> None:

    from kit.providers import providers

    table, _ = compared
    text = table.to_string() + table.to_html()
    for spec in providers():
        for key, value in spec.part("sandbox").DEMO.items():
            if "secret" in key or "password" in key or "api_key" in key:
                assert value not in text
    assert "eyJ" not in text


def test_timeline_draws_one_line_per_provider(compared: pd.DataFrame) -> None:
    _, runs = compared
    figure = timeline(runs)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert labels == list(reversed(names()))
    assert len(figure.axes[0].patches) == sum(len(r.entries) for r in runs)
    shown = figure._repr_html_()
    assert shown.startswith('<img class="kit-timeline" src="data:image/png;base64,iVBOR') and "max-width:100%" in shown
    counts = ", ".join(f"{r.provider} {len(r.entries)}" for r in runs)
    assert shown.endswith(f'refused): {counts}" style="max-width:100%;height:auto">')
