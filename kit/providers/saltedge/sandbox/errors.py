"""How the Salt Edge sandbox answers a refusal: each class's HTTP status, the v3 flat body or the v5 nested one.

CONFIRMED: the v3 flat ``{error_class, error_message, request}`` (iOS SDK SEError.h), the v5
``{error: {class, message, documentation_url}, request}`` (Android SDK test fixture) with ``ConnectionNotFound`` on
404. INFERRED: every other status, from the meaning of the class's name (shared notes, table 5.5).
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from kit.sandbox.base import json_response

__all__ = ["STATUS_OF", "error_response"]

STATUS_OF = {
    "AppIdNotProvided": 400,
    "SecretNotProvided": 400,
    "ClientNotFound": 404,
    "ApiKeyNotFound": 404,
    "WrongClientToken": 401,
    "ClientDisabled": 403,
    "ClientPending": 403,
    "ClientRestricted": 403,
    "CustomerNotFound": 404,
    "LoginNotFound": 404,
    "ConnectionNotFound": 404,
    "MissingExpiresAt": 400,
    "MissingSignature": 400,
    "ExpiresAtInvalid": 400,
    "SignatureNotMatch": 401,
    "RequestExpired": 401,
    "JsonParseError": 400,
    "RouteNotFound": 404,
    "WrongRequestFormat": 400,
    "ConnectionLimitReached": 403,
    "PublicKeyNotProvided": 400,
    "TooManyRequests": 429,
}


def error_response(version: str, error_class: str, message: str, request: Request) -> Response:
    """The refusal as ``version`` words it, on the status of its class, echoing the request's query."""
    echo = {k: v for k, v in request.args.items()}
    if version == "v3":
        body: dict[str, Any] = {"error_class": error_class, "error_message": message, "request": echo}
    else:
        slug = "".join("_" + ch.lower() if ch.isupper() else ch for ch in error_class).lstrip("_")
        body = {
            "error": {
                "class": error_class,
                "message": message,
                "documentation_url": f"https://docs.saltedge.com/account_information/{version}/#errors-{slug}",
            },
            "request": echo,
        }
    return json_response(body, STATUS_OF[error_class])
