"""Globex's API surface: a token endpoint and one call, each route once (the sandbox dispatches from it)."""

from __future__ import annotations

from globex_kit.facts import FACTS
from globex_kit.protocol import API_KEY_HEADER, LIVE_URL, TOKEN_PATH
from kit.surface import Answer, Body, Endpoint, Scheme, Surface, obj, refusals, text

__all__ = ["SURFACE"]

_ERROR = obj(("error",), error=text(), message=text())

SURFACE = Surface(
    name="globex",
    title="Globex API (the fixture provider)",
    facts=FACTS,
    schemes=(
        Scheme("bearer", {"type": "http", "scheme": "bearer"}, "a client-credentials token", "token-endpoint", {}),
        Scheme("apiKey", {"type": "apiKey", "in": "header", "name": API_KEY_HEADER}, "the API key", "api-key", {}),
        Scheme("clientBasic", {"type": "http", "scheme": "basic"}, "the client id and secret", "token-endpoint"),
    ),
    security=(("bearer", "apiKey"),),
    error=Answer(0, _ERROR, "an error code and a message"),
    endpoints=(
        Endpoint(
            "POST",
            TOKEN_PATH,
            "client id and secret (Basic)",
            "grant_type=client_credentials",
            "token-endpoint",
            body=Body(
                obj(("grant_type",), grant_type=text()),
                media=("application/x-www-form-urlencoded",),
                example={"grant_type": "client_credentials"},
            ),
            answers=(Answer(200, obj(("access_token", "expires_in"), access_token=text()), "a token"),),
            refusals=refusals(401, "refused"),
            security=(("clientBasic",),),
            handler="token",
        ),
        Endpoint(
            "GET",
            "v1/me",
            "Bearer token and X-Api-Key",
            fact="me",
            answers=(Answer(200, obj(("client_id",), client_id=text()), "the API client"),),
            refusals=refusals(401, "refused"),
            handler="me",
        ),
    ),
    live_server=LIVE_URL,
)
