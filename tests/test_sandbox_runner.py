"""The sandbox runner: real sockets, TLS via trustme, collected handler crashes, and the CLI."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from werkzeug.wrappers import Request, Response

from kit import SandboxError
from kit.providers import pliance
from kit.providers.pliance.sandbox import Emulator as PlianceEmulator
from kit.sandbox import Sandbox, start


def test_start_stop_and_context_manager() -> None:
    with start("pliance") as box:
        assert box.is_running() and box.url.startswith("http://127.0.0.1:")
        assert box.port > 0 and box.url == f"http://127.0.0.1:{box.port}/"
        assert requests.get(box.url_for("api/Ping"), timeout=5).status_code == 401
    assert not box.is_running()
    box.stop()  # a second stop is harmless
    with pytest.raises(requests.ConnectionError):
        requests.get(box.url_for("api/Ping"), timeout=5)


def test_tls_uses_a_trustme_ca_bundle() -> None:
    with start("pliance", tls=True) as box:
        assert box.url.startswith("https://") and box.ca_bundle and Path(box.ca_bundle).exists()
        assert box.client_cert is None
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(box.url_for("api/Ping"), timeout=5)
        assert requests.get(box.url_for("api/Ping"), verify=box.ca_bundle, timeout=5).status_code == 401
        bundle = box.ca_bundle
    assert not Path(bundle).exists()  # certificate files go with the sandbox


def test_demo_secrets_are_at_least_32_bytes() -> None:
    with start("pliance") as box:
        assert len(box.credentials["secret"].encode()) >= 32


def test_credentials_can_be_replaced_and_unknown_keys_are_refused() -> None:
    secret = "replaced-secret-0123456789abcdef-0123456"
    with start("pliance", credentials={"secret": secret}) as box:
        assert box.credentials["secret"] == secret
        token = pliance.mint_token(pliance.Credentials.of(**box.credentials))
        assert requests.get(box.url_for("api/Ping"), headers={"Authorization": f"Bearer {token}"}, timeout=5).ok
    from kit import ConfigError

    with pytest.raises(ConfigError, match="no key"):
        start("pliance", credentials={"password": "x"})


class Buggy(PlianceEmulator):
    """A real emulator with a deliberate bug in its handler, to prove crashes are not lost."""

    def dispatch(self, request: Request) -> Response:
        raise RuntimeError("handler bug")


def test_a_crash_inside_a_handler_is_collected_and_reraised() -> None:
    with Sandbox(Buggy) as box:
        r = requests.get(box.url_for("api/Ping"), timeout=5)
        assert r.status_code == 500
        with pytest.raises(SandboxError, match="handler bug"):
            box.check()


def test_port_in_use_is_a_sandbox_error() -> None:
    with start("pliance") as box:
        with pytest.raises(SandboxError, match="cannot listen"):
            start("pliance", port=box.port)


def _serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kit.sandbox", "serve", "--json", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_cli_prints_one_json_line_and_serves_until_sigterm() -> None:
    proc = _serve("pliance", "--tls", "--set", "pliance.multitenancy=true")
    try:
        assert proc.stdout is not None
        line = json.loads(proc.stdout.readline())
        assert line["provider"] == "pliance" and line["url"].startswith(
            "https://localhost:"
        )  # the name people type; it listens on 127.0.0.1
        assert set(line["credentials"]) == {"secret", "issuer", "given_name", "subject", "tenant"}
        creds = pliance.Credentials(**line["credentials"])
        r = requests.get(
            line["url"] + "api/Ping",
            verify=line["ca_bundle"],
            timeout=5,
            headers={
                "Authorization": "Bearer " + pliance.mint_token(creds),
                **({"X-Tenant": creds.tenant} if creds.tenant else {}),
            },
        )
        assert r.json()["success"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_cli_serves_all_registered_providers() -> None:
    from kit.providers import names

    proc = _serve("all")
    try:
        assert proc.stdout is not None
        lines = [json.loads(proc.stdout.readline()) for _ in names()]
        assert [line["provider"] for line in lines] == list(names())
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_cli_sigint_exits_zero() -> None:
    proc = _serve("pliance")
    try:
        assert proc.stdout is not None
        assert json.loads(proc.stdout.readline())["provider"] == "pliance"
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0


def test_cli_rejects_bad_settings_clearly() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kit.sandbox", "serve", "--json", "pliance", "--set", "pliance.nope=1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "no setting nope" in result.stderr


def test_cli_help_documents_every_setting() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kit.sandbox", "serve", "--json", "--help"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    from kit.providers.pliance.sandbox import Emulator

    for setting in Emulator.SETTINGS:
        assert f"pliance.{setting.name}" in result.stdout


def test_cli_serves_signicat_with_its_credential_keys() -> None:
    proc = _serve("signicat", "--set", "signicat.lifetime=60")
    try:
        assert proc.stdout is not None
        line = json.loads(proc.stdout.readline())
        assert line["provider"] == "signicat"
        assert set(line["credentials"]) == {"client_id", "client_secret", "account_id"}
        c = line["credentials"]
        r = requests.post(
            line["url"] + "auth/open/connect/token",
            auth=(c["client_id"], c["client_secret"]),
            data={"grant_type": "client_credentials", "scope": "signicat-api"},
            timeout=10,
        )
        assert r.json()["expires_in"] == 60
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
