"""HTTPie's ``http`` command with kit's auth plugins, against CLI sandboxes, as a person would run it.

``kit sandbox serve all`` runs in its own process and prints each provider's env vars; ``http
--auth-type=kit-<name>`` (the plugins HTTPie finds through its entry points) is run with those vars, its
``:PORT`` shorthand naming the sandbox. Every provider answers 2xx; the credential goes only to its origin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from business import business_url

import kit
from kit.providers import names

HTTP = Path(sys.executable).parent / "http"


def http(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not any(k.startswith(n.upper() + "_") for n in names())}
    return subprocess.run(
        [str(HTTP), "--ignore-stdin", "--check-status", *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("name", names())
def test_http_with_the_kit_auth_type_gets_a_2xx_from_each_cli_sandbox(
    served: dict[str, dict[str, str]], name: str
) -> None:
    env = served[name]
    with kit.connect(name, environ=env) as target:  # the registration's business call, as a URL on that sandbox
        method, url, body = business_url(target)
    raw = [] if body is None else ["--json", "--raw", json.dumps(body)]
    done = http(f"--auth-type=kit-{name}", "--print=hb", *raw, method, url, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("HTTP/1.1 20")
    secrets = [v for k, v in env.items() if any(w in k for w in ("SECRET", "PASSWORD", "KEY")) and len(v) > 8]
    assert secrets and not any(secret in done.stdout + done.stderr for secret in secrets)


def test_every_registered_provider_has_an_auth_type() -> None:
    done = subprocess.run([str(HTTP), "--help"], capture_output=True, text=True, timeout=60)
    assert all(f"kit-{name}" in done.stdout for name in names())


def test_the_values_may_come_from_a_dotenv_file_named_with_a(served: dict[str, dict[str, str]], tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in served["signzy"].items()))
    port = urlsplit(served["signzy"]["SIGNZY_URL"]).port
    done = http("-A", "kit-signzy", "-a", str(env_file), "GET", f":{port}/api/channels/ch-1")
    assert done.returncode == 0 and json.loads(done.stdout)["id"] == "ch-1", done.stderr


def test_another_origin_gets_nothing_and_the_error_says_why(served: dict[str, dict[str, str]]) -> None:
    env = served["signicat"]
    port = urlsplit(env["SIGNICAT_URL"]).port
    done = http("-A", "kit-signicat", "POST", f"127.0.0.1:{port}/auth/rest/sessions", env=env)
    assert done.returncode != 0 and "kit sends nothing there" in done.stderr
    assert env["SIGNICAT_CLIENT_SECRET"] not in done.stderr


def test_without_the_url_the_plugin_says_what_to_set_and_starts_no_sandbox() -> None:
    done = http("-A", "kit-synerise", "GET", ":9/v4/business-profile")
    assert done.returncode != 0 and "set SYNERISE_URL" in done.stderr and "sandbox serve synerise" in done.stderr
