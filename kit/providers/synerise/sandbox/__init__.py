"""Synerise sandbox: three consumer types, RS512 JWTs, refresh, Spring-style errors.

CONFIRMED (shared notes, section 3): logins ``POST /uauth/v2/auth/login/profile {apiKey}`` →
``{token}`` (also ``/v4/auth/login/profile``), ``POST /sauth/v3/auth/login/client {apiKey,
identityProvider, email, ...}``, ``POST /uauth/auth/login/user {username, password}`` →
``{token, consumer, mfaMethods}`` and the user's MFA confirmation (:mod:`kit.providers.synerise.sandbox.users`);
a workspace's ``Authorization: Basic base64(<GUID>:<API key>)`` on its API, no expiry (the demo API); refresh
``GET /v4/auth/refresh/profile`` and ``POST
/sauth/v3/auth/refresh/client {apiKey}`` with the current, still valid token, the latter
answering ``{token, expiration, created, origin, customId, realm}``; RS512 signatures; a user
token cannot act in a workspace until one is selected; the Spring error body ``{timestamp,
status, error, message, path, errors}`` (built by :mod:`kit.providers.synerise.spring`); an expired token is 401
with ``error`` exactly ``"Token expired."``; a wrong key is 401.

INFERRED (say so when you rely on them):

* Claim names: ``sub`` (consumer id), ``realm`` (``profile``, ``client`` or ``user``; the refresh
  answer's ``realm: "client"``), ``origin``, ``ctd`` (created, epoch ms, from the docs' mangled
  sample), ``bpid`` (only in user tokens: the docs put the workspace and permissions in user tokens
  only; null until one is selected), ``email`` for customers, ``iat``, ``exp``.
* Permissions of API keys (the docs: they can be set per key): the ``key_permissions`` setting,
  checked on each call of a workspace token, server-side (the token does not carry them);
  ``POST /uauth/api-key/permission-check`` (the path from the PHP SDK; body ``{apiKey, permissions}``
  and answer ``{permissions: {name: bool}}`` are kit's) needs the API key only. The public key path
  needs no authorization (the docs: some endpoints need only an API key, some none).
* ``GOOGLE`` as a customer identity provider (the docs' list ends in "…"; the user login takes it).
* An expired token's status: 401, or 403 with the ``expired_status`` setting (the docs allow both).
* The client login body takes ``password`` (and optional ``uuid``, ``deviceId``) for SYNERISE
  identities; other identity providers need ``identityProviderToken`` (400 without; CONFIRMED that it
  is needed). The sandbox has no Facebook or Apple to ask, so it accepts exactly
  ``kit-idp:<PROVIDER>:<email>`` as their token (kit's rule) and creates the account on first login
  (CONFIRMED); ``origin`` is the provider. An unknown provider is 400 with a field error. A ``uuid``
  other than the customer's own is 403: a login never yields another customer's identity.
* A user selects a workspace after logging in and confirming MFA (the docs: a user token carries the selected
  workspace and permissions; the path is not in what kit holds): ``POST
  /kit-sandbox/synerise/user/select-workspace/{id}`` with the user token answers a token with
  ``bpid`` and ``permissions`` (the ``user_permissions`` setting; names such as ``CLIENTS_READ`` are
  kit's). A user token without a workspace is 403 "select a workspace first" (CONFIRMED).
* The public key's real location is undocumented: the sandbox serves it at
  ``GET /kit-sandbox/synerise/public-key.pem`` (a kit path, not Synerise's).
* The demo API (kit's, for showing consumer types and permissions) is
  :mod:`kit.providers.synerise.sandbox.demo_api`; no token → 401 (Spring Security's message).
* ``Api-Version`` is not required by the sandbox; there is no user refresh (Synerise's path is
  unknown), so clients log in again.
"""

from __future__ import annotations

from typing import Any

import jwt
from werkzeug.wrappers import Request, Response

from kit.errors import ConfigError
from kit.providers.synerise.protocol import (
    CONSUMERS,
    DEMO_CLIENT,
    DEMO_WORKSPACE,
    IDENTITY_PROVIDERS,
    LEGACY_WORKSPACE_LOGIN,
    PUBLIC_KEY_PATH,
)
from kit.providers.synerise.sandbox.demo_api import DemoApi
from kit.providers.synerise.sandbox.tokens import Tokens
from kit.providers.synerise.sandbox.users import Users
from kit.providers.synerise.spring import Refused, error_body, json_object
from kit.providers.synerise.surface import SURFACE
from kit.sandbox.base import Emulator as _Base
from kit.sandbox.base import Setting, json_response

__all__ = ["PUBLIC_KEY_PATH", "Emulator"]

WORKSPACE_ID = DEMO_WORKSPACE
DEMO = {
    "workspace_api_key": "5f0c7e1a-9b2d-4c6e-8f1a-3d5b7c9e0a24",
    "client_api_key": "8e2d4f6a-1c3b-4a5d-9e7f-0b2c4d6e8f13",
    "client_email": "ada@example.com",
    "client_password": "kit-demo-synerise-client-password-73",
    "user_username": "grace@example.com",
    "user_password": "kit-demo-synerise-user-password-0481",
    "user_workspace": str(WORKSPACE_ID),
    "user_totp_secret": "NNUXILLEMVWW6LLTPFXGK4TJONSS25DPORYC243FMNZGK5BNGMZA",  # base32 of 32 bytes, RFC 6238
    "workspace_guid": "3f2c9a1e-7b4d-4e8f-a6c2-1d5e9b0f7a38",  # the login of Basic authentication
}
#: the sandbox has no Facebook or Apple to ask, so it accepts exactly this as their token (kit's own rule)
IDP_TOKEN = "kit-idp:{provider}:{email}"
OTHER_CLIENT = {"id": "client-0002", "email": "alan@example.com"}


class Emulator(_Base):
    """Logins, refreshes and a small permission-checked API for the three consumer types."""

    TOKEN_PATHS = (
        *(login for login, _ in CONSUMERS.values()),
        LEGACY_WORKSPACE_LOGIN,
        *(refresh[1] for _, refresh in CONSUMERS.values() if refresh),
    )
    FETCH_COUNT = "logins"
    SURFACE = SURFACE
    SETTINGS = (
        Setting(
            "lifetime", int, 3600, "token lifetime in seconds (facts lifetime, lifetime-week: 1 h or a week)", 1, 604800
        ),
        Setting("clock_ahead", int, 0, "fault injection: seconds the server's clock runs ahead of clients'", 0, 86400),
        Setting("user_permissions", list, ["BUSINESS_PROFILE_READ"], "what a user may do in its workspace (INFERRED)"),
        Setting(
            "key_permissions",
            list,
            ["BUSINESS_PROFILE_READ", "CLIENTS_READ"],
            "what the workspace API key (and its tokens) may do (INFERRED)",
        ),
        Setting("user_mfa", bool, True, "the demo user confirms with a TOTP code (off: mfaMethods is empty)"),
        Setting("expired_status", int, 401, 'status of the "Token expired." answer: 401, or 403 (INFERRED)', 401, 403),
    )

    def __init__(self, settings: dict[str, Any], credentials: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(settings, credentials, **kwargs)
        self.tokens = Tokens(self.settings, workspace=WORKSPACE_ID, clock=self.now)
        self.customers = {DEMO_CLIENT: self.credentials["client_email"], OTHER_CLIENT["id"]: OTHER_CLIENT["email"]}
        self.api = DemoApi(self.tokens, self.settings, self.customers, self.credentials, workspace=WORKSPACE_ID)
        self.users = Users(self.tokens, self.settings, self.credentials, workspace=WORKSPACE_ID)

    def demo_credentials(self) -> dict[str, str]:
        return dict(DEMO)

    def public_key_pem(self) -> str:
        return self.tokens.public_key_pem()

    def cli_extras(self) -> dict[str, Any]:
        return {"public_key_pem": self.public_key_pem()}

    def rotate_key(self, *, keep_previous: bool = True) -> str:
        if keep_previous:
            raise ConfigError("the synerise sandbox verifies with one key: rotate_key(keep_previous=False)")
        return self.tokens.rotate()

    def forge(self, url: str, claims: dict[str, Any]) -> str:
        """A token of ``realm`` (default profile) for ``sub`` (default the demo workspace) with claims changed."""
        rest = dict(claims)
        return self.mint(str(rest.pop("realm", "profile")), str(rest.pop("sub", f"workspace-{WORKSPACE_ID}")), **rest)

    def counts(self) -> dict[str, int]:
        return {"logins": self.tokens.minted}

    def mint(self, realm: str, sub: str, **extra: Any) -> str:
        return self.tokens.mint(realm, sub, **extra)

    def _claims(self, request: Request) -> dict[str, Any]:
        return self.tokens.verify(request)

    def dispatch(self, request: Request) -> Response:
        found = self.ROUTES.at(request.path)
        endpoint = found.methods.get(request.method)
        if endpoint is None:  # Spring: a path it knows with another method is 405
            path = request.path.strip("/")
            return error_body(request, 405 if found else 404, f"No handler for {request.method} /{path}")
        try:
            answered: Response = self.handler(endpoint)(request)
            return answered
        except Refused as refused:
            return error_body(request, refused.status, refused.message, refused.error, refused.errors)

    def _public_key(self, request: Request) -> Response:
        return Response(self.public_key_pem(), content_type="application/x-pem-file")

    # -- logins and refreshes -------------------------------------------------------------
    def _login_profile(self, request: Request) -> Response:
        if json_object(request).get("apiKey") != self.credentials["workspace_api_key"]:
            raise Refused(401, "Invalid API key")
        return json_response({"token": self.mint("profile", f"workspace-{WORKSPACE_ID}")})

    def _refresh_profile(self, request: Request) -> Response:
        claims = self._claims(request)
        if claims["realm"] != "profile":
            raise Refused(403, f"Refresh of a {claims['realm']} token is not allowed here")
        return json_response({"token": self.mint("profile", claims["sub"])})

    def _login_client(self, request: Request) -> Response:
        body = json_object(request)
        provider = str(body.get("identityProvider"))
        if provider not in IDENTITY_PROVIDERS:
            field = {
                "code": 400,
                "field": "identityProvider",
                "message": "unknown identity provider",
                "rejectedValue": str(provider),
            }
            raise Refused(400, "Validation failed", errors=[field])
        if body.get("apiKey") != self.credentials["client_api_key"]:
            raise Refused(401, "Invalid API key")
        customer = self._identify(provider, body)
        if body.get("uuid") not in (None, "", customer):  # a customer never gets another customer's identity
            raise Refused(403, "The uuid does not belong to this customer")
        token = self.mint("client", customer, email=self.customers[customer], origin=provider)
        return json_response({"token": token})

    def _identify(self, provider: str, body: dict[str, Any]) -> str:
        """The customer id behind a login: the password for SYNERISE, a provider token for the others."""
        email = body.get("email")
        if provider == "SYNERISE":
            if email != self.credentials["client_email"] or body.get("password") != self.credentials["client_password"]:
                raise Refused(401, "Bad credentials")
            return DEMO_CLIENT
        if not body.get("identityProviderToken"):
            raise Refused(400, f"identityProviderToken is required for {provider}")
        if not email or body["identityProviderToken"] != IDP_TOKEN.format(provider=provider, email=email):
            raise Refused(401, f"The {provider} token was not accepted")
        known = next((cid for cid, mail in self.customers.items() if mail == email), None)
        if known is None:  # CONFIRMED: a login through another provider creates the account
            known = f"client-{len(self.customers) + 1:04d}"
            self.customers[known] = str(email)
        return known

    def _refresh_client(self, request: Request) -> Response:
        claims = self._claims(request)
        if json_object(request).get("apiKey") != self.credentials["client_api_key"]:
            raise Refused(401, "Invalid API key")
        if claims["realm"] != "client":
            raise Refused(403, f"Refresh of a {claims['realm']} token is not allowed here")
        origin = claims.get("origin", "SYNERISE")
        token = self.mint("client", claims["sub"], email=claims.get("email"), origin=origin)
        fresh = jwt.decode(token, options={"verify_signature": False})
        return json_response(
            {
                "token": token,
                "expiration": fresh["exp"],
                "created": fresh["ctd"],
                "origin": claims.get("origin", "SYNERISE"),
                "customId": None,
                "realm": "client",
            }
        )
