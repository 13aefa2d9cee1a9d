"""Every sandbox fuzzed from its own OpenAPI document with schemathesis, authenticated through kit's auths.

For each operation of each provider's document (served by a real sandbox over a real socket),
schemathesis generates requests: valid ones (positive) and, where an operation takes parameters or a
body, invalid ones (negative); valid ones again with the path parameters that name the demo data (so the
authenticated success path is reached, not only the refusals of unknown ids). Each request carries the
credential kit's own auth writes for the operation's security requirement (a fresh auth per operation,
so a fuzzed logout ends only its own token). Every answer is checked: no 5xx, a status the operation
documents, a body of that status's schema, the documented media type; the sandbox records no crash.

A bounded number of examples per operation and mode: ``EXAMPLES`` on a workstation, more with ``CI``
set (``KIT_FULL=1`` anywhere). ``python tests/test_schemathesis.py`` prints the summary per sandbox.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from load import FULL
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import kit
from kit.auth.scheme import FlowAuth
from kit.providers import names
from kit.surface.openapi import openapi

EXAMPLES = 100 if FULL else 15
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]


@dataclass
class Fuzzed:
    """What one operation was sent and answered, and what was wrong with the answers."""

    label: str
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def _auth(target: kit.Target, operation: Any) -> requests.auth.AuthBase | None:
    """The kit auth that meets the operation's first scheme a session meets (the surface's ``Scheme.session``,
    with its ``credentials``); None for an operation that requires none."""
    schemes = {scheme.name: scheme for scheme in target.provider.surface().schemes}
    for requirement in operation.definition.raw.get("security", []):
        for name in requirement:
            scheme = schemes[name]
            if scheme.session is not None:
                credentials = target.credentials.replace(**scheme.credentials) if scheme.credentials else None
                return target.session(credentials, **scheme.session).auth_as(FlowAuth)
    return None


def _run(target: kit.Target, operation: Any, fuzzed: Fuzzed, mode: GenerationMode, pinned: dict[str, str]) -> None:
    auth = _auth(target, operation)
    http = requests.Session()
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=pinned or None)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        try:
            response = case.call(base_url=target.base_url.rstrip("/"), session=http, auth=auth, timeout=30)
        except Exception as exc:  # kit's auth or the transport refused to send: a failure of its own
            fuzzed.failures.append(f"{mode.value}: {type(exc).__name__}: {exc}")
            return
        fuzzed.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # schemathesis's failure: the check, the answer and a curl line to repeat it
            fuzzed.failures.append(f"{mode.value}: {exc}")

    run()


def fuzz(name: str) -> list[Fuzzed]:
    """Fuzz every operation of ``name``'s sandbox; what each was answered."""
    target = kit.connect(name, environ={})
    assert target.sandbox is not None
    try:
        document = openapi(target.provider.emulator_class().SURFACE, target.base_url)
        schema = schemathesis.openapi.from_dict(document)
        found = []
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result.err()  # an operation schemathesis cannot read fails here
            operation = result.ok()
            fuzzed = Fuzzed(operation.label)
            raw = operation.definition.raw
            _run(target, operation, fuzzed, GenerationMode.POSITIVE, {})
            if raw.get("parameters") or raw.get("requestBody"):  # something to make invalid
                _run(target, operation, fuzzed, GenerationMode.NEGATIVE, {})
            demo = target.provider.emulator_class().DEMO_PATH
            pinned = {k: v for k, v in demo.items() if "{" + k + "}" in operation.path}
            if pinned:
                _run(target, operation, fuzzed, GenerationMode.POSITIVE, pinned)
            found.append(fuzzed)
        target.sandbox.check()  # no handler crashed
        return found
    finally:
        target.close()


@pytest.mark.parametrize("name", names())
def test_fuzzing_each_sandbox_from_its_document_finds_nothing(name: str) -> None:
    found = fuzz(name)
    assert len(found) == len(openapi_operations(name))
    assert [f"{f.label}: {failure}" for f in found for failure in f.failures] == []
    assert sum(sum(f.statuses.values()) for f in found) >= EXAMPLES * len(found) // 2  # it really sent them
    successes = [f.label for f in found if any(status < 300 for status in f.statuses)]
    assert len(successes) >= len(found) // 2, successes  # not only refusals: the success paths were reached


def openapi_operations(name: str) -> list[str]:
    target = kit.connect(name, environ={})
    try:
        assert target.sandbox is not None
        document = openapi(target.provider.emulator_class().SURFACE, target.base_url)
        return [f"{m.upper()} {p}" for p, item in document["paths"].items() for m in item]
    finally:
        target.close()


def summary(name: str, found: list[Fuzzed]) -> str:
    lines = [f"{name}: {len(found)} operations, {sum(sum(f.statuses.values()) for f in found)} requests"]
    for fuzzed in found:
        statuses = ", ".join(f"{status}×{count}" for status, count in sorted(fuzzed.statuses.items()))
        verdict = "ok" if not fuzzed.failures else f"{len(fuzzed.failures)} FAILED"
        lines.append(f"  {fuzzed.label:<60} {statuses:<28} {verdict}")
    return "\n".join(lines)


if __name__ == "__main__":
    for provider_name in sys.argv[1:] or names():
        print(summary(provider_name, fuzz(provider_name)), flush=True)
