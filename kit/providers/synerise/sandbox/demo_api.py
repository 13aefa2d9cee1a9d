"""The Synerise sandbox's demo API: kit's endpoints that show consumer types and permissions.

INFERRED / kit's (see :mod:`kit.providers.synerise.sandbox` and :mod:`kit.providers.synerise.facts`): ``GET
/v4/business-profile`` and ``GET /v4/clients`` for a workspace whose API key holds the permission
(``key_permissions``, checked server-side on each call) or a user whose selected workspace grants it
(in the token); ``GET /v4/clients/{id}`` for a workspace, or a customer reading itself; ``GET
/sauth/my-account/personal-information`` for customers only; ``POST /uauth/api-key/permission-check``
with the API key alone. A wrong consumer type or a missing permission is 403. A workspace may send ``Authorization:
Basic base64(<workspace GUID>:<API key>)`` instead of its token (CONFIRMED: the profile-login page, the PHP SDK's
BasicAuthenticationProvider.php); a wrong pair is 401 (INFERRED: the status of a wrong key at login).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

from werkzeug.wrappers import Request, Response

from kit.providers.synerise.sandbox.tokens import Tokens
from kit.providers.synerise.spring import Refused, json_object
from kit.sandbox.base import json_response

__all__ = ["DemoApi"]


class DemoApi:
    """The permission-checked endpoints, over the emulator's tokens, settings and customers."""

    def __init__(
        self,
        tokens: Tokens,
        settings: dict[str, Any],
        customers: dict[str, str],
        credentials: dict[str, str],
        *,
        workspace: int,
    ) -> None:
        self.tokens = tokens
        self.settings = settings
        self.customers = customers
        self.credentials = credentials
        self.workspace = workspace

    def key_check(self, request: Request) -> Response:
        """INFERRED (the path from the PHP SDK; body and answer kit's): which permissions an API key has."""
        body = json_object(request)
        if body.get("apiKey") != self.credentials["workspace_api_key"]:
            raise Refused(401, "Invalid API key")
        asked = body.get("permissions") or []
        if not isinstance(asked, list) or not all(isinstance(p, str) for p in asked):
            field = {"code": 400, "field": "permissions", "message": "a list of names", "rejectedValue": str(asked)}
            raise Refused(400, "Validation failed", errors=[field])
        held = self.settings["key_permissions"]
        return json_response({"permissions": {name: name in held for name in asked or held}})

    def _scoped(self, request: Request, *realms: str, permission: str) -> dict[str, Any]:
        """A token of one of ``realms``, or a user whose selected workspace grants ``permission``."""
        claims = self._caller(request)
        realm = claims["realm"]
        if realm == "user" and permission:
            if claims.get("bpid") is None:
                raise Refused(403, "Select a workspace first: a user token has no workspace")
            if permission not in claims.get("permissions", []):
                raise Refused(403, f"The user lacks the permission {permission}")
        elif realm not in realms:
            raise Refused(403, f"Access denied for consumer type {realm}")
        elif realm == "profile" and permission and permission not in self.settings["key_permissions"]:
            raise Refused(403, f"The API key lacks the permission {permission}")  # checked server-side
        return claims

    def _caller(self, request: Request) -> dict[str, Any]:
        """The claims of the bearer token, or a workspace's when it sent its GUID and API key as Basic."""
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return self.tokens.verify(request)
        try:
            guid, colon, key = base64.b64decode(given.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise Refused(401, "Bad credentials") from None
        expected = f"{self.credentials['workspace_guid']}:{self.credentials['workspace_api_key']}"
        if not colon or not secrets.compare_digest(f"{guid}:{key}".encode(), expected.encode()):
            raise Refused(401, "Bad credentials")
        return {"realm": "profile", "sub": f"workspace-{self.workspace}"}

    def business_profile(self, request: Request) -> Response:
        self._scoped(request, "profile", permission="BUSINESS_PROFILE_READ")
        return json_response({"businessProfileId": self.workspace, "name": "kit demo workspace"})

    def clients(self, request: Request) -> Response:
        self._scoped(request, "profile", permission="CLIENTS_READ")
        return json_response([{"clientId": cid, "email": mail} for cid, mail in self.customers.items()])

    def my_account(self, request: Request) -> Response:
        claims = self._scoped(request, "client", permission="")  # customers only: a user is no customer
        return json_response({"clientId": claims["sub"], "email": claims.get("email")})

    def client_by_id(self, request: Request) -> Response:
        claims = self._scoped(request, "profile", "client", permission="CLIENTS_READ")
        wanted = request.path.rstrip("/").rsplit("/", 1)[-1]
        if claims["realm"] == "client" and wanted != claims["sub"]:
            raise Refused(403, "A customer can only read its own data")
        if wanted not in self.customers:
            raise Refused(404, f"No customer {wanted}")
        return json_response({"clientId": wanted, "email": self.customers[wanted]})
