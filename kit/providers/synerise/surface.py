"""Synerise's API surface: a bearer JWT per consumer type (workspace, customer, user), with their logins.

Statements and sources are the fact registry's (:mod:`kit.providers.synerise.facts`); what each route takes
and answers is what the sandbox takes and answers (:mod:`kit.providers.synerise.sandbox`).
"""

from __future__ import annotations

from kit.providers.synerise.facts import FACTS
from kit.providers.synerise.protocol import (
    CONSUMERS,
    DEMO_CLIENT,
    DEMO_WORKSPACE,
    IDENTITY_PROVIDERS,
    KEY_CHECK_PATH,
    LEGACY_WORKSPACE_LOGIN,
    LIVE_URL,
    MFA_PATH,
    MFA_TYPES,
    PUBLIC_KEY_PATH,
    SELECT_WORKSPACE_PATH,
    TRACKER_PARAMETER,
)
from kit.surface import (
    JWT_BEARER,
    Answer,
    Body,
    Endpoint,
    Parameter,
    Scheme,
    Surface,
    array,
    obj,
    refusals,
    text,
    variable,
)

__all__ = ["SURFACE"]

_TOKEN = obj(("token",), token=text())
_BAD_TOKEN = (*refusals(401, "no-token", "invalid-token", "token-expired"), *refusals(403, "bad-token-403"))
_BODY = refusals(400, "validation-400")
_WRONG = refusals(401, "wrong-key")
_SCOPED = _BAD_TOKEN + refusals(403, "consumer-403", "permissions-checked", "key-permissions")
_WORKSPACE_SCOPED = _SCOPED + refusals(401, "basic-wrong")  # a workspace may send Basic instead
_CLIENT = obj(("clientId",), clientId=text(), email={"type": ["string", "null"]})
#: the examples' credentials are the reader's to fill: Postman variables named after kit's env vars
_WORKSPACE_KEY = variable("SYNERISE_WORKSPACE_API_KEY")
_CLIENT_KEY = variable("SYNERISE_CLIENT_API_KEY")
_WORKSPACE_LOGIN = Body(obj(("apiKey",), apiKey=text()), example={"apiKey": _WORKSPACE_KEY})
_USER = obj(("token", "consumer", "mfaMethods"), token=text(), consumer=obj(), mfaMethods=array(text()))


def _bearer(name: str, consumer: str, fact: str, login: str, refresh: str, kit_consumer: str) -> Scheme:
    extensions = {"x-kit-login": login, **({"x-kit-refresh": refresh} if refresh else {})}
    return Scheme(
        name,
        {**JWT_BEARER, **extensions},
        f"the {consumer}'s token (RS512 JWT) from {login}" + (f", renewed with {refresh}" if refresh else ""),
        fact,
        session={"consumer": kit_consumer},
    )


#: the workspace's login, at its path and at the v4 one it still answers
_WORKSPACE_LOGINS = ((CONSUMERS["workspace"][0], "workspace-login"), (LEGACY_WORKSPACE_LOGIN, "workspace-login-v4"))


def _workspace_login(path: str, fact: str) -> Endpoint:
    return Endpoint(
        "POST",
        path,
        "workspace API key in the body (apiKey)",
        fact=fact,
        body=_WORKSPACE_LOGIN,
        answers=(Answer(200, _TOKEN, "the workspace's token"),),
        refusals=_WRONG + _BODY,
        security=(),
        handler="_login_profile",
    )


ENDPOINTS = (
    *(_workspace_login(path, fact) for path, fact in _WORKSPACE_LOGINS),
    Endpoint(
        "GET",
        "v4/auth/refresh/profile",
        "Bearer <workspace token>",
        fact="workspace-refresh",
        answers=(Answer(200, _TOKEN, "a new token for the same workspace"),),
        refusals=_BAD_TOKEN + refusals(403, "consumer-403"),
        security=(("workspaceToken",),),
        handler="_refresh_profile",
    ),
    Endpoint(
        "POST",
        CONSUMERS["client"][0],
        "client API key + identity (password, or a provider token)",
        fact="customer-login",
        body=Body(
            obj(
                ("apiKey", "identityProvider"),
                apiKey=text(),
                identityProvider=text(enum=list(IDENTITY_PROVIDERS)),
                email=text(),
                password=text(),
                identityProviderToken=text(),
                uuid=text(),
            ),
            example={
                "apiKey": _CLIENT_KEY,
                "identityProvider": "SYNERISE",
                "email": variable("SYNERISE_CLIENT_EMAIL"),
                "password": variable("SYNERISE_CLIENT_PASSWORD"),
            },
        ),
        answers=(Answer(200, _TOKEN, "the customer's token"),),
        refusals=_WRONG + _BODY + refusals(403, "uuid-403"),
        security=(),
        handler="_login_client",
    ),
    Endpoint(
        "POST",
        "sauth/v3/auth/refresh/client",
        "Bearer <customer token> + apiKey",
        fact="customer-refresh",
        body=Body(obj(("apiKey",), apiKey=text()), example={"apiKey": _CLIENT_KEY}),
        answers=(
            Answer(
                200,
                obj(("token", "expiration"), token=text(), expiration={"type": "integer"}, realm=text()),
                "a new token for the same customer",
            ),
        ),
        refusals=_BAD_TOKEN + _WRONG + _BODY + refusals(403, "consumer-403"),
        security=(("customerToken",),),
        handler="_refresh_client",
    ),
    Endpoint(
        "POST",
        CONSUMERS["user"][0],
        "username + password",
        fact="user-login",
        body=Body(
            obj(("username", "password"), username=text(), password=text()),
            example={"username": variable("SYNERISE_USER_USERNAME"), "password": variable("SYNERISE_USER_PASSWORD")},
        ),
        answers=(Answer(200, _USER, "the user's token (to confirm first when mfaMethods is not empty)"),),
        refusals=_WRONG + _BODY,
        security=(),
        handler="users.login",
    ),
    Endpoint(
        "POST",
        MFA_PATH,
        "Bearer <the user login's token> + verificationCode",
        fact="user-mfa",
        parameters=(
            Parameter(
                "mfaType", "query", "the method confirmed", text(enum=list(MFA_TYPES)), True, "user-mfa", MFA_TYPES[0]
            ),
        ),
        body=Body(
            obj(("verificationCode",), verificationCode=text(), deviceId=text()),
            example={"verificationCode": "123456", "deviceId": "kit-demo-device"},  # the authenticator's six digits
        ),
        answers=(Answer(200, _USER, "the user's confirmed token"),),
        refusals=_BAD_TOKEN + _BODY + refusals(401, "mfa-code") + refusals(403, "consumer-403"),
        security=(("userToken",),),
        handler="users.verify_mfa",
    ),
    Endpoint(
        "POST",
        SELECT_WORKSPACE_PATH,
        "Bearer <user token>",
        "kit's path for an undocumented step",
        "select-path",
        answers=(Answer(200, _TOKEN, "the user's token for that workspace, with its permissions"),),
        refusals=_BAD_TOKEN + refusals(403, "select-workspace", "consumer-403", "mfa-first"),
        security=(("userToken",),),
        handler="users.select_workspace",
        live=False,
    ),
    Endpoint(
        "POST",
        KEY_CHECK_PATH,
        "API key only (apiKey in the body)",
        "{apiKey, permissions}",
        "key-check",
        body=Body(
            obj(("apiKey",), apiKey=text(), permissions=array(text())),
            example={"apiKey": _WORKSPACE_KEY, "permissions": ["BUSINESS_PROFILE_READ"]},
        ),
        answers=(Answer(200, obj(("permissions",), permissions=obj()), "each permission, held or not"),),
        refusals=refusals(401, "key-check") + _BODY,
        security=(),
        handler="api.key_check",
    ),
    Endpoint(
        "GET",
        "v4/business-profile",
        "Bearer <workspace token with the key's BUSINESS_PROFILE_READ, or a user with it>",
        fact="demo-endpoints",
        answers=(Answer(200, obj(("businessProfileId",), businessProfileId={"type": "integer"}), "the workspace"),),
        refusals=_WORKSPACE_SCOPED,
        security=(("workspaceToken",), ("workspaceBasic",), ("userToken",)),
        handler="api.business_profile",
    ),
    Endpoint(
        "GET",
        "v4/clients",
        "Bearer <workspace token, or user; CLIENTS_READ>",
        fact="demo-endpoints",
        answers=(Answer(200, array(_CLIENT), "the workspace's customers"),),
        refusals=_WORKSPACE_SCOPED,
        security=(("workspaceToken",), ("workspaceBasic",), ("userToken",)),
        handler="api.clients",
    ),
    Endpoint(
        "GET",
        "v4/clients/{id}",
        "Bearer <workspace token, or the customer itself>",
        fact="demo-endpoints",
        answers=(Answer(200, _CLIENT, "one customer"),),
        refusals=_WORKSPACE_SCOPED + refusals(404, "demo-endpoints"),
        security=(("workspaceToken",), ("workspaceBasic",), ("customerToken",)),
        handler="api.client_by_id",
    ),
    Endpoint(
        "GET",
        "sauth/my-account/personal-information",
        "Bearer <customer token>",
        fact="demo-endpoints",
        answers=(Answer(200, _CLIENT, "the customer's own data"),),
        refusals=_BAD_TOKEN + refusals(403, "consumer-403"),
        security=(("customerToken",),),
        handler="api.my_account",
    ),
    Endpoint(
        "GET",
        PUBLIC_KEY_PATH,
        "none (no authorization)",
        "kit's path: where Synerise publishes it is undocumented",
        "public-key",
        answers=(Answer(200, text(), "the PEM public key that verifies tokens", media="application/x-pem-file"),),
        security=(),
        handler="_public_key",
        live=False,
    ),
)

SURFACE = Surface(
    name="synerise",
    title="Synerise API (authentication as kit knows it)",
    description="Each consumer type logs in for its own RS512 JWT and sends it as a Bearer token (a user confirms "
    "MFA first); a workspace may send its GUID and API key as Basic instead.",
    facts=FACTS,
    schemes=(
        _bearer(
            "workspaceToken",
            "workspace",
            "workspace-login",
            "POST /" + CONSUMERS["workspace"][0],
            "GET /v4/auth/refresh/profile",
            "workspace",
        ),
        _bearer(
            "customerToken",
            "customer",
            "customer-login",
            "POST /" + CONSUMERS["client"][0],
            "POST /sauth/v3/auth/refresh/client",
            "client",
        ),
        _bearer("userToken", "user", "user-login", "POST /" + CONSUMERS["user"][0], "", "user"),
        Scheme(
            "workspaceBasic",
            {"type": "http", "scheme": "basic"},
            "the workspace's GUID as the login and its API key as the password, no expiry",
            "workspace-basic",
            session={"scheme": "basic"},
        ),
        Scheme(
            "TrackerKey",
            {"type": "apiKey", "in": "query", "name": TRACKER_PARAMETER},
            "a tracker key (as in the website's tracking code) in the token query parameter",
            "tracker-key",
        ),
    ),
    security=(("workspaceToken",),),
    error=Answer(
        0,
        obj(
            ("status", "error", "message"),
            timestamp=text(),
            status={"type": "integer"},
            error=text(),
            message=text(),
            path=text(),
            errors=array(obj()),
        ),
        "Spring's error body",
    ),
    endpoints=ENDPOINTS,
    live_server=LIVE_URL,
    path_examples={"id": DEMO_CLIENT, "workspace": str(DEMO_WORKSPACE)},
)
