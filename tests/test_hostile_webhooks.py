"""Hostile webhook receivers and deliveries, all on loopback: redirects, drips, huge answers, deep bodies.

The Pliance sandbox's poke delivers once, never follows a redirect (requests would re-send the
``X-PLIANCE-SECRET`` header to the new origin), stops within its deadline, cuts a long answer and
delivers only to loopback unless the ``webhook_hosts`` setting names a host. kit's receiver answers
413 to a delivery it will not parse, and keeps a record of it.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from werkzeug.wrappers import Request, Response

import kit
from kit.providers import pliance
from kit.sandbox import start
from kit.sandbox.delivery import DEADLINE, MAX_ANSWER, READ_WAIT
from kit.serving import BackgroundServer

SECRET = "webhook-secret-0123456789abcdef-0123456"


class Receiver:
    """An HTTPS receiver on loopback (certificate from the sandbox's CA) that answers as told."""

    def __init__(self, ca: Any, answer: Any) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        self.seen: list[dict[str, str]] = []
        self.answer = answer
        self.server = BackgroundServer(self._app, ssl_context=context, name="hostile-receiver")
        self.url = f"https://127.0.0.1:{self.server.port}/hook"

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        request.get_data()
        self.seen.append(dict(request.headers))
        return self.answer(request)(environ, start_response)


class Recorder:
    """A plain-http server on loopback that records whatever reaches it (it must stay empty)."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        self.server = BackgroundServer(self._app, name="elsewhere")
        self.url = f"http://localhost:{self.server.port}/stolen"

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.seen.append(dict(Request(environ).headers))
        return Response("thanks")(environ, start_response)


@pytest.fixture
def target() -> Iterator[kit.Target]:
    with kit.connect("pliance", environ={}) as t:
        yield t


def _poke(target: kit.Target, url: str) -> dict[str, Any]:
    """The poke's envelope (a failed poke is 200 with success false, as the docs' example shows)."""
    s = target.session()
    s.call("PUT", "api/WebhookCommand", json={"url": url, "secret": SECRET, "enabled": True})
    answer: dict[str, Any] = s.post("api/WebhookQuery/Poke", json={"type": "PersonSanctionMatched"}).json()
    return answer


def test_a_redirect_is_not_followed_and_the_secret_goes_nowhere_else(target: kit.Target) -> None:
    elsewhere = Recorder()
    receiver = Receiver(target.ca, lambda r: Response("", 307, headers={"Location": elsewhere.url}))
    try:
        answer = _poke(target, receiver.url)
        assert answer["remoteStatusCode"] == 307 and len(receiver.seen) == 1
        assert receiver.seen[0]["X-Pliance-Secret"] == SECRET and elsewhere.seen == []
    finally:
        receiver.server.stop()
        elsewhere.server.stop()


def test_a_long_answer_is_cut_and_says_so(target: kit.Target) -> None:
    receiver = Receiver(target.ca, lambda r: Response("x" * (4 * MAX_ANSWER)))
    try:
        body = _poke(target, receiver.url)["remoteBody"]
        assert body.startswith("x" * MAX_ANSWER) and body.endswith(
            f"[cut: the answer is longer than {MAX_ANSWER} bytes]"
        )
    finally:
        receiver.server.stop()


def test_a_dripping_receiver_is_cut_off_at_the_deadline(target: kit.Target) -> None:
    def drip(request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(60):  # 60 bytes over 60 s, each within the per-read wait
                time.sleep(1)
                yield b"."

        return Response(chunks(), 200)

    receiver = Receiver(target.ca, drip)
    try:
        began = time.monotonic()
        answer = _poke(target, receiver.url)
        took = time.monotonic() - began
        assert answer["success"] is False and answer["remoteStatusCode"] == 0 and "Timeout" in answer["message"]
        assert took < DEADLINE + 2 * READ_WAIT + 2  # the deadline, not the 60 s the receiver would take
    finally:
        receiver.server.stop()


@pytest.mark.parametrize(
    "host", ["169.254.169.254", "10.0.0.1", "192.168.1.1", "[fd00::1]", "0x7f000001", "example.com", "2130706433"]
)
def test_only_loopback_hosts_are_registered_by_default(target: kit.Target, host: str) -> None:
    answer = target.session().put("api/WebhookCommand", json={"url": f"https://{host}/hook", "enabled": True})
    body = answer.json()
    assert answer.status_code == 400 and body["success"] is False and "not loopback" in body["message"]


def test_the_webhook_hosts_setting_names_other_hosts() -> None:
    with start("pliance", webhook_hosts="hooks.example.invalid") as box:
        s = pliance.session(pliance.Credentials.of(**box.credentials), box.url)
        ok = s.put("api/WebhookCommand", json={"url": "https://hooks.example.invalid/h", "enabled": True})
        assert ok.status_code == 200 and ok.json()["success"] is True
        for loopback in ("https://127.0.0.1:9/h", "https://localhost:9/h", "https://[::1]:9/h"):
            assert s.put("api/WebhookCommand", json={"url": loopback, "enabled": True}).status_code == 200


def test_the_receiver_answers_413_to_a_delivery_it_will_not_read_and_keeps_it() -> None:
    with kit.WebhookReceiver(tls=False) as hook:
        answer = requests.post(hook.url, data="[" * 600 + "]" * 600, timeout=10)
        assert answer.status_code == 413 and "not read" in answer.text
        assert len(hook.deliveries) == 1 and hook.deliveries[0]["status"] == 413
        assert "not shown" in hook.table().iloc[0]["body"]
