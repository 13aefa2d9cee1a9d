"""Kit's OpenAPI documents as other tools read them (issue 38, item 6).

Each provider's documents (the live API's, and what its sandbox serves at ``/openapi.json``, and Signzy's Swagger
2.0) pass Redocly CLI's recommended ruleset and Spectral's ``spectral:oas`` with no error and no warning; a rule is
switched off only in ``tests/conformance/redocly.yaml`` or ``spectral.yaml``, with the reason above it. Imported
into Postman's format with openapi-to-postmanv2 (examples as the parameters, Postman's "Parameter generation:
Example") and run in the document's order with newman against a fresh sandbox, filling only the auth variables
(the converter's, and the ``{{<NAME>_…}}`` credentials of the consumer the run is for), every operation that needs
no second consumer answers a 2xx. All four tools are npm packages pinned in ``tests/conformance/package-lock.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests
from realservers import HERE, node

import kit
from kit.credentials import env_name
from kit.providers import names, provider
from kit.secrets import reveal
from kit.surface.openapi import openapi
from kit.surface.swagger2 import swagger2

BIN = HERE / "node_modules" / ".bin"
#: no telemetry, no update notice (the machines reach only the package registries)
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_UPDATE_NOTIFIER": "1"}

#: the operations a run with one consumer's auth cannot pass, and why: each needs another consumer's token or
#: credentials (a customer, a user), which the run does not fill
SECOND_CONSUMER: dict[str, dict[str, str]] = {
    "pliance": {},
    "signicat": {},
    "synerise": {
        "POST /sauth/v3/auth/login/client": "a customer's login (its API key, e-mail and password)",
        "POST /sauth/v3/auth/refresh/client": "a customer's token",
        "GET /sauth/my-account/personal-information": "a customer's token",
        "POST /uauth/auth/login/user": "a user's login (username and password)",
        "POST /uauth/auth/login/user/mfa/verification": "a user's token and the code of its authenticator",
        "POST /kit-sandbox/synerise/user/select-workspace/{workspace}": "a user's confirmed token",
    },
    "signzy": {
        "POST /api/customers/login": "a single customer's login (run after the channel's logout)",
        "POST /api/customers/logout": "a single customer's token",
    },
}


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=300, env={**os.environ, **QUIET}, check=False
    )


def _documents(folder: Path) -> list[str]:
    """Every document, written into ``folder`` under the names the configs use; their names."""
    written = []
    for name in names():
        surface = provider(name).emulator_class().SURFACE
        live = openapi(surface)
        target = kit.connect(name, environ={})
        try:
            served = requests.get(target.base_url + "openapi.json", timeout=10).json()
            pairs = [(name, live), (f"{name}-sandbox", served)]
            if surface.swagger2:
                sandbox2 = requests.get(target.base_url + "swagger.json", timeout=10).json()
                pairs += [(f"{name}-swagger2", swagger2(live)), (f"{name}-sandbox-swagger2", sandbox2)]
        finally:
            target.close()
        for alias, document in pairs:
            (folder / f"{alias}.json").write_text(json.dumps(document))
            written.append(alias)
    return written


def test_redocly_and_spectral_find_nothing_in_any_document(tmp_path: Path) -> None:
    node()
    shutil.copy(HERE / "redocly.yaml", tmp_path / "redocly.yaml")
    aliases = _documents(tmp_path)
    done = _run([str(BIN / "redocly"), "lint", *aliases, "--format", "json"], tmp_path)
    found = _objects(done.stdout)  # one report per document
    assert len(found) == len(aliases), done.stdout[-2000:] + done.stderr[-2000:]
    problems = [
        f"{p['severity']} {p['ruleId']}: {p['message']} at {[loc.get('pointer') for loc in p['location']]}"
        for report in found
        for p in report["problems"]
    ]
    assert problems == [] and done.returncode == 0, problems or done.stderr[-2000:]
    assert all(report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0} for report in found)
    files = sorted(str(path) for path in tmp_path.glob("*.json"))
    spectral = [str(BIN / "spectral"), "lint", *files, "--ruleset", str(HERE / "spectral.yaml")]
    done = _run([*spectral, "--format", "json", "--fail-severity", "hint", "--quiet"], tmp_path)
    said = json.loads(done.stdout or "[]")
    assert [f"{Path(s['source']).name} {s['code']}: {s['message']} at {s['path']}" for s in said] == []
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_linters_find_what_they_are_asked_to_find(tmp_path: Path) -> None:
    """The runs above can fail: a document with a server URL ending in '/' and an operation without tags is found
    by both tools."""
    node()
    document = openapi(provider("pliance").emulator_class().SURFACE)
    document["servers"][0]["url"] += "/"
    del document["paths"]["/api/Ping"]["get"]["tags"]
    (tmp_path / "pliance.json").write_text(json.dumps(document))
    shutil.copy(HERE / "redocly.yaml", tmp_path / "redocly.yaml")
    (redocly,) = _objects(_run([str(BIN / "redocly"), "lint", "pliance", "--format", "json"], tmp_path).stdout)
    assert {p["ruleId"] for p in redocly["problems"]} >= {"no-server-trailing-slash"}
    spectral = [str(BIN / "spectral"), "lint", "pliance.json", "--ruleset", str(HERE / "spectral.yaml")]
    said = json.loads(_run([*spectral, "--format", "json", "--quiet"], tmp_path).stdout)
    assert {s["code"] for s in said} >= {"operation-tags", "oas3-server-trailing-slash"}


def test_every_rule_the_configs_switch_off_says_why() -> None:
    for config in ("redocly.yaml", "spectral.yaml"):
        lines = (HERE / config).read_text().splitlines()
        for number, line in enumerate(lines):
            if line.rstrip().endswith(": off"):
                assert lines[number - 1].lstrip().startswith("#"), (config, number + 1, line)


def _variables(name: str, target: Any) -> dict[str, str]:
    """The auth variables a person fills in Postman for ``name``'s first scheme: the converter's, and the
    ``{{<NAME>_…}}`` credentials the examples name, of that consumer only."""
    surface = provider(name).emulator_class().SURFACE
    first = next(s for s in surface.schemes if s.name == surface.security[0][0])
    options = {**(first.session or {}), **({"logout_on_close": False} if name == "signzy" else {})}
    session = target.session(**options)  # a Signzy session logs out when closed: this one leaves its token
    try:
        prepared = requests.Request("GET", target.base_url).prepare()
        header = str(session.auth(prepared).headers["Authorization"])
    finally:
        session.close()
    credentials = target.credentials
    values = {env_name(name, f.name): str(reveal(getattr(credentials, f.name))) for f in credentials.fields()}
    if name == "pliance":
        return {"bearerToken": header.removeprefix("Bearer ")}
    if name == "signicat":  # the token endpoint's Basic, then the token for the API
        return {
            "basicAuthUsername": values["SIGNICAT_CLIENT_ID"],
            "basicAuthPassword": values["SIGNICAT_CLIENT_SECRET"],
            "bearerToken": header.removeprefix("Bearer "),
        }
    if name == "synerise":  # the workspace: its token, and its API key where a body names it
        return {
            "bearerToken": header.removeprefix("Bearer "),
            "SYNERISE_WORKSPACE_API_KEY": values["SYNERISE_WORKSPACE_API_KEY"],
        }
    assert name == "signzy"  # the channel: its token, raw, and its login where a body names it
    return {
        "apiKey": header,
        "SIGNZY_USERNAME": values["SIGNZY_USERNAME"],
        "SIGNZY_PASSWORD": values["SIGNZY_PASSWORD"],
    }


@pytest.mark.parametrize("name", ["pliance", "signicat", "synerise", "signzy"])
def test_the_document_imported_into_postman_runs_with_newman_with_only_the_auth_filled(
    name: str, tmp_path: Path
) -> None:
    node()
    target = kit.connect(name, environ={})
    try:
        served = requests.get(target.base_url + "openapi.json", timeout=10).json()
        (tmp_path / "openapi.json").write_text(json.dumps(served))
        converted = _run(
            [
                str(BIN / "openapi2postmanv2"),
                "-s",
                "openapi.json",
                "-o",
                "collection.json",
                "-O",
                "parametersResolution=Example",
            ],
            tmp_path,
        )
        assert (tmp_path / "collection.json").is_file(), converted.stdout[-2000:] + converted.stderr[-2000:]
        environment = {
            "name": f"kit {name}",
            "values": [{"key": k, "value": v, "enabled": True} for k, v in _variables(name, target).items()],
        }
        secrets_file = tmp_path / "environment.json"  # a file (mode 600), not the command line, holds them
        secrets_file.touch(mode=0o600)
        secrets_file.write_text(json.dumps(environment))
        run = _run(
            [
                str(BIN / "newman"),
                "run",
                "collection.json",
                "-e",
                "environment.json",
                "--reporters",
                "json",
                "--reporter-json-export",
                "run.json",
                "--timeout-request",
                "30000",
            ],
            tmp_path,
        )
        report = json.loads((tmp_path / "run.json").read_text())
    finally:
        target.close()
    operations = [(m.upper(), p) for p, item in served["paths"].items() for m in item]
    ran = []
    for execution in report["run"]["executions"]:
        request = execution["item"]["request"]
        answered = execution.get("response", {}).get("code", 0)
        ran.append((request["method"], "/" + "/".join(request["url"]["path"]), answered))
    assert len(ran) == len(operations), (ran, run.stderr[-2000:])
    statuses = {f"{method} {_template(path, served)}": code for method, path, code in ran}
    assert set(statuses) == {f"{m} {p}" for m, p in operations}, statuses
    excluded = SECOND_CONSUMER[name]
    assert set(excluded) <= set(statuses)
    failed = {op: code for op, code in statuses.items() if op not in excluded and not 200 <= code < 300}
    assert failed == {}, statuses


def _objects(text: str) -> list[Any]:
    """The JSON values printed one after another (Redocly prints a report per document)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    text = text.strip()
    while at < len(text):
        value, at = decoder.raw_decode(text, at)
        found.append(value)
        while at < len(text) and text[at].isspace():
            at += 1
    return found


def _template(sent: str, document: dict[str, Any]) -> str:
    """The document's path a collection's path was made from (``/api/channels/{id}`` for ``/api/channels/:id``)."""
    for path in document["paths"]:
        parts, got = str(path).split("/"), sent.split("/")
        same = all(p == g or (p.startswith("{") and g.startswith(":")) for p, g in zip(parts, got, strict=False))
        if len(parts) == len(got) and same:
            return str(path)
    return sent
