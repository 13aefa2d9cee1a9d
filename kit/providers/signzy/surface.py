"""Signzy's API surface: LoopBack 3 logins answering an opaque token, sent raw in Authorization or a query.

Statements and sources are the fact registry's (:mod:`kit.providers.signzy.facts`); what each route takes
and answers is what the sandbox takes and answers (:mod:`kit.providers.signzy.sandbox`). Signzy's docs name Swagger
2.0 for their authentication, so the sandbox serves that rendering too (``GET /swagger.json``).
"""

from __future__ import annotations

from kit.providers.signzy.facts import FACTS
from kit.providers.signzy.protocol import FIRST_CHILD, LIVE_URL, SEED_ID, login_path, logout_path
from kit.surface import Answer, Body, Endpoint, Scheme, Surface, array, obj, refusals, text, variable

__all__ = ["SURFACE"]

_TOKEN = "the token: raw Authorization, ?access_token=, X-Access-Token, or Bearer base64(token)"
_BOTH = ("application/json", "application/x-www-form-urlencoded")
#: a login's example: the credentials are the reader's to fill (Postman variables named after kit's env vars)
_LOGIN = Body(
    obj(username=text(), email=text(), password=text(), ttl={}),
    media=_BOTH,
    example={"username": variable("SIGNZY_USERNAME"), "password": variable("SIGNZY_PASSWORD")},
)
_ACCESS = obj(
    ("id", "ttl", "created", "userId"),
    id=text(),
    ttl={"type": ["integer", "number", "string", "null"]},
    created=text(),
    userId=text(),
)
_CHANNEL = obj(("id",), id=text(), username=text(), email=text(), parentId=text())
_GONE = Answer(204, None, "done: no body")
_LOGIN_REFUSED = (
    *refusals(400, "username-required", "argument-400", "syntax-error"),
    *refusals(401, "login-failed", "invalid-token"),
)
_API = refusals(401, "authorization-required", "invalid-token")
_BODY = refusals(400, "argument-400", "syntax-error")
_HOLDER = ("accessTokenHeader",), ("accessTokenQuery",)
#: (model, note, fact) of each login and (model, fact) of each logout, channels and single customers
_LOGINS = (("channels", "{id, ttl, created}", "channel-login"), ("customers", "single customer", "customer-login"))
_LOGOUTS = (("channels", "channel-logout"), ("customers", "customer-logout"))


def _login(model: str, note: str, fact: str) -> Endpoint:
    return Endpoint(
        "POST",
        login_path(model),
        "username (or email) + password, JSON or form",
        note,
        fact,
        body=_LOGIN,
        answers=(Answer(200, _ACCESS, "the access token (id) and its ttl"),),
        refusals=_LOGIN_REFUSED,
        security=(),
        handler="_login",
    )


def _logout(model: str, fact: str) -> Endpoint:
    refused = refusals(401, "logout-401", "invalid-token")
    return Endpoint(
        "POST", logout_path(model), _TOKEN, "204", fact, answers=(_GONE,), refusals=refused, handler="_logout"
    )


# the logouts come last: a run of the document in its order (Postman's) keeps its token to the end
ENDPOINTS = (
    *(_login(model, note, fact) for model, note, fact in _LOGINS),
    Endpoint(
        "POST",
        "api/channels/change-password",
        _TOKEN,
        "{oldPassword, newPassword, username?}",
        "change-password-path",
        body=Body(
            obj(("oldPassword", "newPassword"), oldPassword=text(), newPassword=text(), username=text()),
            _BOTH,
            # the example keeps the password (LoopBack accepts the same one): a run of the document locks nobody out
            example={"oldPassword": variable("SIGNZY_PASSWORD"), "newPassword": variable("SIGNZY_PASSWORD")},
        ),
        answers=(_GONE,),
        refusals=_API + _BODY + refusals(400, "invalid-password") + refusals(422, "username-change"),
        handler="_change_password",
    ),
    Endpoint(
        "GET",
        "api/channels/{id}",
        _TOKEN,
        fact="channel-paths",
        answers=(Answer(200, _CHANNEL, "the channel"),),
        refusals=_API,
        handler="_find_by_id",
    ),
    Endpoint(
        "GET",
        "api/channels/{id}/channels",
        _TOKEN,
        "children",
        "channel-paths",
        answers=(Answer(200, array(_CHANNEL), "its children"),),
        refusals=_API,
        handler="_list_children",
    ),
    Endpoint(
        "POST",
        "api/channels/{id}/channels",
        _TOKEN,
        "create a child {username, password, email}",
        "children",
        body=Body(
            obj(("username", "password", "email"), username=text(), password=text(), email=text()),
            _BOTH,
            example={
                "username": "kit-demo-child",
                "password": "choose-a-password-of-32-bytes-or-more",  # the new child's: the reader's choice
                "email": "kit-demo-child@example.invalid",
            },
        ),
        answers=(Answer(200, _CHANNEL, "the child"),),
        refusals=_API + _BODY + refusals(422, "validation"),
        handler="_create_child",
    ),
    Endpoint(
        "DELETE",
        "api/channels/{id}/channels/{child}",
        _TOKEN,
        fact="delete-child",
        answers=(_GONE,),
        refusals=_API + refusals(404, "not-found"),
        handler="_delete_child",
    ),
    Endpoint(
        "POST",
        "api/channels/{id}/onboardings",
        _TOKEN,
        fact="channel-paths",
        body=Body(obj(name=text()), _BOTH, required=False, example={"name": "kit-demo-onboarding"}),
        answers=(Answer(200, obj(("id", "channelId"), id=text(), channelId=text(), name=text()), "the onboarding"),),
        refusals=_API + _BODY,
        handler="_create_onboarding",
    ),
    *(_logout(model, fact) for model, fact in _LOGOUTS),
)

SURFACE = Surface(
    name="signzy",
    title="Signzy Multi Channel API (authentication as kit knows it)",
    description="A login answers an opaque access token, sent raw in Authorization or as ?access_token=.",
    facts=FACTS,
    schemes=(
        Scheme(
            "accessTokenHeader",
            {"type": "apiKey", "in": "header", "name": "Authorization"},
            "the login's id, raw in the Authorization header (no scheme word); advised over the query",
            "raw-header",
            session={"transport": "header"},
        ),
        Scheme(
            "accessTokenQuery",
            {"type": "apiKey", "in": "query", "name": "access_token"},
            "the login's id as the access_token query parameter (it may end up in logs)",
            "raw-header",
        ),
    ),
    security=_HOLDER,
    error=Answer(
        0,
        obj(
            ("error",),
            error=obj(
                ("statusCode", "name", "message"),
                statusCode={"type": "integer"},
                name=text(),
                message=text(),
                code=text(),
                details={},
            ),
        ),
        "strong-error-handler's error",
    ),
    endpoints=ENDPOINTS,
    live_server=LIVE_URL,
    extensions={"x-kit-swagger": FACTS.cite("swagger2")},
    swagger2=True,
    path_examples={"id": SEED_ID, "child": FIRST_CHILD},
)
