"""A corpus of hostile HAR files through read_har, replay and the replay CLI: ConfigError naming entry and field.

The CLI exits 2 with a one-line message and no traceback for every unusable file (1 is reserved for
"a status changed"); a file starting with a UTF-8 byte order mark is read.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kit


def _entry(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "startedDateTime": "2026-11-22T10:00:00.000Z",
        "time": 1.5,
        "request": {"method": "GET", "url": "http://127.0.0.1:9/api/Ping", "headers": []},
        "response": {"status": 200, "statusText": "OK", "headers": [], "content": {"text": "{}"}},
    }
    for path, value in changes.items():
        node = entry
        *parents, last = path.split(".")
        for part in parents:
            node = node[part]
        node[last] = value
    return entry


def _har(*entries: Any) -> dict[str, Any]:
    return {"log": {"version": "1.2", "entries": list(entries)}}


DEEP = "[" * 50_000 + "]" * 50_000
#: name -> (file text, what the message must name)
CORPUS: dict[str, tuple[str, str]] = {
    "deep": ('{"log": {"entries": ' + DEEP + "}}", "nested deeper than"),
    "attempt 1e400": (json.dumps(_har(_entry())).replace('"time": 1.5', '"time": 1.5, "_attempt": 1e400'), "_attempt"),
    "attempt 0": (json.dumps(_har(_entry(_attempt=0))), "_attempt"),
    "method a number": (json.dumps(_har(_entry(**{"request.method": 7}))), "request.method"),
    "method empty": (json.dumps(_har(_entry(**{"request.method": ""}))), "request.method"),
    "method with a space": (json.dumps(_har(_entry(**{"request.method": "GET /x"}))), "request.method"),
    "url missing": (json.dumps(_har(_entry(**{"request.url": None}))), "request.url"),
    "header value a list": (
        json.dumps(_har(_entry(**{"request.headers": [{"name": "A", "value": ["x"]}]}))),
        "request.headers[1].value",
    ),
    "headers an object": (json.dumps(_har(_entry(**{"request.headers": {"a": "b"}}))), "request.headers"),
    "body a number": (json.dumps(_har(_entry(**{"request.postData": {"text": 5}}))), "request.postData.text"),
    "status a string": (json.dumps(_har(_entry(**{"response.status": "200"}))), "response.status"),
    "status huge": (json.dumps(_har(_entry(**{"response.status": 10**30}))), "response.status"),
    "status a bool": (json.dumps(_har(_entry(**{"response.status": True}))), "response.status"),
    "time infinite": (json.dumps(_har(_entry())).replace('"time": 1.5', '"time": 1e400'), "time"),
    "date garbage": (json.dumps(_har(_entry(startedDateTime="yesterday"))), "startedDateTime"),
    "entry a string": (json.dumps(_har("x")), "entry 1"),
    "entries missing": (json.dumps({"log": {}}), "log.entries"),
    "not JSON": ("{nope", "not a readable HAR"),
    "empty": ("", "not a readable HAR"),
    "step a list": (json.dumps(_har(_entry(_step=["x"]))), "_step"),
    "step a lone surrogate": (json.dumps(_har(_entry(_step="x\ud800"))), "_step must be Unicode text"),
    "url a lone surrogate": (
        json.dumps(_har(_entry(**{"request.url": "http://127.0.0.1:9/\udfff"}))),
        "request.url must be Unicode",
    ),
    "header a lone surrogate": (
        json.dumps(_har(_entry(**{"request.headers": [{"name": "A\ud834", "value": "x"}]}))),
        "request.headers[1].name",
    ),
}


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Path]:
    for number, (text, _) in enumerate(CORPUS.values()):
        (tmp_path / f"{number}.har").write_text(text, encoding="utf-8")
    yield tmp_path


@pytest.mark.parametrize("name", list(CORPUS))
def test_read_har_and_replay_refuse_with_a_config_error_naming_the_field(corpus: Path, name: str) -> None:
    path = corpus / f"{list(CORPUS).index(name)}.har"
    named = CORPUS[name][1]
    with pytest.raises(kit.ConfigError) as info:
        kit.read_har(path)
    assert named in str(info.value)
    with kit.connect("pliance", environ={}) as target, pytest.raises(kit.ConfigError) as again:
        kit.replay(path, target)
    assert named in str(again.value)


@pytest.mark.parametrize(
    "name", ["deep", "attempt 1e400", "method empty", "status a string", "not JSON", "step a lone surrogate"]
)
def test_the_replay_cli_exits_2_with_one_line_and_no_traceback(corpus: Path, name: str) -> None:
    path = corpus / f"{list(CORPUS).index(name)}.har"
    done = subprocess.run(
        [sys.executable, "-m", "kit", "replay", str(path), "pliance"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("kit replay: ") and CORPUS[name][1] in done.stderr


def test_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.har"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(_har(_entry())).encode())
    assert kit.read_har(path).iloc[0]["method"] == "GET"


def test_an_escaped_lone_surrogate_inside_a_recorded_body_replays_and_prints(tmp_path: Path) -> None:
    """The body's JSON text holds ``\\ud800`` as an escape: redaction keeps it one, the CLI prints it visibly."""
    body = json.dumps({"\ud800": 1, "note": "\udfff"})  # ASCII text: the escapes as written
    path = tmp_path / "escaped.har"
    path.write_text(json.dumps(_har(_entry(**{"response.content": {"text": body}}))), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kit", "replay", str(path), "pliance"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    assert "\\ud800" in done.stdout
    assert kit.redact(body) == body  # still the escapes: text that can be sent, written and printed


def test_a_har_file_past_the_limit_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    from kit.har.read import MAX_BYTES

    path = tmp_path / "huge.har"
    with open(path, "wb") as out:  # sparse: its size says 40 MB and more, its blocks hold nothing
        out.truncate(MAX_BYTES + 10)
    with pytest.raises(kit.ConfigError, match="larger than 40 MB"):
        kit.read_har(path)
