"""How Duende IdentityServer's token endpoint authenticates a client and words its errors.

Where a provider's token endpoint sits at IdentityServer's paths (``/connect/token``, discovery at
``/.well-known/openid-configuration``) and documents no errors, the answers follow IdentityServer
(INFERRED, and said so by each sandbox that uses this): the client authenticates with HTTP Basic or
in the form (``client_secret_post``); Basic is read first, its id and secret base64-decoded then
URL-decoded (``+`` as space, as RFC 6749 §2.3.1 asks), and a form ``client_id`` beside it is no second
method; a form ``client_secret`` beside Basic is ``invalid_request``; no client at all is
``invalid_client``. Every error is 400 with an RFC 6749 body, and token answers and errors carry
``Cache-Control: no-store, no-cache, max-age=0`` and ``Pragma: no-cache`` (its ``SetNoCache``).
"""

from __future__ import annotations

import base64
from urllib.parse import unquote_plus

from werkzeug.wrappers import Request, Response

from kit.sandbox.base import json_response

__all__ = ["NO_CACHE", "client", "oauth_error"]

NO_CACHE = {"Cache-Control": "no-store, no-cache, max-age=0", "Pragma": "no-cache"}


def oauth_error(error: str, description: str) -> Response:
    """400 with ``{error, error_description}``, never cached."""
    return json_response({"error": error, "error_description": description}, 400, NO_CACHE)


def client(request: Request) -> tuple[str, str] | Response:
    """The client id and secret the request authenticates with, or the error answer."""
    header = request.headers.get("Authorization", "")
    form_id = request.form.get("client_id")
    form_secret = request.form.get("client_secret")
    if header and form_secret:  # a client_id alone beside Basic is no second method: Basic is used
        return oauth_error("invalid_request", "multiple client authentication methods used")
    if header:
        scheme, _, value = header.partition(" ")
        try:
            user, _, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return oauth_error("invalid_client", "malformed Basic credentials")
        if scheme.lower() != "basic":
            return oauth_error("invalid_client", "unsupported client authentication scheme")
        return unquote_plus(user), unquote_plus(password)
    if form_id:
        return form_id, form_secret or ""
    return oauth_error("invalid_client", "client authentication is required")
