"""What one run of each notebook shows, read from that run (``executions.executed``): the notebook as a person
runs it, and every exchange it makes against its provider's OpenAPI document.

The run: in a copy of the notebooks folder (the files notebooks write stay out of the repository), one
kernel, DEBUG logs on and the sandboxes' secrets replaced by canaries; Run All, then the form cell (a
notebook without a form: its second code cell) and every cell below it again. Any error fails: expected
failures are answers (``kit.refused``), never raised; no output of either run shows a canary, a registered
secret or a JWT. The stored notebooks themselves are checked for what a reader must never see: a
``raises-exception`` cell, an absolute path of the machine that ran them, a secret typed into a code cell.

Every exchange the run recorded (each kit Session the notebook opened, written as HAR by kit's own export)
is validated with openapi-core against the document of its provider, served at the origin it went to:

* every answer conforms: its status is one the operation documents, its body the schema of that status;
* every request that was answered with a success conforms (parameters, body, security). A request a
  notebook sends wrong on purpose (a probe without a token, a body that is not JSON) is answered with a
  refusal the document lists, and that answer is checked like any other.

Both read the same run, so the notebooks run twice per ``make test``: nbval's comparison with the stored
outputs (in a kernel left as a person's), and this one.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from canaries import assert_clean
from executions import PATHS, executed
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from requests.structures import CaseInsensitiveDict

from kit.credentials import Credentials
from kit.providers import REGISTERED, names, provider
from kit.sandbox import start
from kit.surface.openapi import openapi

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


# -- every exchange against its provider's OpenAPI document ----------------------------------------

def _text(data: bytes, **parameters: str) -> Any:
    """A text body (``parameters``: the media type's, ``charset=utf-8``)."""
    return data.decode(parameters.get("charset", "utf-8")) if isinstance(data, bytes) else data


def _json(data: bytes, **parameters: str) -> Any:
    return json.loads(data)


#: media types openapi-core does not read by itself (it knows application/json): what each body is
MEDIA: dict[str, Callable[[bytes], Any]] = {"application/problem+json": _json, "application/x-pem-file": _text}


@pytest.fixture(scope="module")
def recorded() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """(provider, HAR entry) for every exchange every notebook made (the shared run of ``executions``)."""
    found = []
    for notebook in PATHS:
        for har in executed(notebook).hars:
            name = har.stem.rsplit("-", 1)[-1]
            found += [(name, entry) for entry in json.loads(har.read_text())["log"]["entries"]]
    yield found


def _request(entry: dict[str, Any]) -> requests.PreparedRequest:
    sent = entry["request"]
    body = (sent.get("postData") or {}).get("text", "")
    headers = {h["name"]: h["value"] for h in sent["headers"]}
    return requests.Request(sent["method"], sent["url"], headers=headers, data=body.encode() or None).prepare()


def _response(entry: dict[str, Any], request: requests.PreparedRequest) -> requests.Response:
    answer = entry["response"]
    response = requests.Response()
    response.status_code = answer["status"]
    response.headers = CaseInsensitiveDict({h["name"]: h["value"] for h in answer["headers"]})
    response._content = answer["content"].get("text", "").encode()
    response.request = request
    response.url = request.url or ""
    return response


def test_every_exchange_of_every_notebook_conforms_to_its_providers_document(
    recorded: list[tuple[str, dict[str, Any]]],
) -> None:
    documents: dict[tuple[str, str], OpenAPI] = {}
    checked = {name: 0 for name in REGISTERED}
    wrong: list[str] = []
    for name, entry in recorded:
        parts = urlsplit(entry["request"]["url"])
        server = f"{parts.scheme}://{parts.netloc}/"
        if (name, server) not in documents:
            document = openapi(provider(name).emulator_class().SURFACE, server)
            config = Config(extra_media_type_deserializers=MEDIA)
            documents[name, server] = OpenAPI.from_dict(document, config=config)
        api = documents[name, server]
        if entry["response"]["status"] == 0:  # nothing came back (a transport failure the story shows)
            continue
        request = _request(entry)
        shown = f"{name} {entry['_kind']} {request.method} {parts.path} → {entry['response']['status']}"
        with warnings.catch_warnings():
            # openapi-core checks no oauth2 or mutualTLS requirement (it warns "Unsupported scheme type");
            # those requests' bearer tokens are checked by the sandbox that answered them
            warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
            try:
                api.validate_response(
                    RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(_response(entry, request))
                )
            except Exception as exc:
                wrong.append(f"{shown}: the answer: {type(exc).__name__}: {exc}")
            if entry["response"]["status"] < 400:
                try:
                    api.validate_request(RequestsOpenAPIRequest(request))
                except Exception as exc:
                    wrong.append(f"{shown}: the request: {type(exc).__name__}: {exc}")
        checked[name] += 1
    assert wrong == []
    assert all(count >= 5 for count in checked.values()), checked  # every provider's notebook was really read


def test_a_nonconforming_answer_is_caught(recorded: list[tuple[str, dict[str, Any]]]) -> None:
    """The check above can fail: the same exchanges with one success answer's body changed are refused."""
    name, entry = next((n, e) for n, e in recorded if n == "signicat" and e["response"]["status"] == 201)
    parts = urlsplit(entry["request"]["url"])
    api = OpenAPI.from_dict(openapi(provider(name).emulator_class().SURFACE, f"{parts.scheme}://{parts.netloc}/"))
    request = _request(entry)
    response = _response(entry, request)
    response._content = b'{"id": 7}'
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)  # as above
        with pytest.raises(Exception, match="[Ii]nvalid"):
            api.validate_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response))
