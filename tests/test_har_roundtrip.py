"""HAR written by kit passes a HAR 1.2 schema check and reads back into the journal's table."""

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import kit
from kit.providers import REGISTERED, signicat

SCHEMA = json.loads((Path(__file__).parent / "har12.schema.json").read_text())


@pytest.fixture
def busy_session() -> Iterator[kit.Session[Any]]:
    with kit.connect("signicat", environ={}) as t:
        s = t.session()
        s.call("POST", "auth/rest/sessions", json={"flow": "redirect"}, step="create")
        assert t.sandbox is not None
        t.sandbox.control.rotate_key(keep_previous=False)
        s.call("GET", "auth/rest/sessions/00000000-0000-0000-0000-000000000001", step="get")  # 401 then retry
        s.get("auth/rest/sessions/nope")
        yield s


def test_har_from_kit_passes_the_schema(busy_session: kit.Session[Any], tmp_path: Path) -> None:
    document = json.loads(kit.to_har(busy_session, tmp_path / "s.har").read_text())
    jsonschema.validate(document, SCHEMA)
    assert len(document["log"]["entries"]) == len(busy_session.journal.entries) == 6


def test_schema_rejects_a_broken_har() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {
                "log": {
                    "version": "1.2",
                    "creator": {"name": "x", "version": "1"},
                    "entries": [{"startedDateTime": "now"}],
                }
            },
            SCHEMA,
        )


def test_read_har_round_trips_the_journal(busy_session: kit.Session[Any], tmp_path: Path) -> None:
    path = kit.to_har(busy_session, tmp_path / "s.har")
    again = kit.read_har(path)
    assert again.equals(kit.journal(busy_session))
    assert "get · retry after 401 invalid_token" in list(again["step"])


def test_read_har_reads_a_browser_har_and_redacts_it(tmp_path: Path) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVlLWhlcmU"
    browser = {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [],
            "entries": [
                {
                    "startedDateTime": "2026-11-22T10:00:00.000Z",
                    "time": 12.5,
                    "request": {
                        "method": "GET",
                        "url": "https://x.example/api?access_token=abc123",
                        "httpVersion": "HTTP/2",
                        "cookies": [],
                        "headers": [{"name": "authorization", "value": f"Bearer {token}"}],
                        "queryString": [],
                        "headersSize": -1,
                        "bodySize": 0,
                    },
                    "response": {
                        "status": 200,
                        "statusText": "OK",
                        "httpVersion": "HTTP/2",
                        "cookies": [],
                        "headers": [],
                        "redirectURL": "",
                        "headersSize": -1,
                        "bodySize": 2,
                        "content": {"size": 2, "mimeType": "application/json", "text": "{}"},
                    },
                    "cache": {},
                    "timings": {"send": 0, "wait": 12.5, "receive": 0},
                }
            ],
        }
    }
    path = tmp_path / "browser.har"
    path.write_text(json.dumps(browser))
    table = kit.read_har(path)
    text = table.to_string()
    assert "abc123" not in text and token not in text and table.loc[1, "step"] == "GET /api"
    assert table.loc[1, "status"] == 200


def test_read_har_refuses_what_is_not_har(tmp_path: Path) -> None:
    bad = tmp_path / "bad.har"
    bad.write_text("[1, 2]")
    with pytest.raises(kit.ConfigError, match="not a readable HAR"):
        kit.read_har(bad)


def _five_free_ports() -> int:
    """A base port below Linux's ephemeral range (32768+), so other tests' port-0 servers cannot take them."""
    for base in range(20100, 30000, 7):
        probes = [socket.socket() for _ in range(5)]
        try:
            for offset, probe in enumerate(probes):
                probe.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise RuntimeError("no five consecutive free ports")


def test_make_sandbox_serves_all_five_on_fixed_ports() -> None:
    base = _five_free_ports()  # make sandbox itself uses 8701-8705
    names = list(REGISTERED)  # kit's own five: make sandbox serves them on 8701-8705
    proc = subprocess.Popen(
        [sys.executable, "-m", "kit.sandbox", "serve", "--json", *names, "--port", str(base)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        lines = [json.loads(proc.stdout.readline()) for _ in names]
        assert [line["provider"] for line in lines] == names
        assert [line["url"] for line in lines] == [f"http://localhost:{base + i}/" for i in range(5)]
        creds = signicat.Credentials(**lines[1]["credentials"])
        assert signicat.session(creds, lines[1]["url"]).require_token().token_type == "Bearer"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_har_carries_each_entrys_kind_action_reason_and_attempt(busy_session: kit.Session[Any], tmp_path: Path) -> None:
    from kit.har.read import entry_from_har

    items = json.loads(kit.to_har(busy_session, tmp_path / "s.har").read_text())["log"]["entries"]
    fields = [(i["_kind"], i["_action"], i["_reason"], i["_attempt"], i["_retryAfter"]) for i in items]
    assert fields == [
        ("auth", "token", "absent", 1, ""),
        ("business", "call", "", 1, ""),
        ("business", "call", "", 1, ""),
        ("auth", "token", "401", 1, ""),
        ("business", "call", "401", 2, "401 invalid_token"),
        ("business", "call", "", 1, ""),
    ]
    back = [entry_from_har(i) for i in items]
    assert [(e.kind, e.action, e.reason, e.attempt, e.retry_after) for e in back] == fields


def test_a_time_on_a_rounding_edge_reads_back_as_the_journal_shows_it(tmp_path: Path) -> None:
    """3.4996 ms: a HAR keeps it to the µs (3.5); the journal shows what reading that HAR back gives."""
    import dataclasses
    import json

    with kit.connect("pliance", environ={}) as target:
        s = target.session()
        s.call("GET", "api/Ping")
    edge = dataclasses.replace(s.journal.entries[0], elapsed_ms=3.4996)
    path = kit.to_har(s, tmp_path / "edge.har")
    har = json.loads(path.read_text())
    har["log"]["entries"][0]["time"] = round(edge.elapsed_ms, 3)  # what the export writes for this entry
    path.write_text(json.dumps(har))
    assert list(kit.read_har(path)["ms"]) == [edge.row()["ms"]] == ["    4 ms"]
