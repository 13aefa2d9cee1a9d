"""Each provider's OpenAPI 3.1 document: generated from its surface and fact registry, valid, served.

The documents are checked with openapi-spec-validator (3.1, and Swagger 2.0 for Signzy, whose docs name
that version); each sandbox serves its own at ``GET /openapi.json`` over a real socket and links it from
its endpoint map; ``kit openapi NAME`` prints it. Every label in a document reads back into registered
facts, so no source is typed by hand; the security schemes are the ones each provider's docs describe.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
import requests
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from kit.errors import ConfigError
from kit.providers import names, provider, registry
from kit.providers.saltedge.protocol import HEADERS
from kit.providers.signicat.protocol import SCOPE, TOKEN_PATH
from kit.sandbox import start
from kit.surface import Surface, refusals
from kit.surface.openapi import openapi, operation_id
from kit.surface.swagger2 import swagger2

ROOT = Path(__file__).resolve().parent.parent
KIT = ROOT / ".venv" / "bin" / "kit"
SERVER = "http://127.0.0.1:8700/"
METHODS = ("get", "put", "post", "delete", "patch", "options", "head")


def surface(name: str) -> Surface:
    found: Surface = provider(name).emulator_class().SURFACE
    return found


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@pytest.mark.parametrize("name", names())
def test_each_document_is_valid_openapi_31_for_a_sandbox_and_for_the_live_api(name: str) -> None:
    for server in (SERVER, None):
        document = openapi(surface(name), server)
        assert document["openapi"] == "3.1.0"
        validate(document)  # raises for an invalid document
    assert openapi(surface(name))["servers"][0]["url"] == surface(name).live_server.rstrip("/")  # paths start "/"


def test_the_validator_refuses_a_broken_document() -> None:
    """The validation above can fail: a response without a description is not OpenAPI."""
    document = openapi(surface("signicat"), SERVER)
    del document["paths"]["/" + TOKEN_PATH]["post"]["responses"]["200"]["description"]
    with pytest.raises(OpenAPIValidationError):
        validate(document)


@pytest.mark.parametrize("name", names())
def test_every_route_of_the_endpoint_map_is_an_operation_with_answers_refusals_and_sources(name: str) -> None:
    document = openapi(surface(name), SERVER)
    facts = registry(name)
    found = {(method.upper(), path) for method, path, _ in operations(document)}
    described = [e for e in surface(name).endpoints if e.described]
    assert found == {(e.method, "/" + e.path) for e in described}
    for method, path, operation in operations(document):
        assert operation["operationId"] and operation["responses"], (method, path)
        assert any(status < "400" for status in operation["responses"]), (method, path)  # a success answer
        facts.resolve(operation["x-kit-source"])  # raises for a label that is no registered fact
        for status, answer in operation["responses"].items():
            facts.resolve(answer["x-kit-source"])
            if status >= "400" and int(status) in surface(name).bodiless:  # a framework's challenge, no body
                assert "content" not in answer and "WWW-Authenticate" in answer["headers"], (method, path, status)
            elif status >= "400":
                assert "content" in answer, (method, path, status)
    for scheme in document["components"]["securitySchemes"].values():
        facts.resolve(scheme["x-kit-source"])
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", names())
def test_each_error_status_is_one_its_facts_account_for(name: str) -> None:
    facts = registry(name)
    for endpoint in surface(name).endpoints:
        for status, fact in endpoint.refusals:
            assert status in {int(answer.split()[0]) for answer in facts[fact].answers}, (endpoint.path, fact)


def test_a_refusal_its_fact_does_not_account_for_is_refused() -> None:
    s = surface("signicat")
    wrong = dataclasses.replace(s.endpoints[0], refusals=refusals(404, "token-errors-400"))
    with pytest.raises(ConfigError, match="does not account for 404"):
        openapi(dataclasses.replace(s, endpoints=(wrong,)), SERVER)


def test_pliance_is_a_jwt_bearer_with_mutual_tls_where_a_tenant_uses_it_and_a_tenant_header() -> None:
    document = openapi(surface("pliance"), SERVER)
    schemes = document["components"]["securitySchemes"]
    assert {k: {f: v for f, v in s.items() if f in ("type", "scheme", "bearerFormat")} for k, s in schemes.items()} == {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "mutualTLS": {"type": "mutualTLS"},
    }
    ping = document["paths"]["/api/Ping"]["get"]
    assert ping["security"] == [{"bearer": []}, {"bearer": [], "mutualTLS": []}]
    assert {(p["name"], p["in"]) for p in ping["parameters"]} == {("X-Tenant", "header")}
    assert set(ping["responses"]) == {"200", "400", "401", "403"}
    live = openapi(surface("pliance"))["servers"][0]
    assert live["url"] == "https://{company}.pliance.io" and "company" in live["variables"]


def test_signicat_is_oauth2_client_credentials_with_its_token_url_and_scope() -> None:
    document = openapi(surface("signicat"), SERVER)
    oauth2 = document["components"]["securitySchemes"]["oauth2"]
    assert oauth2["type"] == "oauth2"
    assert oauth2["flows"] == {
        "clientCredentials": {
            "tokenUrl": SERVER + TOKEN_PATH,
            "scopes": {SCOPE: oauth2["flows"]["clientCredentials"]["scopes"][SCOPE]},
        }
    }
    sessions = document["paths"]["/auth/rest/sessions"]["post"]
    # the token as a Bearer first (what a tool that cannot fetch one is given), or the OAuth2 flow that buys it
    assert sessions["security"] == [{"accessToken": []}, {"oauth2": [SCOPE]}]
    assert document["components"]["securitySchemes"]["accessToken"]["scheme"] == "bearer"
    token = document["paths"]["/" + TOKEN_PATH]["post"]
    assert token["security"] == [{"clientBasic": []}, {}]  # Basic, or the secret in the form
    assert list(token["requestBody"]["content"]) == ["application/x-www-form-urlencoded"]
    live = openapi(surface("signicat"))["components"]["securitySchemes"]["oauth2"]
    assert live["flows"]["clientCredentials"]["tokenUrl"] == "https://api.signicat.com/" + TOKEN_PATH


def test_synerise_has_a_jwt_bearer_per_consumer_type_with_its_login_and_refresh() -> None:
    document = openapi(surface("synerise"), SERVER)
    schemes = document["components"]["securitySchemes"]
    assert set(schemes) == {"workspaceToken", "customerToken", "userToken", "workspaceBasic", "TrackerKey"}
    assert schemes.pop("workspaceBasic") == {"type": "http", "scheme": "basic", "description": ANY, "x-kit-source": ANY}
    assert schemes.pop("TrackerKey") == {
        "type": "apiKey", "in": "query", "name": "token", "description": ANY, "x-kit-source": ANY
    }  # fmt: skip
    assert document["paths"]["/v4/clients"]["get"]["security"] == [
        {"workspaceToken": []}, {"workspaceBasic": []}, {"userToken": []}
    ]  # fmt: skip
    for scheme in schemes.values():
        assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
        login = scheme["x-kit-login"]
        method, path = login.split(" ")
        assert document["paths"][path][method.lower()]["security"] == []  # a login needs no token
    assert schemes["workspaceToken"]["x-kit-refresh"] == "GET /v4/auth/refresh/profile"
    assert "x-kit-refresh" not in schemes["userToken"]
    assert document["paths"]["/v4/clients/{id}"]["get"]["security"] == [
        {"workspaceToken": []}, {"workspaceBasic": []}, {"customerToken": []}
    ]  # fmt: skip


def test_signzy_sends_its_token_in_authorization_or_the_access_token_query_and_has_swagger_2() -> None:
    document = openapi(surface("signzy"), SERVER)
    schemes = document["components"]["securitySchemes"]
    assert {k: (s["type"], s["in"], s["name"]) for k, s in schemes.items()} == {
        "accessTokenHeader": ("apiKey", "header", "Authorization"),
        "accessTokenQuery": ("apiKey", "query", "access_token"),
    }
    assert document["paths"]["/api/channels/{id}"]["get"]["security"] == [
        {"accessTokenHeader": []},
        {"accessTokenQuery": []},
    ]
    assert document["paths"]["/api/channels/logout"]["post"]["responses"]["204"].get("content") is None
    swagger = swagger2(document)
    validate(swagger)
    assert swagger["swagger"] == "2.0" and swagger["host"] == "127.0.0.1:8700"
    assert swagger["securityDefinitions"]["accessTokenQuery"] == {
        **{k: v for k, v in schemes["accessTokenQuery"].items() if k in ("description", "x-kit-source")},
        "type": "apiKey",
        "name": "access_token",
        "in": "query",
    }
    validate(swagger2(openapi(surface("signzy"))))
    assert surface("signzy").swagger2 and not any(surface(n).swagger2 for n in names() if n != "signzy")


def test_saltedge_needs_several_headers_together_per_endpoint_and_describes_the_signature() -> None:
    document = openapi(surface("saltedge"), SERVER)
    schemes = document["components"]["securitySchemes"]
    assert all((s["type"], s["in"], s["name"]) == ("apiKey", "header", k) for k, s in schemes.items())
    v6, v5 = HEADERS["v6"], HEADERS["v5"]
    paths = document["paths"]
    assert paths["/api/v6/countries"]["get"]["security"] == [{v6.app_id: [], v6.app_secret: []}]
    assert paths["/api/v6/connections/connect"]["post"]["security"] == [{v6.app_id: [], v6.app_secret: []}]
    assert "customer_id" in paths["/api/v6/connections/connect"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]["properties"]["data"]["required"]  # fmt: skip
    assert not [path for path in paths if path.startswith("/api/v6/connection/")] and "/api/v6/connection" not in paths
    assert paths["/api/v5/connect_sessions/create"]["post"]["security"] == [  # a Service key, or an App key
        {v5.app_id: [], v5.app_secret: []},
        {v5.app_id: [], v5.app_secret: [], v5.customer_secret: []},
    ]
    assert paths["/api/v5/connection"]["delete"]["security"] == [
        {v5.app_id: [], v5.app_secret: [], v5.customer_secret: [], v5.login_secret: []}
    ]
    v3 = HEADERS["v3"]
    assert paths["/api/v3/login"]["get"]["security"] == [
        {v3.app_id: [], v3.app_secret: [], v3.customer_secret: [], v3.login_secret: []}
    ]
    signature = document["x-kit-signature"]
    assert set(signature["headers"]) == {"Expires-at", "Signature"}
    assert signature["signs"] == "<Expires-at>|<METHOD>|<full URL, as sent>|<raw body>"
    registry("saltedge").resolve(signature["x-kit-source"])
    assert all(op["x-kit-signed"] for _, _, op in operations(document))


@pytest.mark.parametrize("name", names())
def test_each_sandbox_serves_its_document_and_links_it_from_its_endpoint_map(name: str) -> None:
    box = start(name)
    try:
        served = requests.get(box.url + "openapi.json", timeout=10)
        assert served.status_code == 200 and served.headers["Content-Type"].startswith("application/json")
        assert served.json() == json.loads(json.dumps(openapi(surface(name), box.url)))
        described = requests.get(box.url, timeout=10).json()
        assert described["openapi"] == box.url + "openapi.json"
        page = requests.get(box.url, headers={"Accept": "text/html"}, timeout=10).text
        assert f'href="{box.url}openapi.json"' in page
        swagger = requests.get(box.url + "swagger.json", timeout=10)
        if surface(name).swagger2:
            assert swagger.json()["swagger"] == "2.0" and described["swagger"] == box.url + "swagger.json"
        else:
            assert swagger.status_code == 404 and "swagger" not in described
    finally:
        box.stop()
        box.check()


def _kit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_URL")}
    return subprocess.run(
        [str(KIT), *args], capture_output=True, text=True, timeout=60, env={**environ, **(env or {})}, cwd=ROOT
    )


def test_kit_openapi_prints_the_document_for_the_live_api_a_server_or_the_url_in_the_env() -> None:
    live = _kit("openapi", "signicat")
    assert live.returncode == 0 and json.loads(live.stdout) == openapi(surface("signicat"))
    named = _kit("openapi", "signicat", "--server", "http://localhost:8702")
    assert json.loads(named.stdout) == openapi(surface("signicat"), "http://localhost:8702/")
    from_env = _kit("openapi", "synerise", env={"SYNERISE_URL": "http://127.0.0.1:9/"})
    assert json.loads(from_env.stdout)["servers"][0]["url"] == "http://127.0.0.1:9"
    module = subprocess.run(
        [sys.executable, "-m", "kit", "openapi", "signzy", "--swagger2"], capture_output=True, text=True, timeout=60
    )
    assert module.returncode == 0 and json.loads(module.stdout) == swagger2(openapi(surface("signzy")))


def test_kit_openapi_reads_the_url_from_an_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PLIANCE_URL=https://acme.pliance.io/\n")
    done = _kit("openapi", "pliance", "--env-file", str(env_file))
    assert json.loads(done.stdout)["servers"] == [
        {"url": "https://acme.pliance.io", "description": "the base URL kit was given: a kit sandbox, or the live API"}
    ]


@pytest.mark.parametrize(
    "args, said",
    [
        (["openapi", "pliance", "--swagger2"], "pliance's docs name no Swagger 2.0"),
        (["openapi", "signcat"], "did you mean 'signicat'?"),
        (["openapi", "signicat", "--server", "ftp://x/"], "--server must be an https:// URL"),
        (["openapi", "signicat", "--env-file", "/nonexistent/.env"], "is not a file"),
    ],
)
def test_kit_openapi_refuses_what_it_cannot_use_with_exit_status_2(args: list[str], said: str) -> None:
    done = _kit(*args)
    assert done.returncode == 2 and said in done.stderr and done.stdout == ""


def test_operation_ids_read_as_method_and_path() -> None:
    endpoint = next(e for e in surface("signzy").endpoints if e.method == "DELETE")
    assert operation_id(endpoint) == "delete_api_channels_by_id_channels_by_child"


@pytest.mark.parametrize("name", names())
def test_every_parameter_and_body_has_an_example_and_no_credential_is_one(name: str) -> None:
    """Examples from the sandbox's demo data on every parameter and body (a Postman import fills its requests
    from them); a credential in a body is a {{<NAME>_…}} variable for the reader to fill, never a value: no demo
    credential of the sandbox is anywhere in a document."""
    box = provider(name).emulator_class()({})
    kind = provider(name).credentials
    secret_fields = [f.name for f in kind.fields() if kind.is_secret(f)]
    assert secret_fields
    for server in (SERVER, None):
        document = openapi(surface(name), server)
        for method, path, operation in operations(document):
            for parameter in operation.get("parameters", []):
                assert "example" in parameter, (method, path, parameter["name"])
            for media, content in operation.get("requestBody", {}).get("content", {}).items():
                assert "example" in content, (method, path, media)
        text = json.dumps(document)
        leaked = [key for key in secret_fields if box.credentials.get(key) and box.credentials[key] in text]
        assert leaked == [], (server, leaked)


@pytest.mark.parametrize("name", names())
def test_every_operation_is_tagged_with_a_tag_the_document_defines(name: str) -> None:
    document = openapi(surface(name), SERVER)
    defined = {tag["name"] for tag in document["tags"]}
    assert all(tag["description"] for tag in document["tags"])
    assert {t for _, _, operation in operations(document) for t in operation["tags"]} == defined


def test_a_live_document_lists_no_path_only_the_sandbox_serves() -> None:
    """Synerise's workspace selection and public key are kit's paths: the sandbox's document (a server on this
    machine) lists them, the live API's (or any other server's) says it leaves them out."""
    kit_paths = {"/" + e.path for e in surface("synerise").endpoints if not e.live}
    assert kit_paths and all(path.startswith("/kit-sandbox/") for path in kit_paths)
    for server in ("http://localhost:8702/", SERVER):
        assert kit_paths <= set(openapi(surface("synerise"), server)["paths"])
    for elsewhere in (None, "https://api.synerise.com/"):
        document = openapi(surface("synerise"), elsewhere)
        assert not kit_paths & set(document["paths"])
        assert "Not in the live API's document: POST kit-sandbox/synerise/user" in document["info"]["description"]


def test_an_unused_error_schema_is_left_out() -> None:
    """Salt Edge's refusals each carry their version's own error body: no operation refers to the shared one."""
    assert "schemas" not in openapi(surface("saltedge"), SERVER)["components"]
    assert "Error" in openapi(surface("signzy"), SERVER)["components"]["schemas"]
