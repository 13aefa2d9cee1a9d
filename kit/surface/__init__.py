"""A provider's API surface as data: its routes, what each needs, takes and answers, and its auth schemes.

Each provider's package has a module ``surface`` defining ``SURFACE``, a :class:`Surface`. Its
:class:`Endpoint` tuple is the one registration of the provider's routes: the sandbox dispatches from it
(:mod:`kit.sandbox.routes`), lists it at ``GET /`` (its endpoint map), and :mod:`kit.surface.openapi`
renders it, with the security schemes, as an OpenAPI 3.1 document (and Swagger 2.0 where the provider's
docs name that version). Nothing here states a fact of its own: every route, scheme, parameter and
refusal names a registered fact (:mod:`kit.provenance`), whose label the document carries as
``x-kit-source``; a refusal's status must be one the fact accounts for (its ``answers``), or the
document is not made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from kit.provenance import Registry

__all__ = [
    "JWT_BEARER",
    "Answer",
    "Body",
    "Endpoint",
    "Parameter",
    "Refusals",
    "Schema",
    "Scheme",
    "Surface",
    "array",
    "obj",
    "refusals",
    "text",
    "variable",
]

#: a JSON Schema (2020-12, as OpenAPI 3.1 uses it)
Schema = Mapping[str, Any]
#: (status, the id of the fact that accounts for it) for each error answer of an endpoint
Refusals = tuple[tuple[int, str], ...]
#: the security scheme object of a JWT sent as a Bearer token
JWT_BEARER: Schema = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def obj(required: tuple[str, ...] = (), *, extra: bool = True, **properties: Schema) -> Schema:
    """An object schema with ``properties``; ``required`` names; ``extra``: other properties allowed."""
    schema: dict[str, Any] = {"type": "object", "properties": dict(properties)}
    if required:
        schema["required"] = list(required)
    if not extra:
        schema["additionalProperties"] = False
    return schema


def text(**more: Any) -> Schema:
    """A string schema (``text(format="uri")``, ``text(enum=[...])``)."""
    return {"type": "string", **more}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": dict(items)}


def variable(env_var: str) -> str:
    """A credential an example leaves to the reader: ``{{<NAME>_PASSWORD}}``, Postman's variable named after kit's
    env var (a document never holds a credential's value)."""
    return "{{" + env_var + "}}"


def refusals(status: int, *facts: str) -> Refusals:
    """``status`` accounted for by each of ``facts``: ``refusals(401, "no-bearer", "invalid-token")``."""
    return tuple((status, fact) for fact in facts)


@dataclass(frozen=True)
class Body:
    """A request body: its schema, in each media type it may come in."""

    schema: Schema
    media: tuple[str, ...] = ("application/json",)
    required: bool = True
    #: a body the sandbox's demo data answers with a success (None: none given); a credential field holds a
    #: ``{{VARIABLE}}`` named after kit's env var (Postman fills it), never the value
    example: Any = None


@dataclass(frozen=True)
class Answer:
    """A success answer: status, body schema (None: no body) and media type."""

    status: int
    schema: Schema | None
    description: str
    media: str = "application/json"


@dataclass(frozen=True)
class Parameter:
    """A query, header or path parameter, and the fact it rests on (path parameters: the route's)."""

    name: str
    where: Literal["query", "header", "path"]
    description: str
    schema: Schema = field(default_factory=lambda: {"type": "string"})
    required: bool = False
    fact: str = ""
    #: a value of the sandbox's demo data (None: none given)
    example: Any = None


@dataclass(frozen=True)
class Scheme:
    """An OpenAPI security scheme: its name, the scheme object (``type`` and its fields), its fact."""

    name: str
    spec: Mapping[str, Any]
    description: str
    fact: str
    #: how a kit session meets this scheme: its session options (``{"consumer": "client"}``; ``{}``: a default
    #: session), with ``credentials`` fields changed; None: no session meets it alone (a client certificate)
    session: Mapping[str, Any] | None = None
    credentials: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Endpoint:
    """One route: what the endpoint map shows (method, path, needs, note, fact) and what OpenAPI adds."""

    method: str
    path: str
    needs: str  # the credential layer: "none", "client id and secret (Basic or form)", "Bearer token", …
    note: str = ""
    #: the registered fact (kit.provenance) this route rests on: documented, or an inferred path
    fact: str = ""
    body: Body | None = None
    answers: tuple[Answer, ...] = ()
    refusals: Refusals = ()
    #: alternatives, each a set of schemes sent together; None: the surface's; ``()``: no auth at all
    security: tuple[tuple[str, ...], ...] | None = None
    parameters: tuple[Parameter, ...] = ()
    #: the error body when it is not the surface's (an OAuth2 token endpoint's, another version's)
    error: Answer | None = None
    #: rendered into OpenAPI; False for what an operation cannot state (a preflight on every path)
    described: bool = True
    #: ``x-`` extensions of the operation (what OpenAPI has no field for)
    extensions: Mapping[str, Any] = field(default_factory=dict)
    #: the sandbox's method that answers it (:mod:`kit.sandbox.routes`); empty: its emulator answers it otherwise
    handler: str = ""
    #: False: a path only kit's sandbox serves (kit's choice where the provider documents none), left out of the
    #: live API's document
    live: bool = True


@dataclass(frozen=True)
class Surface:
    """A provider's API as OpenAPI sees it: schemes, default security, the error body, the endpoints."""

    name: str
    title: str
    facts: Registry
    schemes: tuple[Scheme, ...]
    security: tuple[tuple[str, ...], ...]
    #: the error body every refusal carries (unless an endpoint names its own)
    error: Answer
    endpoints: tuple[Endpoint, ...]
    #: where the live API is: an OpenAPI server URL, ``{variables}`` allowed
    live_server: str
    live_variables: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: parameters every authenticated endpoint takes (a tenant header)
    parameters: tuple[Parameter, ...] = ()
    #: ``x-`` extensions of the document (what a scheme adds that OpenAPI has no field for)
    extensions: Mapping[str, Any] = field(default_factory=dict)
    #: the provider's docs name Swagger 2.0: the sandbox serves that rendering too
    swagger2: bool = False
    #: error statuses answered with no body, only a ``WWW-Authenticate`` challenge (a framework's 401)
    bodiless: tuple[int, ...] = ()
    description: str = ""
    #: an example of each path parameter, by name: the sandbox's demo data (the demo channel, workspace, customer)
    path_examples: Mapping[str, str] = field(default_factory=dict)
