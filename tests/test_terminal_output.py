"""What kit's commands print of outside text shows its control characters, never obeys them.

``kit replay`` of a HAR file whose step names and URLs hold ESC and OSC sequences (a clipboard write, a
cleared screen), a carriage return and a bidirectional mark: the real CLI in its own process, against a
sandbox; what it prints holds no control character but the newlines between its lines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kit.terminal import HIDDEN, visible

KIT = Path(sys.executable).parent / "kit"
NASTY = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\r\u202e"


def _har(path: Path) -> Path:
    entry = {
        "startedDateTime": "2026-01-01T00:00:00Z",
        "time": 1,
        "request": {"method": "GET", "url": f"http://localhost:1/api/Ping?x={NASTY}", "headers": []},
        "response": {"status": 200, "content": {"text": json.dumps({"success": True, "note": NASTY})}},
        "_step": f"ping {NASTY}",
    }
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    return path


def test_visible_writes_each_hidden_character_as_its_escape() -> None:
    assert visible("a\x1bb\r\u202ec\nd") == "a\\x1bb\\x0d\\u202ec\\x0ad"
    assert visible("a\nb\x1b", keep="\n") == "a\nb\\x1b"


def test_kit_replay_prints_the_har_s_control_characters_visibly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLIANCE_")}
    done = subprocess.run(
        [str(KIT), "replay", str(_har(tmp_path / "hostile.har")), "pliance"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    for stream in (done.stdout, done.stderr):
        assert not HIDDEN.search(stream.replace("\n", "")), repr(stream)
    assert "ping \\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\x0d\\u202e" in done.stdout


def test_a_refusal_quoting_outside_text_is_one_visible_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.har"
    path.write_text(json.dumps({"log": {"entries": [{"request": {"method": f"GET{NASTY}", "url": "x"}}]}}))
    done = subprocess.run([str(KIT), "replay", str(path), "pliance"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and not HIDDEN.search(done.stderr.rstrip("\n"))
