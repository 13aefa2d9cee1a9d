"""An OpenAPI 3.1 document of :mod:`kit.surface.openapi` rendered as Swagger 2.0.

For a provider whose docs name Swagger 2.0 (LoopBack 3's explorer serves that version too). What 2.0
has no field for is said, not dropped silently: a ``mutualTLS`` scheme (none in 2.0) is left out and
named in the document's ``x-kit-not-rendered``; a body that 3.1 offers as JSON and as a form is a 2.0
``body`` parameter with both media types in ``consumes``; a nullable type becomes its type with
``x-nullable``; ``const`` becomes a one-value ``enum``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from kit.surface.openapi import server_url

__all__ = ["swagger2"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def swagger2(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` (OpenAPI 3.1, one server) as a Swagger 2.0 document."""
    server = document["servers"][0]
    parts = urlsplit(server_url(server["url"], server.get("variables", {})))
    not_rendered: list[str] = []
    definitions = {}
    for name, scheme in document["components"]["securitySchemes"].items():
        shown = _scheme(scheme)
        if shown is None:
            not_rendered.append(f"security scheme {name} ({scheme['type']}: Swagger 2.0 has no such type)")
        else:
            definitions[name] = shown
    paths: dict[str, Any] = {}
    for path, item in document["paths"].items():
        paths[path] = {
            method: _operation(operation, definitions) for method, operation in item.items() if method in _METHODS
        }
    rendered: dict[str, Any] = {
        "swagger": "2.0",
        "info": {k: v for k, v in document["info"].items()},
        "host": parts.netloc,
        "basePath": parts.path.rstrip("/") or "/",
        "schemes": [parts.scheme],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "tags": document.get("tags", []),
        "paths": paths,
        "securityDefinitions": definitions,
        "definitions": {name: _schema(schema) for name, schema in document["components"]["schemas"].items()},
    }
    if not_rendered:
        rendered["x-kit-not-rendered"] = not_rendered
    rendered.update({k: v for k, v in document.items() if k.startswith("x-")})
    return rendered


def _scheme(scheme: dict[str, Any]) -> dict[str, Any] | None:
    extra = {k: v for k, v in scheme.items() if k == "description" or k.startswith("x-")}
    kind = scheme["type"]
    if kind == "apiKey":
        return {"type": "apiKey", "name": scheme["name"], "in": scheme["in"], **extra}
    if kind == "http" and scheme.get("scheme") == "basic":
        return {"type": "basic", **extra}
    if kind == "http":  # bearer: 2.0 knows it only as an API key in the Authorization header
        return {"type": "apiKey", "name": "Authorization", "in": "header", **extra}
    if kind == "oauth2" and "clientCredentials" in scheme["flows"]:
        flow = scheme["flows"]["clientCredentials"]
        return {
            "type": "oauth2",
            "flow": "application",
            "tokenUrl": flow["tokenUrl"],
            "scopes": flow["scopes"],
            **extra,
        }
    return None


def _operation(operation: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in operation.items() if k not in ("parameters", "requestBody", "responses", "security")}
    parameters = [_parameter(p) for p in operation.get("parameters", [])]
    body = operation.get("requestBody")
    if body is not None:
        media = list(body["content"])
        first = body["content"][media[0]]
        schema = _schema(first["schema"])
        if "example" in first:  # 2.0 has no example beside a body: its schema carries it
            schema = {**schema, "example": first["example"]}
        parameters.append({"name": "body", "in": "body", "required": body["required"], "schema": schema})
        shown["consumes"] = media
    if parameters:
        shown["parameters"] = parameters
    shown["responses"] = {status: _response(answer) for status, answer in operation["responses"].items()}
    produces = {media for answer in operation["responses"].values() for media in answer.get("content", {})}
    if produces:
        shown["produces"] = sorted(produces)
    shown["security"] = [
        {name: scopes for name, scopes in group.items() if name in definitions}
        for group in operation["security"]
        if all(name in definitions for name in group)
    ]
    return shown


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    schema = _schema(parameter["schema"])
    shown = {("x-example" if k == "example" else k): v for k, v in parameter.items() if k != "schema"}
    shown.update({k: v for k, v in schema.items() if k in ("type", "enum", "format", "minLength", "maxLength")})
    shown.setdefault("type", "string")
    return shown


def _response(answer: dict[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in answer.items() if k != "content"}
    content = answer.get("content", {})
    if content:
        shown["schema"] = _schema(next(iter(content.values()))["schema"])
    return shown


def _schema(schema: Any) -> Any:
    """A JSON Schema 2020-12 fragment in Swagger 2.0's subset."""
    if isinstance(schema, list):
        return [_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    shown: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref":
            shown[key] = value.replace("#/components/schemas/", "#/definitions/")
        elif key == "type" and isinstance(value, list):
            kinds = [kind for kind in value if kind != "null"]
            shown["type"] = kinds[0] if kinds else "string"
            if "null" in value:
                shown["x-nullable"] = True
        elif key == "const":
            shown["enum"] = [value]
        elif key == "properties":
            shown[key] = {name: _schema(sub) for name, sub in value.items()}
        else:
            shown[key] = _schema(value)
    return shown
