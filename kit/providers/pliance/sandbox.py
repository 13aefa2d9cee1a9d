"""Pliance sandbox: self-minted HS256 JWTs, the response envelope, tenants, webhooks.

CONFIRMED (shared notes, section 1): paths relative to the customer host (``api/Ping``,
``api/PersonCommand``, ``api/PersonQuery``, ``api/WebhookCommand``, ``api/WebhookQuery``,
``api/WebhookQuery/Poke``); ``Authorization: Bearer <jwt>``, HS256 over the UTF-8 bytes of the
secret, ``aud`` = ``pliance.io``, ``iss`` = the company id; optional ``X-Tenant``; the envelope
``{status, success, message, checkpoint}`` with ``data`` on typed results; webhooks registered
with ``{url, secret, enabled}`` and delivered with the secret itself in ``X-PLIANCE-SECRET``,
only to ``https`` URLs; the event payload ``{type, checkpoint, metadata{subject, ip, givenName,
timestampUtc}}``; the WebhookPokeType names.

INFERRED (the real server is probably ASP.NET Core JwtBearer, whose answers :mod:`kit.providers.pliance.aspnet`
follows; Pliance documents none of this).
Each bad input, its status and answer:

* 401 ``WWW-Authenticate: Bearer``, no body: no ``Authorization`` header; a scheme other than Bearer.
* 401 ``Bearer error="invalid_token", error_description="..."``, no body: a bad signature; expired or ``nbf``
  beyond ``clock_skew`` (300 s); wrong ``aud``; unknown ``iss``; no ``exp``. The same without a description:
  a malformed JWT; ``alg`` other than HS256 (none, RS256, HS512); no ``sub`` or ``given_name`` (Pliance logs
  them).
* 400 envelope: ``X-Tenant`` missing with multitenancy on; bad JSON or missing fields.
* 200 envelope with status Error: another tenant's data ("Person ... not found"), since business
  failures are 200 + Error, as the docs' failed poke shows.
* 403 envelope: an IP not in ``allowed_ips``; no client certificate under mTLS (IIS's 403.7).
* 404/405 envelope: unknown path or method. Paths match in any case (ASP.NET Core routing).

CORS (INFERRED: the docs say tokens can be used from a web browser; the answers are an ASP.NET Core
CORS policy allowing any origin, header and method): a preflight (``OPTIONS`` with ``Origin`` and
``Access-Control-Request-Method``) is 204 before authentication with ``Access-Control-Allow-Methods``
and the requested headers; every answer to an allowed origin carries ``Access-Control-Allow-Origin``.
The ``cors_origins`` setting narrows the origins (empty: no CORS, a preflight is 405).

Every answer carries the envelope; failures have ``checkpoint`` all zeros (as in the docs'
failed poke). Checkpoints of successful writes are deterministic (sha256 of a counter), so
notebook outputs are stable. The event payload's ``referenceId`` field, any tenant name being
accepted, and checks in the order signature, lifetime, audience, issuer, claims are INFERRED.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from werkzeug.wrappers import Request, Response

from kit.claims import utc
from kit.providers.pliance import aspnet_cors as cors
from kit.providers.pliance.aspnet import Refusal, bearer_token, bound, validate
from kit.providers.pliance.protocol import AUDIENCE, POKE_TYPES
from kit.providers.pliance.surface import DEMO_TENANT, SURFACE
from kit.sandbox.base import BodyRejected, Setting, json_response, read_json
from kit.sandbox.base import Emulator as _Base
from kit.sandbox.delivery import deliver, is_loopback

__all__ = ["POKE_TYPES", "Emulator"]

ZERO = "0" * 64
#: a person's properties and their types (INFERRED: the model the .NET SDK's RegisterPersonCommand binds)
PERSON: dict[str, type] = {
    "personReferenceId": str,
    "firstName": str,
    "lastName": str,
    "birthdate": str,
    "gender": str,
    "identity": dict,
    "addresses": list,
}
DEMO = {
    "secret": "kit-demo-pliance-secret-4f1c2a9e7b3d5f608e1a2c4b6d8f0a1c",
    "issuer": "kit-demo",
    "given_name": "Demo User",
    "subject": "demo-1",
}


class Emulator(_Base):
    """The Pliance API surface: auth checks, persons per tenant, webhooks."""

    IGNORE_CASE = True
    CREDENTIAL_KEYS = ("tenant",)  # with multitenancy off, a tenant may still be given
    TOKEN_PATHS = ()  # Pliance clients mint their own tokens: there is no token endpoint to break
    SURFACE = SURFACE
    SETTINGS = (
        Setting("multitenancy", bool, False, "require X-Tenant and keep data apart per tenant"),
        Setting("allowed_ips", list, [], "comma-separated client IPs or networks allowed (empty: all)"),
        Setting("clock_skew", int, 300, "seconds of exp/nbf tolerance (ASP.NET default, INFERRED)", 0, 3600),
        Setting("cors_origins", list, ["*"], "origins a browser may call from (* = any; empty: no CORS)"),
        Setting("webhook_hosts", list, [], "hosts beyond loopback a webhook may be delivered to (names as given)"),
    )

    def __init__(self, settings: dict[str, Any], credentials: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(settings, credentials, **kwargs)
        self.persons: dict[str, dict[str, dict[str, Any]]] = {}
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.writes = 0
        self.tokens_checked = 0
        self.tokens_minted_earlier = 0  # valid tokens whose iat is more than a second before they arrived

    def demo_credentials(self) -> dict[str, str]:
        return {**DEMO, "tenant": DEMO_TENANT} if self.settings["multitenancy"] else dict(DEMO)

    # -- envelope -------------------------------------------------------------------------
    def _checkpoint(self) -> str:
        return hashlib.sha256(f"pliance:{self.writes}".encode()).hexdigest() if self.writes else ZERO

    def _ok(self, **extra: Any) -> Response:
        return json_response(
            {"status": "Success", "success": True, "message": None, "checkpoint": self._checkpoint(), **extra}
        )

    def _error(self, status: int, message: str, challenge: str | None = None, **extra: Any) -> Response:
        if challenge:  # JwtBearer's challenge: the status and WWW-Authenticate, no body (aspnet.py)
            return Response(b"", status, {"WWW-Authenticate": challenge})
        headers = None
        return json_response(
            {"status": "Error", "success": False, "message": message, "checkpoint": ZERO, **extra}, status, headers
        )

    # -- auth -----------------------------------------------------------------------------
    def _authenticate(self, request: Request) -> tuple[dict[str, Any], str]:
        if self.mtls and not request.environ.get("SSL_CLIENT_CERT"):
            raise Refusal(403, "A client certificate is required")
        allowed = self.settings["allowed_ips"]
        if allowed and not any(
            ipaddress.ip_address(request.remote_addr or "0.0.0.0") in ipaddress.ip_network(net, strict=False)
            for net in allowed
        ):
            raise Refusal(403, f"IP address {request.remote_addr} is not allowed")
        claims = self._validate(bearer_token(request))
        tenant = ""
        if self.settings["multitenancy"]:
            tenant = request.headers.get("X-Tenant", "").strip()
            if not tenant:
                raise Refusal(400, "X-Tenant header is required")
        return claims, tenant

    def counts(self) -> dict[str, int]:
        """Tokens it accepted, and how many of them were minted more than a second before they arrived (a
        client that mints per request, as the SDKs do, sends none)."""
        return {"tokens_checked": self.tokens_checked, "tokens_minted_earlier": self.tokens_minted_earlier}

    def _validate(self, token: str) -> dict[str, Any]:
        claims = self._claims(token)
        self.tokens_checked += 1
        self.tokens_minted_earlier += int(self.now()) - int(claims["iat"]) > 1
        return claims

    def _claims(self, token: str) -> dict[str, Any]:
        return validate(
            token,
            self.credentials["secret"].encode("utf-8"),
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=self.credentials["issuer"],
            leeway=self.settings["clock_skew"],
            required=["exp", "nbf", "iat", "iss", "aud", "sub", "given_name"],
        )

    # -- routes ---------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        response = self._route(request)
        cors.mark(response, cors.allowed_origin(request, self.settings["cors_origins"]))
        return response

    def _route(self, request: Request) -> Response:
        found = self.ROUTES.at(request.path)  # INFERRED: ASP.NET Core routes ignore case (IGNORE_CASE)
        if not found:
            return self._error(404, f"No route for {request.method} {request.path}")
        if request.method == "OPTIONS" and cors.is_preflight(request, self.settings["cors_origins"]):
            return cors.preflight(request, found.methods)
        if request.method not in found.methods:
            return self._error(405, f"Method {request.method} is not allowed on {request.path}")
        try:
            claims, tenant = self._authenticate(request)
        except Refusal as refusal:
            return self._error(refusal.status, refusal.message, refusal.challenge)
        answered: Response = self.handler(found.methods[request.method])(request, claims, tenant)
        return answered

    def _json(self, request: Request, *required: str, types: Mapping[str, type]) -> dict[str, Any] | Response:
        try:
            body = read_json(request)
        except BodyRejected as rejected:
            return self._error(400, rejected.message)
        if not isinstance(body, dict):
            return self._error(400, "The request body must be a JSON object")
        try:
            bound(body, types)
        except Refusal as refusal:
            return self._error(refusal.status, refusal.message)
        missing = [name for name in required if not body.get(name)]
        if missing:
            return self._error(400, f"Missing field(s): {', '.join(missing)}")
        return body

    def _ping(self, request: Request, claims: dict[str, Any], tenant: str) -> Response:
        return self._ok()

    def _register_person(self, request: Request, claims: dict[str, Any], tenant: str) -> Response:
        body = self._json(request, "personReferenceId", "firstName", "lastName", types=PERSON)
        if isinstance(body, Response):
            return body
        self.writes += 1
        person = {
            "personReferenceId": body["personReferenceId"],
            "identity": body.get("identity"),
            "firstName": body["firstName"],
            "lastName": body["lastName"],
            "birthdate": body.get("birthdate") or "????-??-??",
            "addresses": body.get("addresses") or [],
            "hits": [],
            "gender": body.get("gender"),
            "archived": False,
            "isPep": False,
            "isRca": False,
            "isSanction": False,
            "isSip": False,
            "highRiskCountry": False,
            "lastChanged": {"checkpoint": self._checkpoint()},
        }
        self.persons.setdefault(tenant, {})[str(body["personReferenceId"])] = person
        return self._ok(data=person)

    def _view_person(self, request: Request, claims: dict[str, Any], tenant: str) -> Response:
        ref = request.args.get("personReferenceId", "")
        person = self.persons.get(tenant, {}).get(ref)
        if person is None:
            return self._error(200, f"Person '{ref}' not found")
        return self._ok(data=person)

    def _set_webhook(self, request: Request, claims: dict[str, Any], tenant: str) -> Response:
        body = self._json(request, "url", types={"url": str, "secret": str, "enabled": bool})
        if isinstance(body, Response):
            return body
        try:
            parts = urlsplit(str(body["url"]))
            _ = parts.port  # raises for a port beyond 65535
        except ValueError:  # that, or an unclosed [IPv6 bracket
            return self._error(400, "The webhook url is not a valid URL")
        if parts.scheme not in ("http", "https"):
            return self._error(400, "The webhook url must be http or https")
        if not parts.hostname:
            return self._error(400, "The webhook url is not a valid URL")
        if not self._deliverable(parts.hostname):
            return self._error(400, f"The webhook host {parts.hostname!r} is not loopback nor in webhook_hosts")
        self.writes += 1
        self.webhooks[tenant] = {
            "enabled": bool(body.get("enabled", True)),
            "secret": body.get("secret"),
            "url": body["url"],
        }
        return self._ok()

    def _get_webhook(self, request: Request, claims: dict[str, Any], tenant: str) -> Response:
        return self._ok(data=self.webhooks.get(tenant, {"enabled": False, "secret": None, "url": None}))

    def _poke(self, request: Request, claims: dict[str, Any], tenant: str) -> Response:
        body = self._json(request, "type", types={"type": str, "referenceId": str})
        if isinstance(body, Response):
            return body
        if body["type"] not in POKE_TYPES:
            return self._error(400, f"Unknown webhook type '{body['type']}'")
        hook = self.webhooks.get(tenant)
        if not hook or not hook["enabled"]:
            return self._error(200, "No enabled webhook is registered")
        self.writes += 1
        event = {
            "type": body["type"],
            "checkpoint": self._checkpoint(),
            "referenceId": body.get("referenceId"),
            "metadata": {
                "subject": claims["sub"],
                "ip": "api",
                "givenName": claims["given_name"],
                "timestampUtc": utc(claims["iat"]),
            },
        }
        headers = {"Content-Type": "application/json"}
        if hook["secret"] and hook["url"].startswith("https://"):
            headers["X-PLIANCE-SECRET"] = hook["secret"]
        parts = urlsplit(hook["url"])
        if not self._deliverable(parts.hostname or ""):  # the setting may have changed since registration
            return self._error(200, f"The webhook host {parts.hostname!r} is no longer allowed")
        try:
            remote_status, remote_body = deliver(hook["url"], json.dumps(event), headers, verify=self.ca_bundle or True)
        except requests.RequestException as exc:
            reason = type(exc).__name__.replace("Error", " error").strip()
            return self._error(200, f"{reason} ({parts.hostname}:{parts.port})", remoteBody=None, remoteStatusCode=0)
        return self._ok(remoteBody=remote_body, remoteStatusCode=remote_status)

    def _deliverable(self, host: str) -> bool:
        """Loopback, or a host the ``webhook_hosts`` setting names: a sandbox never pokes the network."""
        return is_loopback(host) or host.lower() in {h.lower() for h in self.settings["webhook_hosts"]}
