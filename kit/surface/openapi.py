"""A provider's :class:`~kit.surface.Surface` as an OpenAPI 3.1 document, generated, never kept by hand.

Every operation carries its request and response schemas, each error answer (a status with the facts
that account for it, their statements as its description and their labels as ``x-kit-source``), its
security requirements and the label of the fact its route rests on (``x-kit-source``), so a person
importing the document into Postman or Insomnia sees where each statement comes from. The servers are
the sandbox (or any base URL given) or the live API with its URL variables. :func:`swagger2` renders
the same document as Swagger 2.0, for a provider whose docs name that version.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from kit.errors import ConfigError
from kit.surface import Answer, Body, Endpoint, Parameter, Surface

__all__ = ["openapi", "operation_id", "server_url"]

_PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


def operation_id(endpoint: Endpoint) -> str:
    """``post_api_channels_login`` for ``POST api/channels/login`` (``{id}`` becomes ``by_id``)."""
    words = re.sub(r"\{([^}]+)\}", r"by_\1", endpoint.path)
    return endpoint.method.lower() + "_" + re.sub(r"[^A-Za-z0-9]+", "_", words).strip("_").lower()


def openapi(surface: Surface, server: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``surface``: served at ``server`` (a base URL ending in ``/``), or the
    live API (its URL with variables) when ``server`` is None. A path only kit's sandbox serves is in it only when
    ``server`` is on this machine (where kit's sandboxes serve).

    :raises ConfigError: a refusal names a status its fact does not account for, or an unknown scheme.
    """
    names = {scheme.name for scheme in surface.schemes}
    base = server if server is not None else _concrete(surface)
    sandbox = server is not None and _on_this_machine(server)
    shown = [e for e in surface.endpoints if e.described and (e.live or sandbox)]
    paths: dict[str, dict[str, Any]] = {}
    tags: dict[str, str] = {}
    for endpoint in shown:
        tag, about = _tag(surface, endpoint)
        tags.setdefault(tag, about)
        operation = _operation(surface, endpoint, names, tag)
        paths.setdefault("/" + endpoint.path, {})[endpoint.method.lower()] = operation
    servers = (
        [{"url": server.rstrip("/"), "description": "the base URL kit was given: a kit sandbox, or the live API"}]
        if server is not None
        else [
            {
                "url": surface.live_server.rstrip("/"),
                "description": "the live API",
                "variables": dict(surface.live_variables),
            }
        ]
    )
    if server is None and not surface.live_variables:
        del servers[0]["variables"]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": surface.title,
            "version": "kit",
            "description": surface.description + _left_out(surface, sandbox),
            "x-kit-provider": surface.name,
        },
        "servers": servers,
        "tags": [{"name": name, "description": description} for name, description in tags.items()],
        "paths": paths,
        "components": {
            "securitySchemes": {
                scheme.name: {
                    **_at(scheme.spec, base),
                    "description": scheme.description,
                    "x-kit-source": surface.facts.cite(scheme.fact),
                }
                for scheme in surface.schemes
            },
            **({"schemas": {"Error": dict(surface.error.schema or {})}} if _error_used(surface, shown) else {}),
        },
        **dict(surface.extensions),
    }


def _on_this_machine(server: str) -> bool:
    """``server`` is on a loopback address, as every kit sandbox is."""
    host = (urlsplit(server).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _left_out(surface: Surface, sandbox: bool) -> str:
    """What the document's description says it leaves out: routes no operation can state, and kit's own paths."""
    said = ""
    not_described = [f"{e.method} {e.path}: {e.note}" for e in surface.endpoints if not e.described]
    if not_described:
        said += " Not described as operations: " + "; ".join(not_described) + "."
    sandbox_only = [f"{e.method} {e.path}" for e in surface.endpoints if e.described and not e.live]
    if sandbox_only and not sandbox:
        said += " Not in the live API's document: " + "; ".join(sandbox_only) + " (kit's paths, its sandbox's only)."
    return said


def _tag(surface: Surface, endpoint: Endpoint) -> tuple[str, str]:
    """The operation's tag, and what it says: the security schemes it takes first (or none)."""
    security = surface.security if endpoint.security is None else endpoint.security
    first = next((group for group in security if group), ())
    if not first:
        return "no authorization", "operations that take no credential in a header"
    about = "; with ".join(scheme.description for name in first for scheme in surface.schemes if scheme.name == name)
    return " + ".join(first), "operations authorized by " + about


def _error_used(surface: Surface, endpoints: list[Endpoint]) -> bool:
    """Some operation answers an error with the surface's error body (a reference to ``Error``)."""
    return any(
        endpoint.error is None and any(status not in surface.bodiless for status, _ in endpoint.refusals)
        for endpoint in endpoints
    )


def _concrete(surface: Surface) -> str:
    """The live server's URL with each variable's default."""
    return server_url(surface.live_server, surface.live_variables)


def server_url(url: str, variables: Mapping[str, Mapping[str, Any]]) -> str:
    """An OpenAPI server URL with each ``{variable}`` replaced by its default."""
    for name, variable in variables.items():
        url = url.replace("{" + name + "}", str(variable.get("default", name)))
    return url


def _at(value: Any, base: str) -> Any:
    """``value`` with ``{server}`` in its strings replaced by ``base`` (a token URL is absolute)."""
    if isinstance(value, str):
        return value.replace("{server}", base)
    if isinstance(value, Mapping):
        return {key: _at(item, base) for key, item in value.items()}
    return value


def _operation(surface: Surface, endpoint: Endpoint, names: set[str], tag: str) -> dict[str, Any]:
    security = surface.security if endpoint.security is None else endpoint.security
    unknown = sorted({name for group in security for name in group} - names)
    if unknown:
        raise ConfigError(f"{surface.name} {endpoint.method} {endpoint.path}: no security scheme {', '.join(unknown)}")
    statement = surface.facts.statement(endpoint.fact) if endpoint.fact else ""
    operation: dict[str, Any] = {
        "operationId": operation_id(endpoint),
        "summary": endpoint.note or statement or f"{endpoint.method} {endpoint.path}",
        "description": f"{statement}. Needs: {endpoint.needs}." if statement else f"Needs: {endpoint.needs}.",
        "x-kit-needs": endpoint.needs,
        "tags": [tag],
    }
    if endpoint.fact:
        operation["x-kit-source"] = surface.facts.cite(endpoint.fact)
    parameters = [_parameter(surface, p) for p in _parameters(surface, endpoint, security)]
    if parameters:
        operation["parameters"] = parameters
    if endpoint.body is not None:
        operation["requestBody"] = {
            "required": endpoint.body.required,
            "content": {media: _media(endpoint.body, media) for media in endpoint.body.media},
        }
    operation["responses"] = {
        **{str(a.status): _answer(a, surface, endpoint.fact) for a in endpoint.answers},
        **_refusals(surface, endpoint),
    }
    operation["security"] = [{name: _scopes(surface, name) for name in group} for group in security]
    operation.update(endpoint.extensions)
    return operation


def _media(body: Body, media: str) -> dict[str, Any]:
    """A body in one media type, with its example; a form's example is its schema's too (where a converter to
    Postman reads a form's fields from)."""
    if body.example is None:
        return {"schema": dict(body.schema)}
    schema = dict(body.schema)
    if media == "application/x-www-form-urlencoded":
        schema["examples"] = [body.example]
    return {"schema": schema, "example": body.example}


def _parameters(surface: Surface, endpoint: Endpoint, security: tuple[tuple[str, ...], ...]) -> list[Parameter]:
    named = [
        Parameter(
            name,
            "path",
            f"from the path {endpoint.path}",
            required=True,
            fact=endpoint.fact,
            example=surface.path_examples.get(name),
        )
        for name in _PATH_PARAMETER.findall(endpoint.path)
    ]
    shared = list(surface.parameters) if any(security) else []
    return named + list(endpoint.parameters) + shared


def _parameter(surface: Surface, parameter: Parameter) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "name": parameter.name,
        "in": parameter.where,
        "required": parameter.required,
        "description": parameter.description,
        "schema": dict(parameter.schema),
    }
    if parameter.example is not None:
        shown["example"] = parameter.example
    if parameter.fact:
        shown["x-kit-source"] = surface.facts.cite(parameter.fact)
    return shown


def _answer(answer: Answer, surface: Surface, fact: str) -> dict[str, Any]:
    shown: dict[str, Any] = {"description": answer.description}
    if answer.schema is not None:
        shown["content"] = {answer.media: {"schema": dict(answer.schema)}}
    if fact:
        shown["x-kit-source"] = surface.facts.cite(fact)
    return shown


def _refusals(surface: Surface, endpoint: Endpoint) -> dict[str, Any]:
    """Each error status with the facts that account for it; ConfigError for a status a fact does not."""
    by_status: dict[int, list[str]] = {}
    for status, fact_id in endpoint.refusals:
        fact = surface.facts[fact_id]
        if status not in {int(answer.split()[0]) for answer in fact.answers}:
            raise ConfigError(
                f"{surface.name} {endpoint.method} {endpoint.path}: fact {fact_id} does not account for {status} "
                f"(its answers: {', '.join(fact.answers) or 'none'})"
            )
        by_status.setdefault(status, []).append(fact_id)
    error = endpoint.error or surface.error
    schema: Mapping[str, Any] = {"$ref": "#/components/schemas/Error"} if endpoint.error is None else error.schema or {}
    shown = {}
    for status, facts in sorted(by_status.items()):
        statements = dict.fromkeys(surface.facts.statement(f) for f in facts)
        answer: dict[str, Any] = {"description": "; ".join(statements), "x-kit-source": surface.facts.cite(*facts)}
        if status in surface.bodiless:  # no content: the challenge says it all
            answer["headers"] = {
                "WWW-Authenticate": {"description": "the challenge", "schema": {"type": "string"}, "required": True}
            }
        else:
            answer["content"] = {error.media: {"schema": dict(schema)}}
        shown[str(status)] = answer
    return shown


def _scopes(surface: Surface, name: str) -> list[str]:
    scheme = next(s for s in surface.schemes if s.name == name)
    flows = scheme.spec.get("flows", {})
    return sorted({scope for flow in flows.values() for scope in flow.get("scopes", {})})
