"""The notebooks as a person runs them: Run All, then the form (or any later section) again.

Each notebook runs top to bottom in one kernel, then again from its form cell to the end in the same kernel (a
notebook without a form: from its second code cell), in a copy of the notebooks folder so the files the
notebooks write stay out of the repository, with DEBUG logs on and the sandboxes' secrets replaced by
canaries: the one run of ``executions.executed``, which the OpenAPI check reads too. Any error fails: expected
failures are answers (``kit.refused``), never raised; no output of either run shows a canary, a registered
secret or a JWT. The stored notebooks themselves are checked for what a reader must never see: a
``raises-exception`` cell, an absolute path of the machine that ran them, a secret typed into a code cell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from canaries import assert_clean
from executions import PATHS, executed

from kit.credentials import Credentials
from kit.providers import names, provider
from kit.sandbox import start

#: what an absolute path of the executing machine looks like in an output
ABSOLUTE = re.compile(r"(?<![\w.:/])/(?:home|root|tmp|work|usr|opt|var|srv|Users)/[\w.-]+")


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_run_all_then_again_from_the_form_showing_no_secret(path: Path) -> None:
    """Run All, then the form and every cell below it again, in one kernel: no error, and no output of
    either run shows a planted canary, a secret the kernel registered, or a JWT, with DEBUG logs on."""
    run = executed(path)
    assert run.failure == "", run.failure
    assert set(run.known) & set(run.planted.values())  # the registry was really read: it holds a planted secret
    text = "\n".join(run.shown)
    assert "DEBUG urllib3.connectionpool" in text  # the DEBUG logs really went into the outputs
    assert_clean(text, *run.planted.values(), *run.known)
    assert "widgets" not in run.metadata


@pytest.fixture(scope="module")
def handed_out() -> list[str]:
    """Every secret-field value the sandboxes hand out (started for real, then stopped)."""
    values = []
    for name in names():
        box = start(name)
        try:
            secret_fields = {f.name for f in provider(name).credentials.fields() if Credentials.is_secret(f)}
            values += [v for k, v in box.credentials.items() if k in secret_fields and v]
        finally:
            box.stop()
    return values


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_stored_notebooks_show_no_exception_no_path_no_typed_secret(path: Path, handed_out: list[str]) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        assert "raises-exception" not in tags, f"cell {index}: a failure is shown as an answer (kit.refused)"
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"cell {index} stored an exception"
            text = json.dumps(output)
            found = ABSOLUTE.search(text)
            assert found is None, f"cell {index} shows a path of the machine that ran it: {found.group(0)}"
        source = "".join(cell["source"])
        assert not re.search(r"Secret\(\s*['\"]", source), f"cell {index} types a secret literally"
        typed = [value for value in handed_out if value in source]
        assert not typed, f"cell {index} types a sandbox's demo secret instead of taking it from the sandbox"


def test_absolute_path_check_catches_a_traceback_path() -> None:
    assert ABSOLUTE.search('File "/work/main/kit/session.py", line 3')
    assert ABSOLUTE.search("/root/.venv/lib/python3.11/site-packages/x.py")
    assert ABSOLUTE.search("http://127.0.0.1:PORT/api/Ping") is None
    assert ABSOLUTE.search("GET /auth/rest/sessions") is None
