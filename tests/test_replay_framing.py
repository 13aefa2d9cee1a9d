"""Replay sends what a request is, never how another connection framed it; and no write to a live API by surprise.

The "live provider" is a raw TCP server on loopback that keeps every byte it receives (a werkzeug server
would parse and normalise the framing this test looks at). A HAR entry holding ``Transfer-Encoding:
chunked`` beside a body that hides a second request goes out framed by requests alone (one
``Content-Length``, no ``Transfer-Encoding``), with the table saying what was not sent; a recording that
writes (DELETE, PUT, PATCH, a POST other than a login) sends nothing to a live target until it is allowed.
"""

from __future__ import annotations

import json
import os
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kit

KIT = Path(sys.executable).parent / "kit"
SMUGGLED = "0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n"
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\nConnection: close\r\n\r\n"
    b'{"success":true}'
)


class Raw:
    """A loopback server that answers every request 200 and keeps what each connection sent, as bytes."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        kept = self.received

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                sock.settimeout(2)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)  # fmt: skip
                while len(body) < length:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    body += chunk
                kept.append(head + b"\r\n\r\n" + body)
                sock.sendall(ANSWER)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def raw() -> Iterator[Raw]:
    server = Raw()
    try:
        yield server
    finally:
        server.stop()


def _env(raw: Raw) -> dict[str, str]:
    secret = "replay-framing-secret-0123456789abcdef0123"
    return {"PLIANCE_URL": raw.url, "PLIANCE_SECRET": secret, "PLIANCE_ISSUER": "i", "PLIANCE_GIVEN_NAME": "g",
            "PLIANCE_SUBJECT": "s"}  # fmt: skip


def _har(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}))
    return path


def _entry(method: str, url: str, headers: dict[str, str], body: str = "") -> dict[str, Any]:
    listed = [{"name": k, "value": v} for k, v in headers.items()]
    request: dict[str, Any] = {"method": method, "url": url, "headers": listed}
    if body:
        request["postData"] = {"mimeType": "text/plain", "text": body}
    return {"startedDateTime": "2026-01-01T00:00:00Z", "time": 1, "request": request, "response": {"status": 200}}


FRAMING = {
    "Transfer-Encoding": "chunked",
    "Content-Length": "5",
    "Connection": "keep-alive, X-Hop",
    "X-Hop": "named by Connection",
    "Keep-Alive": "timeout=5",
    "TE": "trailers",
    "Trailer": "X-After",
    "Upgrade": "h2c",
    "Expect": "100-continue",
    "Proxy-Authorization": "Basic eDp5",
    "Proxy-Connection": "keep-alive",
    "Host": "elsewhere.example",
    "X-Kept": "kept",
}


def test_framing_and_hop_by_hop_headers_are_not_sent_and_the_table_says_so(raw: Raw, tmp_path: Path) -> None:
    har = _har(tmp_path / "smuggle.har", [_entry("POST", raw.url + "api/Ping", FRAMING, body=SMUGGLED)])
    target = kit.connect("pliance", environ=_env(raw))
    table = kit.replay(har, target, allow_writes=True)
    assert len(raw.received) == 1
    head, _, body = raw.received[0].partition(b"\r\n\r\n")
    names = [line.split(b":")[0].decode().lower() for line in head.split(b"\r\n")[1:]]
    assert "transfer-encoding" not in names and names.count("content-length") == 1
    gone_names = ("keep-alive", "te", "trailer", "upgrade", "expect", "proxy-authorization", "proxy-connection")
    for gone in (*gone_names, "x-hop"):
        assert gone not in names, gone
    assert b"Host: 127.0.0.1:" in head and b"elsewhere.example" not in head
    assert b"x-kept: kept" in head.lower() and b"authorization: bearer " in head.lower()  # the credential still goes
    assert body == SMUGGLED.encode()  # one body, as recorded, framed by its length
    said = table.iloc[0]["what changed"]
    assert "not sent: " in said and "Transfer-Encoding" in said and "Proxy-Authorization" in said and "X-Hop" in said


@pytest.mark.parametrize("method, path", [("DELETE", "api/Person/1"), ("PUT", "api/Person"), ("PATCH", "api/x"),
                                          ("POST", "api/Person")])  # fmt: skip
def test_a_write_is_not_replayed_against_a_live_target_unless_allowed(
    raw: Raw, tmp_path: Path, method: str, path: str
) -> None:
    har = _har(tmp_path / "w.har", [_entry("GET", raw.url + "api/Ping", {}), _entry(method, raw.url + path, {})])
    target = kit.connect("pliance", environ=_env(raw))
    with pytest.raises(kit.ConfigError, match=f"1 write\\(s\\) \\({method} /{path}\\) and pliance is live"):
        kit.replay(har, target)
    assert raw.received == []  # not even the GET before it
    assert len(kit.replay(har, target, allow_writes=True)) == 2 and len(raw.received) == 2


def test_the_cli_refuses_live_writes_in_one_line_and_sends_them_with_live_writes(raw: Raw, tmp_path: Path) -> None:
    har = _har(tmp_path / "w.har", [_entry("DELETE", raw.url + "api/Person/1", {})])
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PLIANCE_")}, **_env(raw)}
    refused = subprocess.run([str(KIT), "replay", str(har), "pliance"], capture_output=True, text=True, env=env)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "--live-writes" in refused.stderr
    assert raw.received == []
    sent = subprocess.run(
        [str(KIT), "replay", str(har), "pliance", "--live-writes"], capture_output=True, text=True, env=env
    )
    assert sent.returncode == 0, sent.stderr
    assert len(raw.received) == 1 and raw.received[0].startswith(b"DELETE /api/Person/1 ")


def test_a_sandbox_takes_writes_without_asking(tmp_path: Path) -> None:
    har = _har(tmp_path / "w.har", [_entry("POST", "http://localhost:1/api/Ping", {})])
    with kit.connect("pliance", environ={}) as target:
        assert len(kit.replay(har, target)) == 1
