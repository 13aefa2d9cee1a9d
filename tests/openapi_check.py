"""Recorded exchanges against their provider's OpenAPI document, with openapi-core: what the notebook run
checks (``nbval_runs``) and what the check's own test shows it can refuse.

* every answer conforms: its status is one the operation documents, its body the schema of that status;
* every request that was answered with a success conforms (parameters, body, security). A request a
  notebook sends wrong on purpose (a probe without a token, a body that is not JSON) is answered with a
  refusal the document lists, and that answer is checked like any other.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from requests.structures import CaseInsensitiveDict

from kit.providers import names, provider
from kit.surface.openapi import openapi


def _text(data: bytes, **parameters: str) -> Any:
    """A text body (``parameters``: the media type's, ``charset=utf-8``)."""
    return data.decode(parameters.get("charset", "utf-8")) if isinstance(data, bytes) else data


def _json(data: bytes, **parameters: str) -> Any:
    return json.loads(data)


#: media types openapi-core does not read by itself (it knows application/json): what each body is
MEDIA: dict[str, Callable[[bytes], Any]] = {"application/problem+json": _json, "application/x-pem-file": _text}


def request_of(entry: dict[str, Any]) -> requests.PreparedRequest:
    sent = entry["request"]
    body = (sent.get("postData") or {}).get("text", "")
    headers = {h["name"]: h["value"] for h in sent["headers"]}
    return requests.Request(sent["method"], sent["url"], headers=headers, data=body.encode() or None).prepare()


def response_of(entry: dict[str, Any], request: requests.PreparedRequest) -> requests.Response:
    answer = entry["response"]
    response = requests.Response()
    response.status_code = answer["status"]
    response.headers = CaseInsensitiveDict({h["name"]: h["value"] for h in answer["headers"]})
    response._content = answer["content"].get("text", "").encode()
    response.request = request
    response.url = request.url or ""
    return response


def document(name: str, url: str) -> OpenAPI:
    """Provider ``name``'s document, served at the origin of ``url``."""
    parts = urlsplit(url)
    config = Config(extra_media_type_deserializers=MEDIA)
    return OpenAPI.from_dict(openapi(provider(name).surface(), f"{parts.scheme}://{parts.netloc}/"), config=config)


def wrongs(recorded: list[tuple[str, dict[str, Any]]]) -> tuple[list[str], dict[str, int]]:
    """What does not conform, and how many exchanges of each provider were checked."""
    documents: dict[tuple[str, str], OpenAPI] = {}
    checked = dict.fromkeys(names(), 0)
    wrong: list[str] = []
    for name, entry in recorded:
        parts = urlsplit(entry["request"]["url"])
        if (name, parts.netloc) not in documents:
            documents[name, parts.netloc] = document(name, entry["request"]["url"])
        api = documents[name, parts.netloc]
        if entry["response"]["status"] == 0:  # nothing came back (a transport failure the story shows)
            continue
        request = request_of(entry)
        shown = f"{name} {entry['_kind']} {request.method} {parts.path} → {entry['response']['status']}"
        with warnings.catch_warnings():
            # openapi-core checks no oauth2 or mutualTLS requirement (it warns "Unsupported scheme type");
            # those requests' bearer tokens are checked by the sandbox that answered them
            warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
            try:
                answer = RequestsOpenAPIResponse(response_of(entry, request))
                api.validate_response(RequestsOpenAPIRequest(request), answer)
            except Exception as exc:
                wrong.append(f"{shown}: the answer: {type(exc).__name__}: {exc}")
            if entry["response"]["status"] < 400:
                try:
                    api.validate_request(RequestsOpenAPIRequest(request))
                except Exception as exc:
                    wrong.append(f"{shown}: the request: {type(exc).__name__}: {exc}")
        checked[name] += 1
    return wrong, checked


def conforms(hars: list[Path], notebook: str) -> None:
    """Every exchange of ``hars`` (written as ``NNN-<provider>.har``) conforms; a provider's own notebook
    (``01-pliance``) made at least five of its provider's exchanges, any other at least one (it was read)."""
    recorded = [
        (har.stem.rsplit("-", 1)[-1], entry) for har in hars for entry in json.loads(har.read_text())["log"]["entries"]
    ]
    wrong, checked = wrongs(recorded)
    assert wrong == []
    own = notebook.split("-", 1)[-1]
    assert checked.get(own, sum(checked.values())) >= (5 if own in names() else 1), checked
