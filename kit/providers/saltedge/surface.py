"""Salt Edge's API surface: no token; the app's secrets in headers (v3 and v5 a customer's and a login's too), a
signature per request.

Each API version the sandbox serves (v3, v5, v6) has its own paths and header names
(:data:`kit.providers.saltedge.protocol.HEADERS`). An endpoint requires the app's two headers together with the
layers it needs (:func:`kit.providers.saltedge.protocol.layers`); ``Expires-at`` and ``Signature`` have no
OpenAPI scheme type, so ``x-kit-signature`` describes them (and each operation says ``x-kit-signed``).
Statements and sources are the fact registry's (:mod:`kit.providers.saltedge.facts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from kit.providers.saltedge.facts import FACTS
from kit.providers.saltedge.protocol import CONNECT, HEADERS, LIVE_URL, layers
from kit.surface import Answer, Body, Endpoint, Refusals, Schema, Scheme, Surface, array, obj, refusals, text

__all__ = ["DEMO_CUSTOMER", "DEMO_PROVIDER", "SURFACE"]

#: the sandbox's demo customer (v5 and v6 ids are strings) and the fake provider its logins are at
DEMO_CUSTOMER = "1001"
DEMO_PROVIDER = "fakebank_simple_xf"
_APP = "app id + app secret headers (+ Expires-at and Signature; required when live)"
_INTEGER = {"type": "integer"}
_LIST_META = obj(("next_id", "next_page"), next_id={}, next_page={})
_LOGIN = obj(
    ("id", "status"),
    id=_INTEGER,
    secret=text(),
    status=text(),
    country_code=text(),
    provider_code=text(),
    created_at=text(),
)
_CLIENT = (
    *refusals(400, "statuses"),  # a missing header, Expires-at or Signature
    *refusals(400, "public-key-missing"),
    *refusals(401, "statuses"),  # a wrong secret or signature, an expired request
    *refusals(403, "client-statuses"),
    *refusals(404, "statuses"),  # an unknown client or API key
    *refusals(429, "rate-limit"),
)
_SIGNED = {"x-kit-signed": "Expires-at and Signature: required when the client is live, verified when sent"}


def _error(version: str) -> Answer:
    if version == "v3":
        schema = obj(("error_class", "error_message"), error_class=text(), error_message=text(), request=obj())
        return Answer(0, schema, "a v3 error (flat)")
    fields = {"class": text(), "message": text(), "documentation_url": text()}  # "class": no keyword
    inner = {"type": "object", "properties": fields, "required": ["class", "message"]}
    return Answer(0, obj(("error",), error=inner, request=obj()), f"a {version} error")


def _needs(version: str, method: str, word: str) -> tuple[str, Refusals]:
    held = layers(method, word, version) or ()
    if "login" in held:
        return _APP + " + Customer- and Login-secret", refusals(404, "login-layer", "connection-404")
    if "customer" in held:
        return _APP + " + Customer-secret", refusals(404, "statuses")
    return _APP, ()


def _security(version: str, method: str, word: str) -> tuple[tuple[str, ...], ...]:
    names = HEADERS[version]
    held = layers(method, word, version) or ()
    wanted = ((names.customer_secret, "customer" in held), (names.login_secret, "login" in held))
    extra = tuple(header for header, needed in wanted if needed and header is not None)
    return ((names.app_id, names.app_secret, *extra),)


def _endpoint(
    version: str,
    method: str,
    word: str,
    fact: str,
    handler: str,
    answer: Answer,
    body: Schema | None = None,
    extra: Refusals = (),
    example: Mapping[str, Any] | None = None,
) -> Endpoint:
    needs, layered = _needs(version, method, word)
    bodied = refusals(400, "statuses") if body is not None else ()
    made = refusals(403, "limit-class") if handler in ("_new_login", "connect.create") else ()
    return Endpoint(
        method,
        f"api/{version}/{word}",
        needs,
        fact=fact,
        body=Body(obj(("data",), data=body), example={"data": dict(example or {})}) if body is not None else None,
        answers=(answer,),
        refusals=_CLIENT + layered + bodied + made + extra,
        security=_security(version, method, word),
        error=_error(version),
        extensions=_SIGNED,
        handler=handler,
    )


def _countries(version: str) -> Endpoint:
    countries = obj(("data", "meta"), data=array(obj(("code", "name"), code=text(), name=text())), meta=_LIST_META)
    return _endpoint(
        version, "GET", "countries", "countries-app-only", "_countries", Answer(200, countries, "the countries")
    )


def _customers(version: str) -> Endpoint:
    number = _INTEGER if version == "v3" else text()  # v5 and v6 ids are strings
    customer = obj(("id", "secret"), id=number, identifier=text(), created_at=text(), updated_at=text(), secret=text())
    return _endpoint(
        version,
        "POST",
        "customers",
        "v6-customers" if version == "v6" else "customers-route",
        "_new_customer",
        Answer(200, obj(("data",), data=customer), "the customer and its secret"),
        obj(("identifier",), identifier=text()),
        example={"identifier": "kit-demo-customer"},
    )


def _connect(version: str) -> Endpoint:
    """v5 connect_sessions/create, v6 connections/connect: the customer named by customer_id in the body."""
    made = obj(("expires_at", "connect_url"), expires_at=text(), connect_url=text())
    if version == "v6":
        made = obj(("expires_at", "connect_url", "customer_id"), **made["properties"], customer_id=text())
    asked = obj(
        ("customer_id",) if version == "v6" else (),
        customer_id=text(),
        consent=obj(),
        attempt=obj(),
        widget=obj(),
        provider=obj(),
    )
    endpoint = _endpoint(
        version,
        "POST",
        CONNECT[version],
        "v6-connect" if version == "v6" else "v5-service-key",
        "connect.create",
        Answer(200, obj(("data",), data=made), "the connect URL for the customer"),
        asked,
        refusals(404, "connect-customer"),
        example={"customer_id": DEMO_CUSTOMER},
    )
    if version == "v6":
        return endpoint
    app = HEADERS[version][:2]  # a Service key: the app's two, customer_id in the body; an App key: Customer-secret
    return replace(
        endpoint,
        needs=_APP + ", customer_id in the body (a Service key) or Customer-secret (an App key)",
        security=(app, *_security(version, "POST", CONNECT[version])),
    )


def _version(version: str) -> tuple[Endpoint, ...]:
    if version == "v6":  # as the official examples call it: no customer or connection secret
        return (_countries(version), _customers(version), _connect(version))
    one = "login" if version == "v3" else "connection"
    new = "login" if version == "v3" else "connections"
    login = obj(("data",), data=_LOGIN)
    return (
        _countries(version),
        _customers(version),
        *((_connect(version),) if version in CONNECT else ()),
        _endpoint(
            version,
            "POST",
            new,
            "customer-layer",
            "_new_login",
            Answer(200, login, f"the {one} and its secret"),
            obj(country_code=text(), provider_code=text(), credentials=obj()),
            example={"country_code": "XF", "provider_code": DEMO_PROVIDER, "credentials": {}},
        ),
        _endpoint(version, "GET", one, "login-layer", "_show_login", Answer(200, login, f"the {one}")),
        _endpoint(
            version,
            "DELETE",
            one,
            "login-layer",
            "_remove_login",
            Answer(
                200, obj(("data",), data=obj(("id", "removed"), id=_INTEGER, removed={"type": "boolean"})), "removed"
            ),
        ),
    )


def _schemes() -> tuple[Scheme, ...]:
    found: dict[str, Scheme] = {}
    for version, names in HEADERS.items():
        app = "v3-headers" if version == "v3" else "v5-headers"
        for header, what, fact in (
            (names.app_id, "the app's id", app),
            (names.app_secret, "the app's secret", app),
            (names.customer_secret, "the customer's secret, where an endpoint acts for a customer", "customer-layer"),
            (names.login_secret, f"the {'login' if version == 'v3' else 'connection'}'s secret", "login-layer"),
        ):
            if header is None:  # v6 has no such layer
                continue
            spec = {"type": "apiKey", "in": "header", "name": header}
            found.setdefault(header, Scheme(header, spec, what, fact))
    for version, names in HEADERS.items():  # a session of a version sends all its headers: met by its app id's
        found[names.app_id] = replace(found[names.app_id], session={}, credentials={"api_version": version})
    return tuple(found.values())


SURFACE = Surface(
    name="saltedge",
    title="Salt Edge API (authentication as kit knows it)",
    description="No token: the app's secrets travel in headers on every request (on v3 and v5 a customer's and a "
    "login's too, where an endpoint needs them; v6 names the customer in the body), and a live client signs every "
    "request.",
    facts=FACTS,
    schemes=_schemes(),
    security=(),
    error=_error("v5"),
    endpoints=tuple(endpoint for version in HEADERS for endpoint in _version(version)),
    live_server=LIVE_URL,
    extensions={
        "x-kit-signature": {
            "headers": {
                "Expires-at": "UNIX seconds when the request expires, at most 1 hour ahead (now + 60 s suggested)",
                "Signature": "base64 of an RSA PKCS#1 v1.5 signature with the app's private key: SHA-1 on v3, SHA-256 "
                "on v5 and v6",
            },
            "signs": "<Expires-at>|<METHOD>|<full URL, as sent>|<raw body>",
            "required": "on every request of a live client; verified whenever a Signature is sent",
            "x-kit-source": FACTS.cite(
                "live-signs", "signature-string", "v3-signature", "v3-sha1", "optional-signature", "expires-ahead"
            ),
        }
    },
)
