"""A session used as people use it on a bad day: refused logins, many threads, DEBUG logs with encoded tokens."""

from __future__ import annotations

import json
import logging
import threading
from urllib.parse import quote, quote_plus

import pytest

import kit
from kit.providers import signzy
from kit.providers.signzy import QueryTokenWarning


@pytest.mark.parametrize(
    "name, change, path, step",
    [
        ("signicat", {"client_secret": "x" * 40}, "auth/rest/sessions/x", "token step"),
        ("synerise", {"workspace_api_key": "0" * 36}, "v4/business-profile", "login step"),
        ("signzy", {"password": "x" * 40}, "api/channels/ch-1", "login step"),
    ],
)
def test_refused_answers_for_a_refused_token_or_login_step(
    name: str, change: dict[str, str], path: str, step: str
) -> None:
    with kit.connect(name, environ={}) as target:
        credentials = target.credentials.replace(**{k: kit.Secret(v) for k, v in change.items()})
        row = kit.refused(target.session(credentials), "GET", path).iloc[0]
    assert f"refused at its {step}" in row["request"] and row["status"] in (400, 401)
    assert row["refused by"] != "nothing" and target.provider.registry().resolve(row["source"])
    assert all(v not in " ".join(map(str, row.tolist())) for v in change.values())


def test_step_labels_are_per_thread() -> None:
    with kit.connect("pliance", environ={}) as target:
        s = target.session(journal_limit=2000)

        def work(n: int) -> None:
            for _ in range(25):
                with s.step(f"thread {n}"):
                    s.get("api/Ping")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        labels = [e.step for e in s.journal.entries]
    assert len(labels) == 400
    assert all(labels.count(f"thread {n}") == 25 for n in range(16))  # none took another thread's label


def test_a_query_token_in_any_encoding_is_masked_in_debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    with kit.connect("signzy", environ={}) as target:
        with pytest.warns(QueryTokenWarning):
            s = target.session(transport="query")
        token = s.require_token().access_token.reveal()
        raw = "abc+def/ghi=" * 4  # + / = in a token: urllib3's request line percent-encodes them
        quoted = 'say "hi" \\ to ' + "q" * 24  # a secret with a quote and a backslash, JSON-escaped in a log
        kit.Secret(raw), kit.Secret(quoted)
        with caplog.at_level(logging.DEBUG):
            s.get(f"api/channels/{signzy.me(s)}", params={"access_token": raw})
            logging.getLogger("kit").debug("body %s", json.dumps({"t": quoted}))
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "access_token=" in text and "body {" in text
    for shown in (token, raw, quote(raw, safe=""), quote_plus(raw), quoted, json.dumps(quoted)[1:-1]):
        assert shown not in text
