"""No client input makes a sandbox answer 5xx or hold a thread: body limits, odd claims, bad webhook URLs,
malformed request lines, slow and idle clients. All over real sockets; each sandbox's check() stays clean."""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Iterator

import pytest
import requests

import kit
from kit.sandbox import Sandbox, start
from kit.serving import READ_TIMEOUT

DEEP = "[" * 50_000  # deep, yet under the size limit
LARGE = '{"x": "' + "a" * 70_000 + '"}'


@pytest.fixture
def signzy_box() -> Iterator[Sandbox]:
    with start("signzy") as box:
        yield box
        box.check()


@pytest.fixture
def boxes() -> Iterator[dict[str, Sandbox]]:
    started = {name: start(name) for name in ("pliance", "signicat", "synerise", "signzy", "saltedge")}
    yield started
    for box in started.values():
        box.stop()
        box.check()  # no handler crashed


def _bodies_to(boxes: dict[str, Sandbox], body: str) -> dict[str, requests.Response]:
    """The body sent where each provider parses JSON: logins, and authenticated business calls."""
    targets = {name: kit.connect(name, environ={}) for name in boxes}
    try:
        sessions = {name: target.session() for name, target in targets.items()}
        json_header = {"Content-Type": "application/json"}
        answers = {
            "signzy login": requests.post(
                boxes["signzy"].url_for("api/channels/login"), data=body, headers=json_header, timeout=10
            ),
            "synerise login": requests.post(
                boxes["synerise"].url_for("sauth/v3/auth/login/client"), data=body, headers=json_header, timeout=10
            ),
            "pliance person": sessions["pliance"].put("api/PersonCommand", data=body, headers=json_header),
            "signicat session": sessions["signicat"].post("auth/rest/sessions", data=body, headers=json_header),
            "saltedge customer": sessions["saltedge"].post("customers", data=body, headers=json_header),
        }
    finally:
        for target in targets.values():
            target.close()
            assert target.sandbox is not None and not target.sandbox.errors
    return answers


@pytest.mark.parametrize("body, words", [(DEEP, "nested deeper than 32"), (LARGE, "larger than 65536")])
def test_deep_or_large_bodies_are_400_in_each_providers_envelope(
    boxes: dict[str, Sandbox], body: str, words: str
) -> None:
    for case, answer in _bodies_to(boxes, body).items():
        assert answer.status_code == 400, (case, answer.text[:200])
        assert words in answer.text, (case, answer.text[:200])


def test_non_finite_numbers_are_not_json(boxes: dict[str, Sandbox]) -> None:
    for case, answer in _bodies_to(boxes, '{"username": NaN, "x": Infinity}').items():
        assert answer.status_code == 400, (case, answer.text[:200])


@pytest.mark.parametrize("url", ["http://[::1", "https://127.0.0.1:99999/x", "https:///nohost", "ftp://x/"])
def test_a_bad_webhook_url_is_refused_at_registration(pliance_target: kit.Target, url: str) -> None:
    s = pliance_target.session()
    with pytest.raises(kit.ApiError) as info:
        s.call("PUT", "api/WebhookCommand", json={"url": url, "secret": "s" * 32, "enabled": True})
    assert info.value.status == 400
    with pytest.raises(kit.ApiError, match="No enabled webhook"):  # nothing was registered, so nothing to poke
        s.call("POST", "api/WebhookQuery/Poke", json={"type": "PersonSanctionMatched"})


@pytest.mark.parametrize("line", [b"GET / HTTP/1.1 extra\r\n\r\n", b"GARBAGE\r\n\r\n", b"\x16\x03\x01\x00\r\n\r\n"])
def test_a_malformed_request_line_is_400(pliance_box: Sandbox, line: bytes) -> None:
    with socket.create_connection(("127.0.0.1", pliance_box.port), timeout=10) as raw:
        raw.sendall(line)
        assert raw.recv(64).startswith(b"HTTP/1.1 400 ")


def test_a_slow_or_idle_client_is_let_go_within_the_read_timeout(signzy_box: Sandbox) -> None:
    started = time.monotonic()
    with (
        socket.create_connection(("127.0.0.1", signzy_box.port), timeout=30) as slow,
        socket.create_connection(("127.0.0.1", signzy_box.port), timeout=30) as idle,
    ):
        slow.sendall(
            b"POST /api/channels/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n" + b'{"username'
        )
        ok = requests.post(signzy_box.url_for("api/channels/login"), json=signzy_box.credentials, timeout=10)
        assert ok.status_code == 200  # others are served meanwhile
        assert slow.recv(64).startswith(b"HTTP/1.1 408 ")
        assert idle.recv(64) == b""  # the server closed the idle connection
    assert time.monotonic() - started < READ_TIMEOUT + 3


# -- every sandbox describes itself -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["pliance", "signicat", "synerise", "signzy", "saltedge"])
def test_get_root_is_the_endpoint_map_without_a_credential_value(name: str) -> None:
    with start(name) as box:
        described = requests.get(box.url, timeout=10).json()
        assert described["provider"] == name and described["url"] == box.url
        assert all({"method", "path", "needs", "note"} <= set(e) for e in described["endpoints"])
        assert len(described["endpoints"]) >= 4
        assert sorted(described["demo credential fields"]) == sorted(box.credentials)
        page = requests.get(box.url, headers={"Accept": "text/html,*/*"}, timeout=10)
        assert page.headers["Content-Type"].startswith("text/html") and "<table" in page.text
        for text in (json.dumps(described), page.text):
            for value in box.credentials.values():
                # as a whole value: Synerise's workspace id 101 is also in a port such as 41013, which is no leak
                shown = re.search(rf"(?<![\w.-]){re.escape(value)}(?![\w.-])", text)
                assert shown is None, (value[:4], text[max(0, shown.start() - 40) : shown.end() + 40])
        for path in described["token or login paths"]:
            assert any(e["path"] == path for e in described["endpoints"])
        box.check()


def test_the_cli_prints_each_token_or_login_url() -> None:
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "kit.sandbox", "serve", "--json", "signicat", "synerise"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        signicat, synerise = json.loads(proc.stdout.readline()), json.loads(proc.stdout.readline())
        assert signicat["token or login"] == [signicat["url"] + "auth/open/connect/token"]
        assert synerise["url"] + "sauth/v3/auth/login/client" in synerise["token or login"]
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
