"""The journal records every exchange redacted; HAR and curl exports keep it that way."""

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests

import kit
from kit.auth.flow import Exchange
from kit.providers import pliance
from kit.record.journal import now_utc
from kit.sandbox import Sandbox
from kit.secrets import MASK


def test_journal_has_one_redacted_row_per_exchange(pliance_target: kit.Target) -> None:
    session = pliance_target.session()
    session.call("GET", "api/Ping", step="ping")
    session.get("api/Nope")
    table = kit.journal(session)
    assert list(table.columns) == [
        "step",
        "method",
        "url",
        "status",
        "challenge",
        "ms",
        "request_headers",
        "request_body",
        "response",
    ]
    assert list(table["step"]) == ["ping", "GET /api/Nope"]
    assert list(table["status"]) == [200, 404]
    assert table.index.tolist() == [1, 2]
    headers = table.loc[1, "request_headers"]
    assert headers.startswith(f"Authorization: Bearer {MASK}") and "eyJ" not in headers
    assert table.loc[1, "ms"].endswith(" ms")
    assert '"success": true' in table.loc[1, "response"]


def test_journal_records_transport_errors() -> None:
    creds = pliance.Credentials.of(secret="x" * 40, issuer="i", given_name="g", subject="s")
    session = pliance.session(creds, "http://127.0.0.1:9/")  # port 9 (discard) refuses on loopback
    with pytest.raises(kit.KitError):
        session.call("GET", "api/Ping")
    entry = session.journal.entries[0]
    assert entry.status is None and "ConnectionError" in entry.error
    assert kit.journal(session).loc[1, "status"] == "-"


def test_every_request_has_a_timeout(pliance_target: kit.Target) -> None:
    session = pliance_target.session()
    seen = {}
    original = requests.adapters.HTTPAdapter.send

    def spy(
        self: Any, request: Any, **kwargs: Any
    ) -> Any:  # observe what reaches the transport; the real send still runs
        seen["timeout"] = kwargs.get("timeout")
        return original(self, request, **kwargs)

    requests.adapters.HTTPAdapter.send = spy  # type: ignore[method-assign, assignment]
    try:
        session.get("api/Ping")
    finally:
        requests.adapters.HTTPAdapter.send = original  # type: ignore[method-assign]
    assert seen["timeout"] == (5.0, 30.0)


def test_journal_rejects_plain_sessions() -> None:
    with pytest.raises(kit.ConfigError, match="takes a kit session"):
        kit.journal(requests.Session())  # type: ignore[arg-type]


def test_har_has_every_required_field(pliance_target: kit.Target, tmp_path: Path) -> None:
    session = pliance_target.session()
    session.call(
        "PUT", "api/PersonCommand", json={"personReferenceId": "p", "firstName": "A", "lastName": "B"}, step="register"
    )
    session.call("GET", "api/PersonQuery", params={"personReferenceId": "p"})
    path = kit.to_har(session, tmp_path / "x.har")
    log = json.loads(path.read_text())["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] == "kit"
    assert len(log["entries"]) == 2
    for entry in log["entries"]:
        assert {"startedDateTime", "time", "request", "response", "cache", "timings"} <= set(entry)
        assert {"method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"} <= set(
            entry["request"]
        )
        assert {
            "status",
            "statusText",
            "httpVersion",
            "cookies",
            "headers",
            "content",
            "redirectURL",
            "headersSize",
            "bodySize",
        } <= set(entry["response"])
        assert {"size", "mimeType"} <= set(entry["response"]["content"])
        assert {"send", "wait", "receive"} <= set(entry["timings"])
        kit_fields = ("_step", "_kind", "_action", "_reason", "_attempt", "_retryAfter", "_error")
        assert all(not k.startswith("_") or k in kit_fields for k in entry)
        assert entry["startedDateTime"].endswith("Z")
    first = log["entries"][0]
    assert first["_step"] == "register" and first["request"]["postData"]["mimeType"] == "application/json"
    assert log["entries"][1]["request"]["queryString"] == [{"name": "personReferenceId", "value": "p"}]
    assert "eyJ" not in path.read_text()


def test_curl_line_uses_env_placeholders_and_runs(pliance_target: kit.Target) -> None:
    session = pliance_target.session()
    session.call("GET", "api/Ping")
    line = kit.to_curl(session).splitlines()[-1]  # the curl line itself, after the lines that fill it
    assert "'Authorization: Bearer '\"${PLIANCE_TOKEN}\"" in line and "eyJ" not in line
    token = pliance.mint_token(pliance_target.credentials_as(pliance.Credentials))
    result = subprocess.run(
        ["bash", "-c", line + " --silent"],
        capture_output=True,
        text=True,
        env={"PLIANCE_TOKEN": token, "PLIANCE_URL": pliance_target.base_url, "PATH": "/usr/bin:/bin"},
        timeout=30,
    )
    assert json.loads(result.stdout)["success"] is True


def test_curl_names_registered_secrets_by_their_env_var() -> None:
    creds = pliance.Credentials.of(
        secret="curl-test-secret-0123456789abcdef-0123", issuer="i", given_name="g", subject="s"
    )
    journal = kit.Session("http://127.0.0.1:9/", provider="pliance").journal
    prepared = requests.Request(
        "POST",
        "http://127.0.0.1:9/x",
        json={"secret": creds.secret.reveal()},
        headers={"X-Api-Key": creds.secret.reveal()},
    ).prepare()
    journal.record(Exchange(prepared), None, sent=prepared, step="s", elapsed_ms=1.0, started=now_utc())
    line = kit.to_curl(journal)
    assert line.count("${PLIANCE_SECRET}") == 2 and creds.secret.reveal() not in line


def test_sent_compares_what_sessions_sent_for_one_step(pliance_target: kit.Target) -> None:
    a, b = pliance_target.session(), pliance_target.session(pliance_target.credentials.replace(tenant="t-2"))
    a.call("GET", "api/Ping", step="ping")
    b.get("api/Ping")
    with b.step("ping"):
        b.get("api/Ping")
    shown = kit.sent({"a": a, "b": b}, "ping")
    assert list(shown.index) == ["a", "b"] and list(shown.columns) == ["url", "request_headers"]
    assert shown.loc["a", "url"].endswith("/api/Ping") and shown.loc["b", "request_headers"].endswith("X-Tenant: t-2")
    assert shown.loc["a", "request_headers"].startswith(f"Authorization: Bearer {MASK}")
    assert "<table" in (shown._repr_html_() or "")  # a kit table: it wraps between words


def test_the_journal_keeps_at_most_its_limit_and_says_how_many_it_dropped(pliance_box: Sandbox, tmp_path: Path) -> None:
    import pandas as pd

    auth = pliance.PlianceAuth(pliance.Credentials.of(**pliance_box.credentials))
    s: kit.Session[None] = kit.Session(pliance_box.url, provider="pliance", auth=auth, journal_limit=3)
    for i in range(5):
        s.call("GET", "api/Ping", step=f"ping {i + 1}")
    assert len(s.journal) == 3 and s.journal.dropped == 2
    table = kit.journal(s)
    assert table.index.tolist() == [3, 4, 5] and list(table["step"]) == ["ping 3", "ping 4", "ping 5"]
    assert table.index.name == "2 earlier dropped (limit 3)" and "2 earlier dropped" in table.to_string()
    log = json.loads(kit.to_har(s, tmp_path / "x.har").read_text())["log"]
    assert log["_dropped"] == 2 and log["comment"] == "2 earlier exchanges were dropped (journal limit 3)"
    pd.testing.assert_frame_equal(kit.read_har(tmp_path / "x.har"), table)
    s.journal.clear()
    assert len(s.journal) == 0 and kit.journal(s).index.name is None
    with pytest.raises(kit.ConfigError):
        kit.Session[Any](pliance_box.url, provider="pliance", journal_limit=0)


def test_a_secret_learned_after_recording_is_masked_when_read(pliance_target: kit.Target, tmp_path: Path) -> None:
    import secrets

    value = "learned-later-" + secrets.token_hex(16)  # not a secret kit knows when the exchange happens
    s = pliance_target.session()
    s.call("PUT", "api/PersonCommand", json={"personReferenceId": value, "firstName": "A", "lastName": "B"})
    entry = s.journal.entries[-1]
    assert value in entry.request_body  # recorded as sent: nothing said it was a secret
    kit.Secret(value)  # now it is one
    sinks = [kit.journal(s).to_string(), kit.journal(s).to_html(), repr(s.journal.entries), kit.to_curl(s)]
    sinks.append(kit.to_har(s, tmp_path / "x.har").read_text())
    assert all(value not in text for text in sinks)
    assert s.journal.entries[-1] is entry and value in entry.request_body  # written once, masked when read


@pytest.mark.parametrize("shift", range(0, 14))
def test_a_summary_never_cuts_a_masked_value_in_half(shift: int) -> None:
    """Cut mid-fingerprint, the 8 hex digits the sanitize file masks would show as 3: nbval would differ."""
    from datetime import UTC, datetime

    from kit.record.entry import SUMMARY_CHARS, Entry
    from kit.secrets import MASK, MASKED

    body = "·" * (SUMMARY_CHARS - 1 - shift) + MASK + "0123abcd" + "·" * 40  # nothing another test registered
    entry = Entry("s", "GET", "http://h/", 200, "OK", 1.0, datetime.now(UTC), {}, "", {}, body, "json")
    summary = entry.summary()
    assert summary.endswith("…") and len(summary) <= SUMMARY_CHARS
    kept = summary[:-1]
    assert MASK not in kept or MASKED.search(kept), summary[-20:]  # the mask comes whole, or not at all


def test_a_journal_summarises_bodies_and_shows_them_whole_when_asked(pliance_target: kit.Target) -> None:
    session = pliance_target.session()
    person = {"personReferenceId": "p-long", "firstName": "A" * 300, "lastName": "Lovelace"}
    session.call("PUT", "api/PersonCommand", json=person)
    session.call("GET", "api/PersonQuery", params={"personReferenceId": "p-long"})
    short, whole = kit.journal(session), kit.journal(session, full=True)
    assert short["response"].iloc[-1].endswith("…") and len(short["response"].iloc[-1]) == 160
    assert "A" * 300 in whole["response"].iloc[-1] and not whole["response"].iloc[-1].endswith("…")
    assert whole.drop(columns="response").equals(short.drop(columns="response"))
    with pytest.raises(kit.ConfigError, match="full must be True or False"):
        kit.journal(session, full="yes")  # type: ignore[arg-type]
