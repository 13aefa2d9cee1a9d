"""Pliance's API surface: routes on the customer host, a JWT the client mints, an optional tenant header.

Statements and sources are the fact registry's (:mod:`kit.providers.pliance.facts`); what each route takes
and answers is what the sandbox takes and answers (:mod:`kit.providers.pliance.sandbox`).
"""

from __future__ import annotations

from typing import Any

from kit.providers.pliance.facts import FACTS
from kit.providers.pliance.protocol import LIVE_URL, POKE_TYPES, TENANT_HEADER
from kit.surface import (
    JWT_BEARER,
    Answer,
    Body,
    Endpoint,
    Parameter,
    Schema,
    Scheme,
    Surface,
    array,
    obj,
    refusals,
    text,
)

__all__ = ["DEMO_PERSON", "DEMO_TENANT", "DEMO_WEBHOOK", "SURFACE"]

#: the examples the document shows: the sandbox's demo tenant, a person a run of the document registers first, and
#: a webhook on this machine's discard port (the sandbox delivers only to loopback; nobody listens there)
DEMO_TENANT = "tenant-a"
DEMO_PERSON = "kit-demo-person-1"
DEMO_WEBHOOK = "http://127.0.0.1:9/pliance-webhook"
_MINTED = "Bearer <a JWT you mint: HS256 with the secret>, X-Tenant with multitenancy"
_NULLABLE_TEXT = {"type": ["string", "null"]}


def _envelope(data: Schema | None = None) -> Schema:
    """The envelope every answer carries; ``data`` on typed results."""
    fields: dict[str, Any] = {
        "status": text(enum=["Success", "Error"]),
        "success": {"type": "boolean"},
        "message": _NULLABLE_TEXT,
        "checkpoint": text(pattern="^[0-9a-f]{64}$"),
    }
    if data is not None:
        fields["data"] = data
    return obj(("status", "success", "message", "checkpoint"), **fields)


_PERSON = obj(
    ("personReferenceId", "firstName", "lastName"),
    personReferenceId=text(),
    firstName=text(),
    lastName=text(),
    birthdate=text(),
    addresses=array(obj()),
    hits=array(obj()),
    archived={"type": "boolean"},
)
_WEBHOOK = obj(url=_NULLABLE_TEXT, secret=_NULLABLE_TEXT, enabled={"type": "boolean"})
_AUTH = (
    *refusals(401, "no-bearer", "invalid-token", "hs256-only"),
    *refusals(403, "ip-filter", "mtls-403"),
    *refusals(400, "tenant-400"),
)
_BODY = refusals(400, "body-400")


def _ok(what: str, data: Schema | None = None) -> tuple[Answer, ...]:
    return (Answer(200, _envelope(data), f"{what}; a failed operation is 200 too, with status Error"),)


ENDPOINTS = (
    Endpoint(
        "GET", "api/Ping", _MINTED, fact="route-ping", answers=_ok("the envelope"), refusals=_AUTH, handler="_ping"
    ),
    Endpoint(
        "PUT",
        "api/PersonCommand",
        _MINTED,
        "register a person",
        "route-person",
        body=Body(
            obj(
                ("personReferenceId", "firstName", "lastName"),
                personReferenceId=text(minLength=1),
                firstName=text(minLength=1),
                lastName=text(minLength=1),
                birthdate=text(),
                identity=obj(),
                addresses=array(obj()),
                gender=text(),
            ),
            example={"personReferenceId": DEMO_PERSON, "firstName": "Ada", "lastName": "Lovelace"},
        ),
        answers=_ok("the person registered", _PERSON),
        refusals=_AUTH + _BODY,
        handler="_register_person",
    ),
    Endpoint(
        "GET",
        "api/PersonQuery",
        _MINTED,
        "?personReferenceId=",
        "route-person-query",
        parameters=(
            Parameter(
                "personReferenceId",
                "query",
                "the person's reference",
                required=True,
                fact="route-person-query",
                example=DEMO_PERSON,
            ),
        ),
        answers=_ok("the person (status Error when not found, in this tenant)", _PERSON),
        refusals=_AUTH,
        handler="_view_person",
    ),
    Endpoint(
        "PUT",
        "api/WebhookCommand",
        _MINTED,
        "{url, secret, enabled}",
        "webhook-register",
        body=Body(
            obj(("url",), url=text(minLength=1), secret=_NULLABLE_TEXT, enabled={"type": "boolean"}),
            example={"url": DEMO_WEBHOOK, "enabled": True},
        ),
        answers=_ok("registered"),
        refusals=_AUTH + _BODY,
        handler="_set_webhook",
    ),
    Endpoint(
        "GET",
        "api/WebhookQuery",
        _MINTED,
        fact="route-webhook-query",
        answers=_ok("the webhook (secret included)", _WEBHOOK),
        refusals=_AUTH,
        handler="_get_webhook",
    ),
    Endpoint(
        "POST",
        "api/WebhookQuery/Poke",
        _MINTED,
        "deliver a test event",
        "webhook-poke",
        body=Body(
            obj(("type",), type=text(enum=list(POKE_TYPES)), referenceId=text()),
            example={"type": POKE_TYPES[0], "referenceId": DEMO_PERSON},
        ),
        answers=_ok("delivered: the receiver's status and body", None),
        refusals=_AUTH + _BODY,
        handler="_poke",
    ),
    Endpoint(
        "OPTIONS", "api/*", "none", "CORS preflight (Origin, Access-Control-Request-Method)", "cors", described=False
    ),
)

SURFACE = Surface(
    name="pliance",
    title="Pliance API (authentication as kit knows it)",
    description="Every call carries a JWT the client mints (HS256 over the secret's UTF-8 bytes).",
    facts=FACTS,
    schemes=(
        Scheme(
            "bearer",
            JWT_BEARER,
            "a JWT the client mints for each request: HS256, iss the company id, aud pliance.io, sub and "
            "given_name naming the caller",
            "bearer-jwt",
            session={},
        ),
        Scheme("mutualTLS", {"type": "mutualTLS"}, "a client certificate, where a tenant requires one", "mtls"),
    ),
    security=(("bearer",), ("bearer", "mutualTLS")),
    error=Answer(0, _envelope(), "the envelope with status Error and a zero checkpoint"),
    bodiless=(401,),  # JwtBearer's challenge has no body (aspnet.py)
    endpoints=ENDPOINTS,
    live_server=LIVE_URL,
    live_variables={"company": {"default": "your-company", "description": "your company's Pliance host"}},
    parameters=(
        Parameter(
            TENANT_HEADER,
            "header",
            "the tenant, required once multitenancy is on (400 without it)",
            fact="tenant-header",
            example=DEMO_TENANT,
        ),
    ),
)
