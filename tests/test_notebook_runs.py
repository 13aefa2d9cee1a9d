"""The notebooks as stored, and what their one run per ``make test`` must show.

The run is nbval's (``nbval_runs``): around the cells nbval compares, in the same kernel, DEBUG logs go to a
file and the sandboxes' secrets are canaries; after the last cell an item of the notebook runs the form (or
its second code cell) and every cell below it again, then checks that no cell of either run raised, that no
output and no log line shows a canary, a registered secret or a JWT, and that every exchange conforms to its
provider's OpenAPI document (``openapi_check``). Here: that each notebook gets that item, that the OpenAPI
check can refuse, and what a reader of a stored notebook must never see (a ``raises-exception`` cell, an
absolute path of the machine that ran it, a secret typed into a code cell, saved widget state).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from openapi_check import document, request_of, response_of, wrongs
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

import kit
from kit.credentials import Credentials
from kit.providers import names, provider
from kit.sandbox import start

ROOT = Path(__file__).resolve().parent.parent
PATHS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))

#: what an absolute path of the executing machine looks like in an output
ABSOLUTE = re.compile(r"(?<![\w.:/])/(?:home|root|tmp|work|usr|opt|var|srv|Users)/[\w.-]+")


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
    assert "widgets" not in notebook["metadata"]  # no widget state saved


def test_absolute_path_check_catches_a_traceback_path() -> None:
    assert ABSOLUTE.search('File "/work/main/kit/session.py", line 3')
    assert ABSOLUTE.search("/root/.venv/lib/python3.11/site-packages/x.py")
    assert ABSOLUTE.search("http://127.0.0.1:PORT/api/Ping") is None
    assert ABSOLUTE.search("GET /auth/rest/sessions") is None


def test_each_notebook_gets_its_run_items_around_its_cells() -> None:
    # collected as make test collects (tests/ and notebooks/: tests/conftest.py adds the item)
    done = subprocess.run([sys.executable, "-m", "pytest", "--co", "-q"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
    lines = [line for line in done.stdout.splitlines() if ".ipynb::" in line]
    for path in PATHS:
        mine = [line for line in lines if line.startswith(f"notebooks/{path.name}::")]
        assert mine and mine[0] == f"notebooks/{path.name}::start the run", mine[:2]
        assert mine[-1] == f"notebooks/{path.name}::run again from the form", mine[-3:]


def test_the_openapi_check_refuses_an_answer_that_does_not_conform(tmp_path: Path) -> None:
    """A real exchange with the Signicat sandbox conforms; the same with its answer's body changed does not."""
    with kit.connect("signicat", environ={}) as target:
        session = target.session()
        session.call("POST", "auth/rest/sessions", json={})
        har = kit.to_har(session, tmp_path / "x.har")
    entries = [("signicat", e) for e in json.loads(har.read_text())["log"]["entries"]]
    assert wrongs(entries)[0] == [] and wrongs(entries)[1]["signicat"] == len(entries)
    entry = next(e for _, e in entries if e["response"]["status"] == 201)
    api = document("signicat", entry["request"]["url"])
    request = request_of(entry)
    response = response_of(entry, request)
    response._content = b'{"id": 7}'
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)  # openapi-core and oauth2
        with pytest.raises(Exception, match="[Ii]nvalid"):
            api.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response))


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_each_notebook_has_one_parameters_cell_that_its_cells_read(path: Path) -> None:
    """papermill's convention: one code cell tagged ``parameters``, first, holding only assignments, each read
    below (a parameter nothing reads would let ``-p NAME VALUE`` change nothing, silently)."""
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert tagged == [0]
    tree = ast.parse("".join(cells[0]["source"]))
    assigns = [node for node in tree.body if isinstance(node, ast.Assign)]
    assert tree.body and len(assigns) == len(tree.body)
    names = [t.id for node in assigns for t in node.targets if isinstance(t, ast.Name)]
    below = "".join("".join(c["source"]) for c in cells[1:])
    assert [n for n in names if not re.search(rf"\b{n}\b", below)] == []
    if any("kit.connect(" in "".join(c["source"]) for c in cells):
        assert "env_file" in names
