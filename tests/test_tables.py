"""kit's tables show every cell in full: in the HTML a notebook renders, and in their text.

pandas cuts text at 50 characters (``display.max_colwidth``), which is where the meaning of the
comparison and claims tables is. These tests render the real tables, made from real sandboxes.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from typing import cast

import pandas as pd
import pytest

import kit
from kit.providers import pliance, synerise
from kit.sidebyside import side_by_side
from kit.tables import LONG, STYLE, WORD, Table


def _text(rendered: str) -> str:
    """What a browser shows of ``rendered``: the text without tags (``<wbr>`` and spans add none)."""
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def _missing(table: pd.DataFrame, rendered: str) -> list[str]:
    """The cell texts (and column names) of ``table`` that ``rendered`` does not hold in full."""
    texts = [str(c) for c in table.columns] + [str(v) for v in table.to_numpy().ravel() if str(v)]
    shown = _text(rendered) if rendered.lstrip().startswith("<") else rendered
    return [t for t in texts if t not in shown]


@pytest.fixture(scope="module")
def comparison() -> pd.DataFrame:
    table, _ = side_by_side()
    return table


def test_the_comparison_table_holds_every_cell_in_full(comparison: pd.DataFrame) -> None:
    long = [str(v) for v in comparison.to_numpy().ravel() if len(str(v)) > 50]
    assert long, "the comparison has cells longer than pandas' 50-character cut"
    for shown in (comparison, comparison.T):  # notebook 06 shows the transposed table
        assert isinstance(shown, Table)
        rendered = str(shown._repr_html_())
        assert not _missing(shown, rendered)
        assert STYLE in rendered  # wrapped between words, not cut
        assert not _missing(shown, repr(shown))


def test_the_claims_tables_hold_every_meaning_in_full(pliance_target: kit.Target) -> None:
    creds = pliance_target.credentials_as(pliance.Credentials)
    now = time.time()
    minted = pliance.mint_token(creds, now=now)
    tables = [kit.claims(minted, creds.secret, audience="pliance.io", issuer=creds.issuer, now=now)]
    with kit.connect("synerise", environ={}) as target:  # notebook 03's table, whose meanings were cut
        token = target.session(consumer="workspace").require_token()
        tables.append(synerise.verify_token(token, synerise.public_key(target.session()), now="iat"))
    assert any(len(str(v)) > 50 for v in tables[1].to_numpy().ravel())
    for table in tables:
        assert isinstance(table, Table)
        assert not _missing(table, str(table._repr_html_()))
        assert not _missing(table, repr(table))


def test_a_plain_dataframe_cuts_where_a_table_does_not() -> None:
    """The control: the same long value, cut by pandas in a DataFrame, whole in a Table."""
    value = "none needed: a new token is minted for every request, so nothing is ever renewed or cached"
    frame = pd.DataFrame([{"renewal": value}])
    assert value not in _text(frame._repr_html_())
    table = Table(frame)
    assert value in _text(str(table._repr_html_())) and value in repr(table)


def test_slices_transposes_and_concats_stay_tables() -> None:
    table = Table([{"a": "x" * 80, "b": 1}, {"a": "y", "b": 2}])
    for derived in (table[["a"]], table.T, table.head(1), table.set_index("b"), pd.concat([table, table])):
        assert isinstance(derived, Table)
        assert "x" * 80 in _text(str(derived._repr_html_()))


def test_refused_shows_a_refusal_as_one_row(pliance_target: kit.Target) -> None:
    creds = pliance_target.credentials_as(pliance.Credentials)
    answer = kit.refused(pliance_target.session(creds.replace(secret=kit.Secret("w" * 40))), "GET", "api/Ping")
    assert isinstance(answer, Table) and len(answer) == 1
    row = answer.iloc[0]
    assert row["status"] == 401 and row["request"] == "GET api/Ping"
    assert row["refused by"].startswith("the token")
    assert row["source"].startswith("inferred: ASP.NET Core JwtBearer")  # Pliance documents no auth failure
    assert row["challenge"] == 'Bearer error="invalid_token"'  # the server's WWW-Authenticate, read
    fine = kit.refused(pliance_target.session(), "GET", "api/Ping").iloc[0]
    assert fine["status"] == 200 and fine["refused by"] == "nothing"


def _cells(rendered: str) -> list[str]:
    return re.findall(r"<td>(.*?)</td>", rendered, re.S)


def test_words_never_break_inside_and_long_ones_only_after_a_separator() -> None:
    values = [
        "invalid_token", "AUTHORIZATION_REQUIRED", "USERNAME_EMAIL_REQUIRED", "WrongClientToken", "PLIANCE_URL",
        "1796115498", "tenant-a", "127.0.0.1:45997", "Bearer error=\"invalid_token\"",
        "http://127.0.0.1:45997/api/Ping?personReferenceId=p-1&x=2", "••••1a2b3c4d••••9f8e7d6c",
    ]  # fmt: skip
    rendered = Table([{"value": v} for v in values])._repr_html_()
    assert rendered is not None and "table.dataframe th{white-space:pre-wrap;overflow-wrap:normal;" in rendered
    for value, cell in zip(values, _cells(rendered), strict=True):
        assert _text(cell) == value  # as written: nothing added, nothing lost
        for word in value.split():
            pieces = [_text(p) for p in re.split("<wbr>", cell) if _text(p).strip()]
            if len(word) <= LONG:
                assert any(word in p for p in pieces), f"{word!r} may break inside: {cell}"
        for piece in cell.split("<wbr>")[:-1]:  # every break place follows a separator or precedes a mask
            assert _text(piece)[-1] in "/.?&=,;" or _text(piece).endswith(tuple("0123456789abcdef")), cell
        for span in re.findall(r'<span class="kit-w">(.*?)</span>', cell):
            assert "<wbr>" not in span
    for value, cell in list(zip(values, _cells(rendered), strict=True))[:8]:  # identifiers, codes, numbers, names
        assert "<wbr>" not in cell and "kit-long" not in cell, (value, cell)
    url = _cells(rendered)[9]
    assert [_text(p) for p in url.split("<wbr>")] == [
        "http://", "127.0.0.1:45997/", "api/", "Ping?", "personReferenceId=", "p-1&", "x=", "2",
    ]  # fmt: skip


def test_a_compact_json_body_breaks_after_commas_and_a_long_run_anywhere() -> None:
    body = '{"status":"Success","success":true,"checkpoint":"' + "0" * 64 + '"}'
    cell = _cells(Table([{"response": body}])._repr_html_() or "")[0]
    assert _text(cell) == body
    assert [_text(p) for p in cell.split("<wbr>")][:2] == ['{"status":"Success",', '"success":true,']
    # a piece over 48 with no place to break (64 digits here: key material, a hash) may break anywhere
    assert f'<span class="kit-long">"checkpoint":"{"0" * 64}"}}</span>' in cell
    assert '<span class="kit-long">' not in (Table([{"v": "x" * WORD}])._repr_html_() or "")
    assert '<span class="kit-long">' in (Table([{"v": "x" * (WORD + 1)}])._repr_html_() or "")


@pytest.mark.parametrize(
    "word, pieces",
    [
        ("3f2c9a1e-7b4d-4e8f-a6c2-1d5e9b0f7a38", ["3f2c9a1e-", "7b4d-", "4e8f-", "a6c2-", "1d5e9b0f7a38"]),
        ("00000000-0000-0000-0000-000000000001", ["00000000-", "0000-", "0000-", "0000-", "000000000001"]),
        ('"2026-12-07T03:57:15.554Z"}}', ['"2026-12-07T03:57:15.554Z"}}']),  # a date and time: one unit
        ("since:2026-12-07T03:57:15.554Z", ["since:", "2026-12-07T03:57:15.554Z"]),
        ("BasicAuthenticationSecretParser", ["BasicAuthenticationSecretParser"]),  # 31: an identifier, whole
        ("permissions:BUSINESS_PROFILE_READ,CLIENTS_READ", ["permissions:", "BUSINESS_PROFILE_READ,", "CLIENTS_READ"]),
    ],
)
def test_a_word_breaks_only_between_its_runs_of_letters_and_digits(word: str, pieces: list[str]) -> None:
    """What the browser test measures (no run of letters, digits and _ up to 40 broken inside): a UUID breaks after
    its hyphens, a date and time or an identifier never, permissions after their marks."""
    cell = _cells(Table([{"v": word}])._repr_html_() or "")[0]
    assert [_text(p) for p in cell.split("<wbr>")] == pieces and "kit-long" not in cell


def test_a_column_label_breaks_only_between_words() -> None:
    shown = Table([{"request_body": 1, "secret_header": 2}])._repr_html_() or ""
    assert "request_body" in shown and "secret_header" in shown and "_<wbr>" not in shown


def test_dollar_signs_are_not_math() -> None:
    table = Table([{"what changed": "changed: $.authenticationUrl, $.error_class"}])
    rendered = table._repr_html_()
    assert rendered is not None
    assert rendered.startswith('<div class="kit-table mathjax_ignore tex2jax_ignore">')
    assert "$.authenticationUrl" in _text(rendered) and "$.error_class" in _text(rendered)


def test_repeated_sources_are_shown_once_under_the_table(pliance_target: kit.Target) -> None:
    modes = kit.failure_modes(pliance_target)
    sources = list(dict.fromkeys(modes["source"]))
    assert len(sources) == 2 and len(modes) > 10  # notebook 01: two sources over 13 cases
    rendered = modes._repr_html_()
    assert rendered is not None
    for number, source in enumerate(sources, 1):
        assert _text(rendered).count(source) == 1 and f"[{number}] source: {source}" in _text(rendered)
    assert [_text(c) for c in _cells(rendered)].count("[1]") == (modes["source"] == sources[0]).sum()
    assert f"[2] source: {sources[1]}" in repr(modes) and modes["source"].tolist()[0] == sources[0]  # data kept
    one = Table([{"a": 1, "source": "x"}, {"a": 2, "source": "x"}])
    one.attrs["once"] = ["source"]
    assert "<th>source</th>" not in (one._repr_html_() or "") and "source (every row): x" in repr(one)
    mixed = Table([{"a": 1, "source": "x"}, {"a": 2, "source": "y"}])
    mixed.attrs["once"] = ["source"]
    assert "<th>source</th>" in (mixed._repr_html_() or "") and "[1]" not in repr(mixed)


def test_a_part_every_footnote_holds_is_said_once_after_them() -> None:
    """Signzy's nine sources each ended in the same long "LoopBack 3's User model ...; observed: ..." part (04):
    said once after the footnotes, each footnote keeping its own part; a part only some hold stays in each."""
    rows = [{"a": n, "source": f"own {n % 3}; shared x; shared y"} for n in range(6)]
    table = Table(rows)
    table.attrs["once"] = ["source"]
    _, notes = table._shared()
    assert notes.splitlines() == [
        "[1] source: own 0",
        "[2] source: own 1",
        "[3] source: own 2",
        "every source also: shared x; shared y",
    ]
    some = Table([{"source": "a; s"}, {"source": "a; s"}, {"source": "b"}])
    some.attrs["once"] = ["source"]
    assert some._shared()[1].splitlines() == ["[1] source: a; s", "[2] source: b"]
    whole = Table([{"source": "a; s"}, {"source": "a; s"}, {"source": "s"}])  # one footnote would be left empty
    whole.attrs["once"] = ["source"]
    assert whole._shared()[1].splitlines() == ["[1] source: a; s", "[2] source: s"]


def test_cache_stats_rows_are_labelled_not_numbered() -> None:
    from kit.auth.tokencache import MemoryTokenCache

    cache = MemoryTokenCache()
    assert list(kit.cache_stats(cache).index) == ["memory"]
    both = kit.cache_stats(a=cache, b=MemoryTokenCache())
    assert list(both.index) == ["a", "b"] and both.index.nlevels == 1
    assert list(both.columns) == ["cache", "hits", "misses", "fetches", "waits", "errors", "last renew reason"]


def test_row_labels_are_identifiers_too() -> None:
    """A fact id as the row label (``kit.facts``) keeps its hyphen: it broke there in notebook 02."""
    rendered = Table([{"statement": "x"}], index=["token-endpoint"])._repr_html_() or ""
    assert '<th><span class="kit-w">token-endpoint</span></th>' in rendered


def test_a_table_too_wide_for_a_notebook_is_set_smaller_from_its_text_alone() -> None:
    """Unbreakable units summed over the columns decide the scale: the same table always renders the same."""
    narrow = Table([{"a": "short", "b": 1}])._repr_html_() or ""
    assert "--kit-scale:" not in narrow
    facts = kit.facts("signzy")  # notebook 04's last table: fact ids and file names that must not break
    rendered = facts._repr_html_() or ""
    scale = re.search(r"--kit-scale:(\d+)%", rendered)
    assert scale is not None and 72 <= int(scale.group(1)) < 100
    assert rendered == facts._repr_html_()
    journal_like = Table([{f"column_{n}": "AUTHORIZATION_REQUIRED" for n in range(12)}])
    smallest = re.search(r"--kit-scale:(\d+)%", journal_like._repr_html_() or "")
    assert smallest is not None and smallest.group(1) == "72"  # never smaller than that


def test_a_timing_does_not_move_a_wide_tables_scale() -> None:
    """A journal's ``ms`` is 3 here and 140 on a loaded machine: the stored table's size must not follow it
    (nbval compares the stored ``--kit-scale`` with a run elsewhere)."""
    row = {"step": "ping", "url": "http://127.0.0.1:45678/api/Ping", "request_headers": "X-Trace: abc"}
    wide = {**row, **{f"c{n}": "sixteen-char-id0" for n in range(3)}}  # 16 characters never break: too wide
    quick = Table([{**wide, "ms": "    3 ms"}])._repr_html_()
    slow = Table([{**wide, "ms": "  140 ms"}])._repr_html_()
    scales = [re.search(r"--kit-scale:(\d+)%", shown or "") for shown in (quick, slow)]
    assert scales[0] is not None and scales[1] is not None
    assert scales[0].group(1) == scales[1].group(1) != "100"


def test_an_empty_table_renders() -> None:
    shown = Table(pd.DataFrame(columns=["username", "id"]))._repr_html_()
    assert shown is not None and "username" in shown


def test_credentials_show_as_a_table_in_a_notebook_and_a_field_a_line_in_text() -> None:
    """A notebook wraps a long plain line anywhere (Synerise's credentials were one line of 516 characters): the
    credentials show as a kit table, their plain text one field a line; a secret stays masked in both."""
    from IPython.lib import pretty as ipython

    pretty = cast(Callable[[object], str], ipython.pretty)  # IPython ships no hints for it
    secret = "kit-test-synerise-api-key-of-32-bytes!!"
    creds = synerise.Credentials.of(workspace_api_key=secret, user_username="grace@example.com")
    shown = creds._repr_html_()
    assert shown.startswith('<div class="kit-table') and "workspace_api_key" in _text(shown)
    assert "'grace@example.com'" in _text(shown)
    assert secret not in shown and secret not in pretty(creds)
    lines = pretty(creds).splitlines()
    assert lines[0] == "Credentials(" and lines[-1] == ")"
    assert len(lines) == len(creds.fields()) + 2 and max(map(len, lines)) < 90
    assert "\n" not in repr(creds)  # the repr itself stays one line (exceptions, logs)
