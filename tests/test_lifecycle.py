"""What outlives a notebook cell: sandboxes and servers stop with the kernel; a stopped target says so."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap

import pytest

import kit


def test_a_stopped_target_says_so_and_what_to_run() -> None:
    target = kit.connect("pliance", environ={})
    session = target.session()
    assert session.call("GET", "api/Ping")["success"] is True
    target.close()
    assert target.closed and "stopped" in repr(target)
    with pytest.raises(kit.TransportError) as caught:
        session.call("GET", "api/Ping")
    message = str(caught.value)
    assert "this pliance sandbox was stopped by target.close()" in message
    assert "run kit.connect('pliance', ...) again" in message
    with pytest.raises(kit.ConfigError, match="stopped by target.close"):
        target.session()


def test_a_live_transport_error_still_names_the_url_env_var() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environ = {
        "PLIANCE_URL": f"http://127.0.0.1:{port}/",
        "PLIANCE_SECRET": "s" * 40,
        "PLIANCE_ISSUER": "acme",
        "PLIANCE_GIVEN_NAME": "Ada",
        "PLIANCE_SUBJECT": "ada-1",
    }
    with pytest.raises(kit.TransportError, match=r"\(the base URL comes from PLIANCE_URL\)"):
        kit.connect("pliance", environ=environ).session().call("GET", "api/Ping")


def test_a_redis_server_stops_when_its_python_process_exits() -> None:
    """No closing cell in notebook 02: the kernel's exit must not leave a redis-server behind."""
    script = textwrap.dedent(
        """
        from kit.redis_server import RedisServer
        server = RedisServer()
        print(server._process.pid, server.port, flush=True)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    port = int(out.stdout.split()[1])
    with pytest.raises(OSError):  # nothing listens any more: the server went with the process
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_demo_secrets_come_from_the_sandbox_and_are_32_bytes(pliance_target: kit.Target) -> None:
    first, second = pliance_target.new_secret("webhook secret"), pliance_target.new_secret("webhook secret")
    assert isinstance(first, kit.Secret) and first != second
    assert len(first.reveal()) >= 43  # token_urlsafe(32): 32 random bytes
    assert first.reveal() not in repr(first)
    assert first.name == "PLIANCE_WEBHOOK_SECRET"


def test_a_live_target_makes_its_demo_secret_itself() -> None:
    environ = {
        "PLIANCE_URL": "https://pliance.example/",
        "PLIANCE_SECRET": "s" * 40,
        "PLIANCE_ISSUER": "acme",
        "PLIANCE_GIVEN_NAME": "Ada",
        "PLIANCE_SUBJECT": "ada-1",
    }
    secret = kit.connect("pliance", environ=environ).new_secret("webhook secret")
    assert secret.name == "PLIANCE_WEBHOOK_SECRET" and len(secret.reveal()) >= 43


LIVE = {
    "PLIANCE_URL": "https://pliance-live-steps.example/",  # a host no other test registers (a URL may be a secret)
    "PLIANCE_SECRET": "s" * 40,
    "PLIANCE_ISSUER": "acme",
    "PLIANCE_GIVEN_NAME": "Ada",
    "PLIANCE_SUBJECT": "ada-1",
}


def test_a_sandbox_target_runs_every_step(pliance_target: kit.Target) -> None:
    assert pliance_target.sandbox_only("rotate the key") is True
    assert pliance_target.may_write("register a person", False) is True  # a sandbox takes every write
    assert pliance_target.skipped == []


def test_a_live_target_skips_sandbox_steps_and_unallowed_writes_with_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    target = kit.connect("pliance", environ=LIVE)
    assert target.sandbox_only("rotate the key") is False
    assert target.may_write("register a person", False) is False
    assert target.may_write("register a person", True) is True
    assert [str(s) for s in target.skipped] == [
        "sandbox only: skipped against https://pliance-live-steps.example/ (rotate the key)",
        "a write to the live account: skipped against https://pliance-live-steps.example/ (register a person); "
        "set allow_live_writes = True (papermill -p allow_live_writes True) to run it",
    ]
    assert capsys.readouterr().err.splitlines() == [str(s) for s in target.skipped]  # plain Python: on stderr
    assert "&lt;b&gt;" in kit.target.Skipped("sandbox only", "<b>", "https://x/")._repr_html_()  # escaped
    with pytest.raises(kit.ConfigError, match="allowed"):
        target.may_write("register a person", "yes")  # type: ignore[arg-type]
