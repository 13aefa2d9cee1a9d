"""Real implementations nobody on this project wrote, run beside the sandboxes on loopback.

``tests/conformance/package.json`` pins them (installed by ``npm ci``, which ``make test`` and
``.ci/run`` do): a LoopBack 3 app modelling Signzy (``loopback/``), node ``oidc-provider`` as an
OAuth2 server at Signicat's paths (``oidc/``), and npm ``jose`` as an independent JWT verifier
(``jose/``). Without Node 20 or newer, or without the installed packages, these tests are skipped
with the reason on a workstation and fail in CI.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent / "conformance"
READY_WITHIN = 30.0  # seconds a server may take to print its ready line


def node() -> str:
    """The ``node`` binary (20 or newer) with the pinned packages installed; skip or fail otherwise."""
    found, why = _node()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the conformance suite: {why}")
        pytest.skip(why)
    assert found is not None
    return found


@functools.cache
def _node() -> tuple[str | None, str]:
    """Where node is and, when it cannot run the servers, why (asked once per test run)."""
    found = shutil.which("node")
    why = ""
    if found is None:
        why = "node is not on PATH (Node 20 or newer runs the real LoopBack 3 and oidc-provider servers)"
    else:
        version = subprocess.run([found, "--version"], capture_output=True, text=True, check=False).stdout.strip()
        major = int(version.lstrip("v").split(".")[0] or 0) if version.startswith("v") else 0
        if major < 20:
            why = f"node {version or '?'} is older than 20, which oidc-provider 9 needs"
        elif not (HERE / "node_modules" / "loopback").is_dir():
            why = "tests/conformance/node_modules is missing: run `npm ci --prefix tests/conformance`"
    return found, why


@contextmanager
def serve(script: str, env: Mapping[str, str]) -> Iterator[str]:
    """Run ``script`` (relative to tests/conformance) on a free loopback port; yield its base URL.

    Its output goes to a file (a pipe nobody reads would stall it); it is stopped at the end, and
    what it printed is part of the failure when it does not start.
    """
    binary = node()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(
            [binary, str(HERE / script)],
            cwd=HERE,
            env={"PATH": os.environ.get("PATH", ""), "PORT": "0", "NODE_ENV": "production", **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            url = _ready(process, log)
            yield url
        finally:
            stop(process)


def stop(process: subprocess.Popen[Any], timeout: float = 20) -> None:
    """Ask a server process to end (SIGTERM); kill it if it has not within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def _ready(process: subprocess.Popen[str], log: Any) -> str:
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        log.seek(0)
        for line in log.read().splitlines():
            if line.startswith("ready "):
                return str(line.split(" ", 1)[1].strip())
        if process.poll() is not None:
            break
        time.sleep(0.05)
    log.seek(0)
    raise AssertionError(f"{process.args!r} did not start: {log.read()[-2000:]!r}")


@contextmanager
def loopback_app(username: str, password: str, email: str) -> Iterator[str]:
    """The LoopBack 3 app with one seeded channel ``ch-1``; yields its base URL (``…/``; the API is ``api/``)."""
    with serve(
        "loopback/server/server.js", {"SEED_USERNAME": username, "SEED_PASSWORD": password, "SEED_EMAIL": email}
    ) as url:
        yield url


@contextmanager
def oidc_server(
    clients: list[dict[str, str]], *, token_format: str = "jwt", alg: str = "RS256", **env: str
) -> Iterator[str]:
    """node oidc-provider with ``clients`` (client credentials); yields the origin URL (``…/``)."""
    settings = {"CLIENTS": json.dumps(clients), "TOKEN_FORMAT": token_format, "ACCESS_TOKEN_ALG": alg, **env}
    with serve("oidc/server.mjs", settings) as url:
        yield url


def jose_verify(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Verify JWTs with npm ``jose``: one result per item (``ok``, ``header``, ``payload`` or ``code``)."""
    done = subprocess.run(
        [node(), str(HERE / "jose" / "verify.mjs")],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=HERE,
    )
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results
