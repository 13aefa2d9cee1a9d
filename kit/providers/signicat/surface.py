"""Signicat's API surface: an OAuth2 token endpoint (client credentials), discovery, JWKS, sessions.

Statements and sources are the fact registry's (:mod:`kit.providers.signicat.facts`); what each route takes
and answers is what the sandbox takes and answers (:mod:`kit.providers.signicat.sandbox`).
"""

from __future__ import annotations

import uuid

from kit.providers.signicat.facts import FACTS
from kit.providers.signicat.protocol import ACCOUNT_PARAMETER, DISCOVERY_PATH, LIVE_URL, SCOPE, TOKEN_PATH
from kit.surface import JWT_BEARER, Answer, Body, Endpoint, Parameter, Scheme, Surface, array, obj, refusals, text

__all__ = ["DEMO_ACCOUNT", "FIRST_SESSION", "SURFACE"]

_BEARER = "Bearer <access token> (+ ?signicat-accountId=)"
_INTEGER = {"type": "integer"}
_SESSION = obj(
    ("id", "accountId", "authenticationUrl", "status"),
    id=text(),
    accountId=text(),
    authenticationUrl=text(),
    status=text(),
    statusUrl=text(),
    flow={},
    sessionLifetime=_INTEGER,
)
_API = (
    *refusals(401, "no-token-401", "invalid-token", "wrong-audience", "product-401"),
    *refusals(403, "product-403", "account-403"),
)
#: the sandbox's demo account, and the id it gives the first session it makes (a run of the document makes it first)
DEMO_ACCOUNT = "a-spge-kitdemo0001"
FIRST_SESSION = str(uuid.UUID(int=1))
_ACCOUNT = Parameter(
    ACCOUNT_PARAMETER,
    "query",
    "the account the call acts for: the token's account_id claim",
    fact="account-id",
    example=DEMO_ACCOUNT,
)

ENDPOINTS = (
    Endpoint(
        "POST",
        TOKEN_PATH,
        "client id and secret: Basic, or form (client_secret_post)",
        "grant_type, scope",
        "token-endpoint",
        body=Body(
            obj(("grant_type",), grant_type=text(), scope=text(), client_id=text(), client_secret=text()),
            media=("application/x-www-form-urlencoded",),
            example={"grant_type": "client_credentials", "scope": SCOPE},
        ),
        answers=(
            Answer(
                200,
                obj(
                    ("access_token", "expires_in", "token_type"),
                    access_token=text(),
                    expires_in=_INTEGER,
                    token_type=text(),
                    scope=text(),
                ),
                "an access token (RS256 at+jwt)",
            ),
        ),
        refusals=refusals(400, "token-errors-400", "missing-grant"),
        security=(("clientBasic",), ()),
        error=Answer(0, obj(("error",), error=text(), error_description=text()), "an RFC 6749 error"),
        handler="_token",
    ),
    Endpoint(
        "GET",
        DISCOVERY_PATH,
        "none",
        fact="discovery",
        answers=(
            Answer(
                200,
                obj(("issuer", "jwks_uri", "token_endpoint"), issuer=text(), jwks_uri=text(), token_endpoint=text()),
                "the discovery document",
            ),
        ),
        security=(),
        handler="_discovery",
    ),
    Endpoint(
        "GET",
        DISCOVERY_PATH + "/jwks",
        "none",
        fact="jwks",
        answers=(Answer(200, obj(("keys",), keys=array(obj(("kty", "kid"), kty=text(), kid=text()))), "the keys"),),
        security=(),
        handler="_jwks",
    ),
    Endpoint(
        "POST",
        "auth/rest/sessions",
        _BEARER,
        "{flow}",
        "sessions",
        body=Body(
            obj(
                flow=text(enum=["redirect", "headless", "embedded"]),
                allowedProviders=array(text()),
                language=text(),
                externalReference=text(),
            ),
            example={"flow": "redirect", "language": "en", "externalReference": "kit-demo"},
        ),
        answers=(Answer(201, _SESSION, "the session created"),),
        refusals=_API + refusals(400, "bad-body"),
        parameters=(_ACCOUNT,),
        handler="_create_session",
    ),
    Endpoint(
        "GET",
        "auth/rest/sessions/{id}",
        _BEARER,
        fact="sessions",
        answers=(Answer(200, _SESSION, "the session"),),
        refusals=_API + refusals(404, "not-found"),
        parameters=(_ACCOUNT,),
        handler="_view_session",
    ),
)

SURFACE = Surface(
    name="signicat",
    title="Signicat Authentication REST API (authentication as kit knows it)",
    description="An OAuth2 client-credentials token (RS256 at+jwt) is sent as a Bearer token.",
    facts=FACTS,
    schemes=(
        Scheme(
            "accessToken",
            JWT_BEARER,
            "the access token the token endpoint answered (the oauth2 scheme's) as a Bearer token: what to fill in "
            "where a tool cannot fetch the token itself",
            "bearer-header",
            session={},
        ),
        Scheme(
            "oauth2",
            {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {
                        "tokenUrl": "{server}" + TOKEN_PATH,
                        "scopes": {SCOPE: "Signicat's APIs, as the client's products allow"},
                    }
                },
            },
            "OAuth2 client credentials: the client's id and secret buy a token at the token endpoint",
            "token-endpoint",
            session={},
        ),
        Scheme(
            "clientBasic",
            {"type": "http", "scheme": "basic"},
            "the client id and secret at the token endpoint (client_secret_basic; or both in the form)",
            "client-auth",
        ),
    ),
    security=(("accessToken",), ("oauth2",)),
    error=Answer(
        0,
        obj(("title", "status"), type=text(), title=text(), detail=text(), code=text(), status=_INTEGER),
        "problem details",
        media="application/problem+json",
    ),
    endpoints=ENDPOINTS,
    live_server=LIVE_URL,
    path_examples={"id": FIRST_SESSION},
)
