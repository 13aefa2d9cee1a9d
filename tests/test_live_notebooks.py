"""Every provider notebook runs live, top to bottom, reached only through the env file its parameter names.

A team's nightly job runs ``papermill notebooks/02-signicat.ipynb out.ipynb -p env_file .env.live``. Here the
same, through papermill's API: notebook 02 against node oidc-provider at Signicat's paths, notebook 04 against
the real LoopBack 3 app (with ``allow_live_writes``: a child is created and deleted, the password changed), and
01, 03 and 05 against a sandbox served as if live (``kit sandbox serve NAME --write-env FILE``, another process).
Each run: every code cell executed, no error output, the target live, and the steps only a sandbox can do (or
that would write to a live account) skipped with their one-line note, listed in the test's output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import nbformat
import papermill
import pytest
from nbval_runs import IpcAsyncKernelManager
from realservers import loopback_app, oidc_server
from served import served_env

from kit.providers.signzy.sandbox import DEMO, SEED_EMAIL

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SANDBOX_ONLY = "sandbox only"
WRITE = "a write to the live account"


def _env_file(folder: Path, values: dict[str, str]) -> Path:
    path = folder / "live.env"
    path.write_text("".join(f"{k}={json.dumps(v)}\n" for k, v in values.items()), encoding="utf-8")
    path.chmod(0o600)
    return path


def run_live(name: str, env_file: Path, folder: Path, record: Any, **parameters: Any) -> list[str]:
    """Run notebook ``name`` with papermill, ``env_file`` as its parameter; the notes of the skipped steps, also
    recorded (``record_property``) for the run's summary (``tests/conftest.py`` lists them after the tests)."""
    out = folder / f"{name}.out.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / f"{name}.ipynb"),
        str(out),
        parameters={"env_file": str(env_file), **parameters},
        cwd=str(folder),
        progress_bar=False,
        kernel_name="python3",
        kernel_manager_class=IpcAsyncKernelManager,
    )
    notebook = nbformat.read(out, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), [c.source[:60] for c in code if not c.execution_count]
    outputs = [o for c in code for o in c.outputs]
    assert [o for o in outputs if o.output_type == "error"] == []
    texts = ["".join(o.get("data", {}).get("text/plain", "")) for o in outputs]
    assert any(t.startswith("<Target ") and " live " in t for t in texts), "the notebook did not go live"
    skipped = [t for t in texts if ": skipped against " in t]
    record("live run", f"{name}: {len(code)} code cells run live, {len(skipped)} skipped")
    for note in skipped:
        record("skipped step", f"{name}: {note}")
    return [t.split(": skipped against ")[0] for t in skipped]


def test_02_runs_live_against_oidc_provider(tmp_path: Path, record_property: Any) -> None:
    client = {
        "client_id": "kit-notebook",
        "client_secret": "kit-notebook-secret-0123456789abcdef0123456789",
        "token_endpoint_auth_method": "client_secret_basic",
    }
    settings = {"RESOURCE": "urn:kit:conformance:signicat-api", "ACCOUNT_ID": "a-kit-notebook"}
    with oidc_server([client], token_format="jwt", **settings) as url:
        env_file = _env_file(
            tmp_path,
            {"SIGNICAT_URL": url, "SIGNICAT_CLIENT_ID": client["client_id"],
             "SIGNICAT_CLIENT_SECRET": client["client_secret"], "SIGNICAT_AUTH_METHOD": "client_secret_basic"},
        )  # fmt: skip
        skipped = run_live("02-signicat", env_file, tmp_path, record_property)
    assert skipped == [SANDBOX_ONLY] * 3  # the missing product, the key rotation, the recipe beside kit


def test_04_runs_live_against_loopback_with_its_writes(tmp_path: Path, record_property: Any) -> None:
    with loopback_app(DEMO["username"], DEMO["password"], SEED_EMAIL) as url:
        env_file = _env_file(
            tmp_path, {"SIGNZY_URL": url, "SIGNZY_USERNAME": DEMO["username"], "SIGNZY_PASSWORD": DEMO["password"]}
        )
        skipped = run_live("04-signzy", env_file, tmp_path, record_property, allow_live_writes=True)
    assert skipped == [SANDBOX_ONLY]  # the recipe beside kit: the children and the new password ran


def test_04_without_the_parameter_writes_nothing_to_the_live_account(tmp_path: Path, record_property: Any) -> None:
    with loopback_app(DEMO["username"], DEMO["password"], SEED_EMAIL) as url:
        env_file = _env_file(
            tmp_path, {"SIGNZY_URL": url, "SIGNZY_USERNAME": DEMO["username"], "SIGNZY_PASSWORD": DEMO["password"]}
        )
        skipped = run_live("04-signzy", env_file, tmp_path, record_property)
    assert skipped == [WRITE, WRITE, SANDBOX_ONLY]  # the children, the password; the recipe beside kit


@pytest.mark.parametrize(
    ("name", "notebook", "expected"),
    [
        ("pliance", "01-pliance", [WRITE, SANDBOX_ONLY, SANDBOX_ONLY]),  # person; webhook receiver; recipe
        ("synerise", "03-synerise", [SANDBOX_ONLY]),  # the recipe beside kit
        ("saltedge", "05-saltedge", [SANDBOX_ONLY] * 5),  # key, status live, callback, status test, recipe
    ],
)
def test_a_notebook_runs_live_against_a_served_sandbox(
    tmp_path: Path, record_property: Any, name: str, notebook: str, expected: list[str]
) -> None:
    with served_env(name, tmp_path) as env_file:
        assert run_live(notebook, env_file, tmp_path, record_property) == expected
