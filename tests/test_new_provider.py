"""The README's guide, proven: a new provider is one folder plus one registration line.

``tests/globex_kit/`` is a provider kit does not ship (an API key header plus an OAuth2 client-credentials
token), written as the guide says. Here it is registered as a package elsewhere registers one: an entry point
in the group ``kit.providers`` (and its HTTPie plugin's), in distribution metadata that ``importlib.metadata``
reads from a folder on the path. Then kit's own provider-parametrised tests run in a fresh process, and every
one of them that is parametrised over the registry runs for Globex too, without a line of any other file
naming it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kit.providers import REGISTERED

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
#: the rooms every provider has, and a test file that checks each (its provider-parametrised tests)
CONTRACTS = {
    "client": "test_provider_contract.py",
    "sandbox": "test_hostile_servers.py",
    "surface and OpenAPI": "test_openapi.py",
    "facts": "test_provenance.py",
    "probes": "test_probes.py",
    "httpx": "test_httpx_auth.py",
    "HTTPie": "test_httpie.py",
    "replay": "test_replay.py",
    "fuzzing from its document": "test_schemathesis.py",
}
#: tests that read the whole registry (its every provider, not one parameter each)
WHOLE = ("test_architecture.py", "test_compare.py", "test_sandbox_runner.py")


def registered(tmp_path: Path) -> dict[str, str]:
    """An environment whose Python finds globex_kit and its entry points (nothing installed, nothing else)."""
    info = tmp_path / "globex_kit-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: globex-kit\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[kit.providers]\nglobex = globex_kit\n\n[httpie.plugins.auth.v1]\nkit-globex = kit.httpie_auth:globex\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "GLOBEX_"))}
    return {**clean, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(TESTS)])}


def run(env: dict[str, str], report: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2", f"--junitxml={report}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    cases = [f"{c.get('classname')}::{c.get('name')}" for c in ET.parse(report).getroot().iter("testcase")]
    return done, cases


def guide() -> dict[str, set[str]]:
    """The README's "Adding a provider": each module it lists, and the names it says that module defines."""
    section = (ROOT / "README.md").read_text().split("### Adding a provider", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- `(\w+)\.py` defines ((?:`\w+`(?:, )?)+)", section, re.MULTILINE)
    return {module: set(re.findall(r"`(\w+)`", names)) for module, names in listed}


def test_the_guide_lists_what_the_new_provider_defines_and_nothing_else_names_it() -> None:
    import importlib

    wanted = guide()
    assert set(wanted) == {"__init__", "protocol", "facts", "surface", "sandbox", "probes"}
    assert {p.stem for p in (TESTS / "globex_kit").glob("*.py")} == set(wanted)  # the folder: what the guide lists
    sys.path.insert(0, str(TESTS))
    try:
        for module, names in wanted.items():
            found = importlib.import_module("globex_kit" if module == "__init__" else f"globex_kit.{module}")
            assert names <= set(vars(found)), (module, names - set(vars(found)))
    finally:
        sys.path.remove(str(TESTS))
    for name in REGISTERED:  # kit's own folders hold the same
        assert {p.stem for p in (ROOT / "kit" / "providers" / name).iterdir() if p.stem in wanted} == set(wanted)
    words = re.compile("globex", re.IGNORECASE)
    outside = [*ROOT.glob("kit/**/*.py"), *TESTS.glob("*.py"), ROOT / "pyproject.toml", ROOT / "Makefile"]
    naming = sorted(str(p.relative_to(ROOT)) for p in outside if p != Path(__file__) and words.search(p.read_text()))
    assert naming == []  # no other file was touched to add it


@pytest.mark.slow
def test_a_registered_provider_runs_through_every_provider_parametrised_test(tmp_path: Path) -> None:
    env = registered(tmp_path)
    files = [str(TESTS / f) for f in CONTRACTS.values()]
    done, cases = run(env, tmp_path / "one.xml", "-k", "globex", *files)
    assert done.returncode == 0, done.stdout[-4000:]
    ran = {name.split("::")[0].rsplit(".", 1)[-1] + ".py" for name in cases}
    assert {f for f in CONTRACTS.values()} <= ran, ran  # every room of the new provider was exercised
    assert len(cases) >= 15 and all("globex" in name for name in cases)


@pytest.mark.slow
def test_the_tests_that_read_the_whole_registry_take_it_in(tmp_path: Path) -> None:
    env = registered(tmp_path)
    names = subprocess.run(
        [sys.executable, "-c", "from kit.providers import names; print(*names())"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert names.stdout.split() == [*REGISTERED, "globex"]
    done, cases = run(env, tmp_path / "whole.xml", *(str(TESTS / f) for f in WHOLE))
    assert done.returncode == 0, done.stdout[-4000:]
    assert len(cases) >= 30
