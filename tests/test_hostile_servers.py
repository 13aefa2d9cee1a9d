"""Slow and malformed clients against every sandbox over raw sockets; settings that are not finite.

Bounded: a handful of connections, each closed by the test; the drip stops once the server has
answered or closed.
"""

from __future__ import annotations

import math
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import kit
from kit.providers import names
from kit.sandbox import Sandbox, start
from kit.serving import READ_TIMEOUT, REQUEST_DEADLINE


def _connect(box: Sandbox) -> socket.socket:
    host, port = box.url.split("//", 1)[1].rstrip("/").split(":")
    return socket.create_connection((host, int(port)), timeout=REQUEST_DEADLINE + 10)


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _drip(box: Sandbox) -> tuple[float, int, int]:
    """Send a request one byte every ~3 s until the server answers or closes: (seconds held, bytes sent, of)."""
    request = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"x" * 1000
    with _connect(box) as sock:
        began = time.monotonic()
        sock.settimeout(0.5)
        sent = 0
        while sent < len(request) and time.monotonic() - began < REQUEST_DEADLINE + 20:
            try:
                sock.send(request[sent : sent + 1])
                sent += 1
            except OSError:
                break  # the server shut its side
            try:
                if sock.recv(1, socket.MSG_PEEK):  # the server answered (408) or closed
                    break
            except TimeoutError:
                time.sleep(2.5)  # one byte every ~3 s: never a per-read timeout
            except OSError:
                break
        return time.monotonic() - began, sent, len(request)


def test_a_client_dripping_its_request_is_cut_off_at_the_deadline_by_every_sandbox() -> None:
    assert READ_TIMEOUT < 6  # the drip stays within every per-read wait
    boxes = [start(name) for name in names()]
    try:
        with ThreadPoolExecutor(len(boxes)) as pool:  # all five at once: one deadline's wait in all
            results = list(pool.map(_drip, boxes))
        for name, (held, sent, total) in zip(names(), results, strict=True):
            assert held < REQUEST_DEADLINE + 8 and sent < total, name  # cut off long before the drip ends
    finally:
        for box in boxes:
            box.stop()
            box.check()


@pytest.mark.parametrize("name", ["pliance", "signicat"])
def test_expect_100_continue_gets_one_interim_answer(name: str) -> None:
    with start(name) as box, _connect(box) as sock:
        sock.sendall(
            b"POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n"
        )
        time.sleep(0.3)
        sock.sendall(b"{}")
        answer = _read_all(sock)
    assert answer.count(b"100 Continue") == 1 and b"HTTP/1.1 100 Continue" in answer


@pytest.mark.parametrize("name", names())
def test_a_malformed_chunked_body_is_400(name: str) -> None:
    with start(name) as box, _connect(box) as sock:
        head = b"POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        sock.sendall(head + b"zz\r\nabc\r\n0\r\n\r\n")  # "zz" is no chunk size
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "nan", "inf", True])
def test_numeric_settings_must_be_finite(value: object) -> None:
    with pytest.raises(kit.ConfigError, match="takes a finite float"):
        kit.connect("signicat", fault="slow", fault_delay=value)
