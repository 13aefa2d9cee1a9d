"""Signzy: every fact kit's client, sandbox and probes rely on, and where it comes from."""

from __future__ import annotations

from kit.provenance import HTTP, Fact, Registry

__all__ = ["FACTS", "LOOPBACK"]

_V1 = "https://docs.signzy.com/investor-onboarding-io/Eh9z-authentication"
_V2 = "https://docs.signzy.com/investor-onboarding-io/rI6c-authentication"
_V3 = "https://docs.signzy.com/api-marketplace/customer-login-client-login"
_LB = "https://github.com/strongloop/loopback/blob/13371fd2"
_USER = f"{_LB}/common/models/user.js"
_TOKEN = f"{_LB}/common/models/access-token.js"
_MIDDLEWARE = f"{_LB}/server/middleware/token.js"
#: the observation every inferred LoopBack behaviour was checked by
LOOPBACK = "against LoopBack 3.28.0 (tests/test_conformance_signzy.py)"

FACTS = Registry(
    "signzy",
    [
        Fact(
            "channel-login",
            "POST /api/channels/login {username, password} → {id, ttl, created, userId}",
            "documented",
            "docs.signzy.com, Multi Channel: Authentication",
            _V2,
        ),
        Fact(
            "customer-login",
            "POST /api/customers/login for single-customer products",
            "documented",
            "docs.signzy.com, Investor onboarding: Authentication",
            _V1,
        ),
        Fact(
            "customer-logout",
            "POST /api/customers/logout with the token answers 204",
            "documented",
            "docs.signzy.com, Investor onboarding: Authentication",
            _V1,
        ),
        Fact(
            "raw-header",
            "the token id travels raw in Authorization (or as ?access_token=)",
            "documented",
            "docs.signzy.com, Multi Channel: Authentication",
            _V2,
            column="sent on each call",
        ),
        Fact(
            "swagger2",
            "Signzy's APIs follow Swagger 2.0's authentication: an Authorization header or access_token query",
            "documented",
            "docs.signzy.com, Multi Channel: Authentication",
            _V2,
        ),
        Fact(
            "children",
            "a channel is created by another channel only, which sets its username and password",
            "documented",
            "docs.signzy.com, Multi Channel: Authentication",
            _V2,
        ),
        Fact(
            "change-by-old-password",
            "a channel's username and password can be changed with the old password",
            "documented",
            "docs.signzy.com, Multi Channel: Authentication",
            _V2,
        ),
        Fact(
            "channel-paths",
            "GET /api/channels/{id}, /api/channels/{id}/channels, POST .../onboardings",
            "inferred",
            "a third-party index of Signzy's distributor endpoints (taken from Signzy's PDF)",
        ),
        Fact(
            "loopback",
            "Signzy runs LoopBack 3: its login answer, token transport and 204 logout are LoopBack's",
            "inferred",
            "the API surface matches LoopBack 3's User model exactly",
            _USER,
        ),
        Fact(
            "observed", "the sandbox answers as a real LoopBack 3 app modelling Signzy's channels", "observed", LOOPBACK
        ),
        Fact(
            "channel-logout",
            "POST /api/channels/logout answers 204 and ends the token",
            "inferred",
            "LoopBack 3's User.logout, as for customers",
            _USER,
            answers=("401",),
        ),
        Fact(
            "change-password-path",
            "POST /api/channels/change-password {oldPassword, newPassword} answers 204",
            "inferred",
            "LoopBack 3's User.changePassword route",
            _USER,
            answers=("400 INVALID_PASSWORD",),
        ),
        Fact(
            "username-change",
            "change-password also takes a new username (unique)",
            "kit's choice",
            "the docs say both can be changed and name no other route, LoopBack's route takes the password only",
            answers=("422 ValidationError",),
        ),
        Fact(
            "other-sessions-end",
            "changing the password ends the channel's other tokens",
            "inferred",
            "LoopBack 3's User model (invalidates other sessions on password change)",
            _USER,
        ),
        Fact(
            "delete-child",
            "DELETE /api/channels/{id}/channels/{child} removes a child and its tokens",
            "inferred",
            "LoopBack 3's hasMany relation delete",
            _USER,
        ),
        Fact(
            "ttl",
            "a token lives 14 days (ttl 1209600 s) unless the login asks for another ttl, at most a year",
            "inferred",
            "LoopBack 3's AccessToken defaults (the VKYC product documents 14 days too)",
            _TOKEN,
            column="lifetime",
        ),
        Fact(
            "token-lookup",
            "a Bearer value is base64-decoded first, X-Access-Token and Basic also work",
            "inferred",
            "LoopBack 3's token middleware (bearerTokenBase64Encoded)",
            _MIDDLEWARE,
        ),
        Fact(
            "login-failed",
            "a wrong password or unknown user: 401 LOGIN_FAILED",
            "inferred",
            "LoopBack 3's User.login",
            _USER,
            answers=("401 LOGIN_FAILED",),
        ),
        Fact(
            "username-required",
            "no username or email: 400 USERNAME_EMAIL_REQUIRED",
            "inferred",
            "LoopBack 3's User.login",
            _USER,
            answers=("400 USERNAME_EMAIL_REQUIRED",),
        ),
        Fact(
            "syntax-error",
            "a body that is not JSON: 400 SyntaxError, no code",
            "inferred",
            "LoopBack 3's body parser and strong-error-handler",
            _LB,
            answers=("400",),
        ),
        Fact(
            "argument-400",
            "a required argument missing (credentials, data, oldPassword) or not an object: 400, no code",
            "inferred",
            "LoopBack 3's strong-remoting argument checks",
            _LB,
            answers=("400",),
        ),
        Fact(
            "logout-401",
            "a logout without a token it knows: 401 accessToken is required to logout, no code",
            "inferred",
            "LoopBack 3's User.logout",
            _USER,
            answers=("401",),
        ),
        Fact(
            "authorization-required",
            "no token, an unknown one, or a call the ACL denies: 401 AUTHORIZATION_REQUIRED",
            "inferred",
            "LoopBack 3's ACL (aclErrorStatus 401)",
            f"{_LB}/lib/application.js",
            answers=("401 AUTHORIZATION_REQUIRED",),
        ),
        Fact(
            "invalid-token",
            "an expired token: 401 INVALID_TOKEN, and the server deletes it",
            "inferred",
            "LoopBack 3's AccessToken.validate",
            _TOKEN,
            answers=("401 INVALID_TOKEN",),
            column="expiry signalled as",
        ),
        Fact(
            "invalid-password",
            "a wrong old password: 400 INVALID_PASSWORD",
            "inferred",
            "LoopBack 3's User.changePassword",
            _USER,
            answers=("400 INVALID_PASSWORD",),
        ),
        Fact(
            "validation",
            "a child without username, password or email, or a taken one: 422 ValidationError",
            "inferred",
            "LoopBack 3's User validations",
            _USER,
            answers=("422 ValidationError", "422"),
        ),
        Fact(
            "not-found",
            "an unknown route or child: 404",
            "inferred",
            "LoopBack 3's strong-remoting router",
            _LB,
            answers=("404", "404 MODEL_NOT_FOUND"),
        ),
        Fact(
            "revocation",
            "logout (204): the token is gone, and then refused",
            "inferred",
            "LoopBack 3's User.logout",
            _USER,
            column="revocation",
        ),
        Fact(
            "tenant-model",
            "a channel sees itself and its children (userId); others' data is 401 AUTHORIZATION_REQUIRED",
            "inferred",
            "LoopBack 3's $owner ACL (aclErrorStatus 401)",
            f"{_LB}/lib/application.js",
            column="tenant or permission model",
        ),
        Fact(
            "relogin",
            "kit logs in again when the token is refused",
            "kit's choice",
            "no refresh exists in LoopBack 3, and the docs name none",
            column="renewal",
        ),
        Fact(
            "string-ttl",
            "the ttl is a number in some products, a string in others",
            "documented",
            "docs.signzy.com, API marketplace: Customer login",
            _V3,
        ),
    ],
    base=HTTP,
)
