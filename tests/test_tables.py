"""kit's tables show every cell in full: in the HTML a notebook renders, and in their text.

pandas cuts text at 50 characters (``display.max_colwidth``), which is where the meaning of the
comparison and claims tables is. These tests render the real tables, made from real sandboxes.
"""

from __future__ import annotations

import html
import time

import pandas as pd
import pytest

import kit
from kit.providers import pliance, synerise
from kit.sidebyside import side_by_side
from kit.tables import STYLE, Table


def _missing(table: pd.DataFrame, rendered: str) -> list[str]:
    """The cell texts (and column names) of ``table`` that ``rendered`` does not hold in full."""
    texts = [str(c) for c in table.columns] + [str(v) for v in table.to_numpy().ravel() if str(v)]
    return [t for t in texts if html.escape(t, quote=False) not in rendered]


@pytest.fixture(scope="module")
def comparison() -> pd.DataFrame:
    table, _ = side_by_side()
    return table


def test_the_comparison_table_holds_every_cell_in_full(comparison: pd.DataFrame) -> None:
    long = [str(v) for v in comparison.to_numpy().ravel() if len(str(v)) > 50]
    assert long, "the comparison has cells longer than pandas' 50-character cut"
    for shown in (comparison, comparison.T):  # notebook 06 shows the transposed table
        assert isinstance(shown, Table)
        rendered = shown._repr_html_()
        assert not _missing(shown, rendered)
        assert STYLE in rendered  # wrapped, not cut: white-space pre-wrap, overflow-wrap anywhere
        assert not _missing(shown, repr(shown))


def test_the_claims_tables_hold_every_meaning_in_full(pliance_target: kit.Target) -> None:
    creds = pliance_target.credentials
    now = time.time()
    minted = pliance.mint_token(creds, now=now)
    tables = [kit.claims(minted, creds.secret, audience="pliance.io", issuer=creds.issuer, now=now)]
    with kit.connect("synerise", environ={}) as target:  # notebook 03's table, whose meanings were cut
        token = target.session(consumer="workspace").token()
        tables.append(synerise.verify_token(token, synerise.public_key(target.session()), now="iat"))
    assert any(len(str(v)) > 50 for v in tables[1].to_numpy().ravel())
    for table in tables:
        assert isinstance(table, Table)
        assert not _missing(table, table._repr_html_())
        assert not _missing(table, repr(table))


def test_a_plain_dataframe_cuts_where_a_table_does_not() -> None:
    """The control: the same long value, cut by pandas in a DataFrame, whole in a Table."""
    value = "none needed: a new token is minted for every request, so nothing is ever renewed or cached"
    frame = pd.DataFrame([{"renewal": value}])
    assert html.escape(value) not in frame._repr_html_()
    table = Table(frame)
    assert html.escape(value) in table._repr_html_() and value in repr(table)


def test_slices_transposes_and_concats_stay_tables() -> None:
    table = Table([{"a": "x" * 80, "b": 1}, {"a": "y", "b": 2}])
    for derived in (table[["a"]], table.T, table.head(1), table.set_index("b"), pd.concat([table, table])):
        assert isinstance(derived, Table)
        assert "x" * 80 in derived._repr_html_()


def test_refused_shows_a_refusal_as_one_row(pliance_target: kit.Target) -> None:
    creds = pliance_target.credentials
    answer = kit.refused(pliance_target.session(creds.replace(secret=kit.Secret("w" * 40))), "GET", "api/Ping")
    assert isinstance(answer, Table) and len(answer) == 1
    row = answer.iloc[0]
    assert row["status"] == 401 and row["request"] == "GET api/Ping"
    assert row["refused by"].startswith("the token")
    assert row["source"].startswith("inferred: ASP.NET Core JwtBearer")  # Pliance documents no auth failure
    assert row["challenge"] == 'Bearer error="invalid_token"'  # the server's WWW-Authenticate, read
    fine = kit.refused(pliance_target.session(), "GET", "api/Ping").iloc[0]
    assert fine["status"] == 200 and fine["refused by"] == "nothing"
