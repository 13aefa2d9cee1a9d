"""Every exchange the notebooks make conforms to its provider's OpenAPI document (checked with openapi-core).

Each notebook runs in a real kernel, nothing saved: the one run of ``executions.executed`` (Run All, then the
form and what follows again), which the re-run test reads too; a first cell keeps every kit Session the
notebook opens, and a last one writes each session's journal as HAR (kit's own export, redacted). Every
recorded exchange is then validated against the document of its provider, served at the origin it went to:

* every answer conforms: its status is one the operation documents, its body the schema of that status;
* every request that was answered with a success conforms (parameters, body, security). A request a
  notebook sends wrong on purpose (a probe without a token, a body that is not JSON) is answered with a
  refusal the document lists, and that answer is checked like any other.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from executions import PATHS, executed
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from requests.structures import CaseInsensitiveDict

from kit.providers import REGISTERED, provider
from kit.surface.openapi import openapi


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
