"""Signicat sandbox: OAuth2 client credentials, RS256 ``at+jwt`` tokens, discovery, JWKS, sessions.

CONFIRMED (shared notes, section 2): token endpoint ``/auth/open/connect/token`` with a form
body, ``grant_type=client_credentials``, scope ``signicat-api``; answer ``{access_token,
expires_in, token_type, scope}``; tokens RS256 with ``typ`` ``at+jwt`` and a ``kid``
``sandbox-signing-key-<32 hex>``, claims iss, aud (one string), client_id, account_id, jti (32
upper-case hex), iat, nbf, exp (= nbf + lifetime), ``sandbox: true``, scope as a JSON array;
lifetime 1..3600 s (default 600); ``POST /auth/rest/sessions`` and ``GET
/auth/rest/sessions/{id}`` with ``signicat-accountId``; problem-details errors with ``code``
``invalid_token``; 401 without credentials, 403 without the product permission.

INFERRED: token-endpoint errors are 400 with an RFC 6749 body (Duende IdentityServer), including
``invalid_client`` for a wrong secret, an unknown client and a missing one, and ``invalid_request``
for a non-form body or two client-auth methods at once (Basic plus a form ``client_secret``; a form
``client_id`` beside Basic is accepted, Basic wins); a password grant and a missing ``grant_type``
are ``unsupported_grant_type``; token answers and token errors carry ``Cache-Control: no-store,
no-cache, max-age=0`` and ``Pragma: no-cache`` (Duende's SetNoCache); API
errors are problem details served as ``application/problem+json`` (RFC 9457); a request with no
token gets a bare ``Bearer`` challenge (RFC 6750 §3.1), a refused token ``error="invalid_token"``;
a request without ``scope`` (which the docs list as required) is
``invalid_request``, RFC 6749 §5.2's error for a missing parameter; discovery at ``/auth/open/.well-
known/openid-configuration`` and JWKS at ``.../jwks`` (IdentityServer convention); iss =
``<host>/auth/open`` and aud = the host, as on api.signicat.com; a ``signicat-accountId`` that
differs from the token's ``account_id`` is 403; the 403 ``code`` ``forbidden`` (UNKNOWN in the
docs); session ``status`` starts as ``CREATED``. A rotated key stays in the JWKS until the next
rotation (``rotate_key()``).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.wrappers import Request, Response

from kit.errors import ConfigError
from kit.providers.signicat import duende
from kit.providers.signicat.protocol import DISCOVERY_PATH, SCOPE, TOKEN_PATH
from kit.providers.signicat.surface import DEMO_ACCOUNT, SURFACE
from kit.sandbox.base import BodyRejected, Setting, json_response, read_json
from kit.sandbox.base import Emulator as _Base
from kit.sandbox.keys import new_key

__all__ = ["Emulator"]

PRODUCT = "auth-rest"
API = "auth/rest/sessions"  # where the Authentication REST API answers, behind its tokens
DEMO = {
    "client_id": "sandbox-kit-demo-417",
    "client_secret": "kit-demo-signicat-secret-9c4e1b7a2f6d8e3c5a0b4d6f",
    "account_id": DEMO_ACCOUNT,
}
PROBLEM_TYPE = "https://developer.signicat.com/docs/error-codes/"


def _new_key(n: int) -> tuple[str, rsa.RSAPrivateKey]:
    """The n-th signing key; its kid is derived from n, so notebook outputs stay stable."""
    kid = "sandbox-signing-key-" + hashlib.sha256(f"kit-signing-key-{n}".encode()).hexdigest()[:32]
    return kid, new_key()


def _problem(status: int, title: str, detail: str, code: str, *, token_sent: bool = True) -> Response:
    """Problem details (RFC 9457 media type); a 401 challenges, with ``error`` only when a token came."""
    headers = None
    if status == 401:  # RFC 6750 §3.1: no error code when the request carried no token
        headers = {"WWW-Authenticate": f'Bearer error="{code}"' if token_sent else "Bearer"}
    body = {"type": PROBLEM_TYPE, "title": title, "detail": detail, "code": code, "status": status}
    return json_response(body, status, headers, media_type="application/problem+json")


class Emulator(_Base):
    """Token endpoint, discovery, JWKS and the Authentication REST API sessions."""

    TOKEN_PATHS = (TOKEN_PATH,)
    FETCH_COUNT = "tokens_issued"
    SURFACE = SURFACE
    SETTINGS = (
        Setting("lifetime", int, 600, "access token lifetime in seconds (Dashboard range)", 1, 3600),
        Setting("products", list, [PRODUCT], "API products the client may use (empty: refused on /auth/rest)"),
        Setting(
            "missing_product",
            str,
            "403",
            "how a call without the product is refused: 403 forbidden, or 401 invalid_token",
        ),
        Setting("rotate_every", int, 0, "rotate the signing key every N seconds (0: never)", 0, 86400),
        Setting("reject_all_tokens", bool, False, "fault injection: the API answers 401 to every token"),
    )

    def __init__(self, settings: dict[str, Any], credentials: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(settings, credentials, **kwargs)
        self.key_count = 1
        self.keys = [_new_key(1)]  # newest first; JWKS publishes the current and the previous key
        self.rotated_at = self.now()
        self.tokens_issued = 0
        self.sessions: dict[str, dict[str, Any]] = {}

    def demo_credentials(self) -> dict[str, str]:
        return dict(DEMO)

    def rotate_key(self, *, keep_previous: bool = True) -> str:
        """Sign with a new key from now on; the old one stays published unless ``keep_previous`` is False."""
        self.key_count += 1
        fresh = _new_key(self.key_count)
        self.keys = [fresh, *self.keys[:1]] if keep_previous else [fresh]
        self.rotated_at = self.now()
        return self.keys[0][0]

    # -- OAuth2 token endpoint ------------------------------------------------------------
    def _token(self, request: Request) -> Response:
        if request.mimetype != "application/x-www-form-urlencoded":
            return duende.oauth_error("invalid_request", "the body must be application/x-www-form-urlencoded")
        client = duende.client(request)
        if isinstance(client, Response):
            return client
        client_id, secret = client
        if client_id != self.credentials["client_id"]:
            return duende.oauth_error("invalid_client", "unknown client")
        if not secrets.compare_digest(secret.encode(), self.credentials["client_secret"].encode()):
            return duende.oauth_error("invalid_client", "invalid client secret")
        grant = request.form.get("grant_type")
        if not grant:  # Duende: a missing grant type is unsupported_grant_type
            return duende.oauth_error("unsupported_grant_type", "grant_type is missing")
        if grant != "client_credentials":
            return duende.oauth_error("unsupported_grant_type", f"grant type {grant!r} is not allowed for this client")
        if not request.form.get("scope", "").strip():  # the docs list scope as required
            return duende.oauth_error("invalid_request", "scope is required")
        scopes = request.form["scope"].split()
        if any(s != SCOPE for s in scopes):
            return duende.oauth_error("invalid_scope", f"scope {' '.join(scopes)!r} is not allowed")
        return json_response(
            {
                "access_token": self._mint(request.host_url),
                "expires_in": self.settings["lifetime"],
                "token_type": "Bearer",
                "scope": SCOPE,
            },
            200,
            duende.NO_CACHE,
        )

    def _mint(self, host_url: str) -> str:
        if self.settings["rotate_every"] and self.now() - self.rotated_at >= self.settings["rotate_every"]:
            self.rotate_key()
        kid, key = self.keys[0]
        now = int(self.now())
        claims = {
            "iss": host_url + "auth/open",
            "aud": host_url.rstrip("/"),
            "client_id": self.credentials["client_id"],
            "account_id": self.credentials["account_id"],
            "jti": self._jti(),
            "iat": now,
            "nbf": now,
            "exp": now + self.settings["lifetime"],
            "sandbox": True,
            "scope": [SCOPE],
        }
        self.tokens_issued += 1
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, "typ": "at+jwt"})

    def forge(self, url: str, claims: dict[str, Any]) -> str:
        """A token signed with the current key but with some claims changed, to show failure modes."""
        payload = {**jwt.decode(self._mint(url), options={"verify_signature": False}), **claims}
        kid, key = self.keys[0]
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid, "typ": "at+jwt"})

    def counts(self) -> dict[str, int]:
        return {"tokens_issued": self.tokens_issued}

    def _jti(self) -> str:
        """Unique per token, derived from a counter (32 upper-case hex, as Signicat's)."""
        return hashlib.sha256(f"kit-jti-{self.tokens_issued}".encode()).hexdigest()[:32].upper()

    # -- discovery and JWKS ---------------------------------------------------------------
    def _discovery(self, request: Request) -> Response:
        base = request.host_url
        return json_response(
            {
                "issuer": base + "auth/open",
                "jwks_uri": base + DISCOVERY_PATH + "/jwks",
                "token_endpoint": base + TOKEN_PATH,
                "grant_types_supported": ["client_credentials"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "scopes_supported": [SCOPE],
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    def _jwks(self, request: Request) -> Response:
        keys = []
        for kid, key in self.keys:
            jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return json_response({"keys": keys})

    # -- Authentication REST API ----------------------------------------------------------
    def _authorize(self, request: Request) -> dict[str, Any] | Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            detail = "No access token was sent."
            return _problem(401, "Invalid authentication token.", detail, "invalid_token", token_sent=False)
        keys = {kid: key.public_key() for kid, key in self.keys}
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            if kid not in keys:
                raise jwt.InvalidSignatureError("signed by an unknown key")
            claims: dict[str, Any] = jwt.decode(
                token,
                keys[kid],
                algorithms=["RS256"],
                audience=request.host_url.rstrip("/"),
                issuer=request.host_url + "auth/open",
            )
        except jwt.PyJWTError as exc:
            detail = f"The token was rejected: {exc}. (incorrect signature, expiration, or insufficient permissions)"
            return _problem(401, "Invalid authentication token.", detail, "invalid_token")
        if self.settings["reject_all_tokens"]:
            return _problem(
                401, "Invalid authentication token.", "Every token is refused (fault injection).", "invalid_token"
            )
        if PRODUCT not in self.settings["products"]:  # facts product-403 and product-401: either may come
            if self.settings["missing_product"] == "401":
                detail = "The token was rejected (incorrect signature, expiration, or insufficient permissions)."
                return _problem(401, "Invalid authentication token.", detail, "invalid_token")
            return _problem(
                403, "Forbidden", "The client has no permission for the Authentication REST API.", "forbidden"
            )
        asked = request.args.get("signicat-accountId")
        if asked and asked != claims.get("account_id"):
            return _problem(403, "Forbidden", f"The token is not valid for account {asked}.", "forbidden")
        return claims

    def check_settings(self, settings: dict[str, Any]) -> None:
        super().check_settings(settings)
        if settings["missing_product"] not in ("403", "401"):
            raise ConfigError(f"signicat missing_product must be 403 or 401, not {settings['missing_product']!r}")

    def _create_session(self, request: Request, claims: dict[str, Any]) -> Response:
        try:
            body = read_json(request)
        except BodyRejected as rejected:
            return _problem(400, "Bad request", rejected.message + ".", "invalid_request")
        if not isinstance(body, dict):
            return _problem(400, "Bad request", "The body must be a JSON object.", "invalid_request")
        if body.get("flow", "redirect") not in ("redirect", "headless", "embedded"):
            return _problem(400, "Bad request", f"Unknown flow {body.get('flow')!r}.", "invalid_request")
        session_id = str(uuid.UUID(int=len(self.sessions) + 1))
        base = request.host_url
        self.sessions[session_id] = {
            "id": session_id,
            "accountId": claims["account_id"],
            "authenticationUrl": f"{base}auth/hpp/{session_id}",
            "status": "CREATED",
            "statusUrl": f"{base}auth/rest/sessions/{session_id}",
            "provider": None,
            "subject": None,
            "flow": body.get("flow", "redirect"),
            "allowedProviders": body.get("allowedProviders", []),
            "callbackUrls": body.get("callbackUrls"),
            "language": body.get("language", "en"),
            "requestedLoa": body.get("requestedLoa", "low"),
            "tags": body.get("tags", []),
            "externalReference": body.get("externalReference"),
            "sessionLifetime": 1200,
        }
        return json_response(self.sessions[session_id], 201)

    def dispatch(self, request: Request) -> Response:
        path = request.path.strip("/")
        found = self.ROUTES.at(path)
        endpoint = found.methods.get(request.method)
        if path == API or path.startswith(API + "/"):  # the API authenticates before it routes
            claims = self._authorize(request)
            if isinstance(claims, Response):
                return claims
            if endpoint is not None:
                answered: Response = self.handler(endpoint)(request, claims, **found.params(request.method))
                return answered
            if request.method == "GET":
                return _problem(404, "Not found", "No such session for this account.", "not_found")
            return _problem(405, "Method not allowed", f"{request.method} is not allowed here.", "method_not_allowed")
        if endpoint is not None:
            public: Response = self.handler(endpoint)(request)
            return public
        if path == TOKEN_PATH:  # IdentityServer: any other method at the token endpoint is invalid_request
            return duende.oauth_error("invalid_request", "use POST")
        return _problem(404, "Not found", f"No route for {request.method} {request.path}.", "not_found")

    def _view_session(self, request: Request, claims: dict[str, Any], id: str) -> Response:
        session = self.sessions.get(id)
        if session is None or session["accountId"] != claims["account_id"]:
            return _problem(404, "Not found", "No such session for this account.", "not_found")
        return json_response(session)
