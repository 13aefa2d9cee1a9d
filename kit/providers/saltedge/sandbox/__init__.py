"""Salt Edge sandbox: app secrets in headers, customer and login secrets (v3, v5), RSA request signatures.

CONFIRMED (shared notes, section 5): header names per version (v3 ``Client-id``, ``App-secret``,
``Customer-secret``, ``Login-secret``; v5 ``App-id``, ``Secret``, ``Customer-secret``, ``Connection-secret``;
v6 the app's two alone, as the official examples call it, the customer named by ``customer_id`` in the body:
:mod:`kit.providers.saltedge.sandbox.connect`); ``GET countries`` needs the app headers only; lists answer
``{data, meta: {next_id, next_page}}``; the v3 flat error ``{error_class, error_message, request}`` and
the v5 ``{error: {class, message, documentation_url}, request}``; live clients must send
``Expires-at`` and ``Signature`` on every request, other statuses only have a sent ``Signature``
verified (no ``Signature``, no validation); ``Signature = base64(RSA PKCS#1 v1.5
SHA-256("<Expires-at>|<METHOD>|<URL>|<body>"))`` for v4 and later, the same four fields with SHA-1 for v3
(the older signature guide's SHA1; the four fields as the v3-era official examples sign them);
``Expires-at`` more than 1 h ahead is ``ExpiresAtInvalid``; a disabled
client gets ``ClientDisabled`` on every request; restricted is read-only; pending allows fake
providers only (``ClientPending``); ``ConnectionNotFound`` is 404 (the Android SDK's test fixture).

INFERRED: every other HTTP status (notes' table 5.5: header missing 400, ``ClientNotFound``
and ``ApiKeyNotFound`` 404, ``WrongClientToken`` 401, status classes 403, signature problems
400/401, ``RequestExpired`` 401, ``JsonParseError`` 400, ``RouteNotFound`` 404); v3 using the
v5 signature class names and ``LoginNotFound`` for logins; v3 ``POST login`` and v5 ``POST
connections`` taking ``{data: {country_code, provider_code, credentials}}``; ``GET``/``DELETE``
``login`` (v3) and ``connection`` (v5) with the customer and login secrets both (Salt Edge's iOS
SDK sends both; a missing Customer-secret is ``CustomerNotFound``); example countries. The URL in
the signed string is the URL as sent (scheme, Host, the raw request target, percent-encoding kept):
the docs say "full URL with query" and a client can only sign what it sends. ``Expires-at`` must be
decimal UNIX seconds: ``nan``, ``inf``, hex or an empty value is ``ExpiresAtInvalid`` (what Salt
Edge answers to those is undocumented).
"""

from __future__ import annotations

import secrets
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.wrappers import Request, Response

from kit.errors import ConfigError
from kit.providers.saltedge.protocol import HEADERS
from kit.providers.saltedge.sandbox.callbacks import Callbacks
from kit.providers.saltedge.sandbox.connect import ConnectSessions
from kit.providers.saltedge.sandbox.errors import error_response
from kit.providers.saltedge.sandbox.limits import Rate, check_key, check_room
from kit.providers.saltedge.sandbox.signatures import Refused, check_signature
from kit.providers.saltedge.surface import DEMO_PROVIDER, SURFACE
from kit.sandbox.base import BodyRejected, Setting, json_response, read_json
from kit.sandbox.base import Emulator as _Base
from kit.sandbox.keys import new_key

__all__ = ["DEMO", "STATUSES", "Emulator", "private_pem", "public_pem"]

DEMO = {
    "client_id": "kit-demo-client-id-4c1f",
    "app_secret": "kit-demo-saltedge-app-secret-9b3e5d7f1a2c",
    "customer_secret": "kit-demo-customer-secret-6e8a0c2b4d",
    "login_secret": "kit-demo-login-secret-1f3b5d7e9a0c",
}
STATUSES = ("pending", "test", "live", "restricted", "disabled")
CUSTOMER_HEADER = "Customer-secret"  # the same name in v3 and v5 (v6 has none)
#: version -> (the error class of an unknown login, the path word of a login): the sandbox's side only
LOGIN_WORDS = {
    "v3": ("LoginNotFound", "login"),
    "v5": ("ConnectionNotFound", "connection"),
    "v6": ("ConnectionNotFound", "connection"),
}
COUNTRIES = [
    {"code": "XF", "name": "Fake", "refresh_start_time": 2},
    {"code": "XO", "name": "Other", "refresh_start_time": 4},
]


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


class Emulator(_Base):
    """Customers and logins behind three layers of secrets, plus signature checks."""

    SETTINGS = (
        Setting("status", str, "test", "client status: " + ", ".join(STATUSES)),
        Setting("callback_url", str, "", "where a signed callback goes when a login is made (loopback only)"),
        Setting("public_key", bool, True, "the dashboard holds your public key (off: PublicKeyNotProvided)"),
        Setting("rate_limit", int, 0, "requests a minute the client may make (0: no limit)", 0, 1_000_000),
    )
    SURFACE = SURFACE

    def __init__(self, settings: dict[str, Any], credentials: dict[str, str] | None = None, **kwargs: Any) -> None:
        self._key = new_key()
        self.callbacks = Callbacks()  # Salt Edge's own key, for what it sends the client
        self.connect = ConnectSessions(self)
        self.rate = Rate()
        super().__init__(settings, credentials, **kwargs)
        pem = self.credentials["private_key_pem"]
        if pem == self.demo_credentials()["private_key_pem"]:
            key = self._key  # its own demo key: no need to parse it back (~30 ms)
        else:
            loaded = serialization.load_pem_private_key(pem.encode(), None)
            assert isinstance(loaded, rsa.RSAPrivateKey)
            key = loaded
        self.public_key = key.public_key()  # what the client pasted into the dashboard
        c = self.credentials
        self.customers: dict[int, dict[str, Any]] = {
            1001: self._customer_record(1001, "kit-demo-customer", c["customer_secret"]),
            1002: self._customer_record(1002, "someone-else", secrets.token_urlsafe(32)),
        }
        self.logins: dict[int, dict[str, Any]] = {
            2001: self._login(2001, 1001, c["login_secret"], DEMO_PROVIDER),
            2002: self._login(2002, 1002, secrets.token_urlsafe(32), DEMO_PROVIDER),
        }

    def demo_credentials(self) -> dict[str, str]:
        return {**DEMO, "private_key_pem": private_pem(self._key)}  # a fresh key per sandbox

    def public_key_pem(self) -> str:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def check_settings(self, settings: dict[str, Any]) -> None:
        super().check_settings(settings)
        if settings["status"] not in STATUSES:
            raise ConfigError(f"saltedge status must be one of {', '.join(STATUSES)}, not {settings['status']!r}")

    def fixtures(self) -> dict[str, str]:
        return {
            "other_customer_login_secret": self.logins[2002]["secret"],
            "callbacks_public_pem": self.callbacks.public_pem,  # what Salt Edge publishes (spectre_public.pem)
        }

    def register_key(self, pem: str) -> None:
        """What pasting a public key into Salt Edge's dashboard does: verify signatures with it."""
        key = serialization.load_pem_public_key(pem.encode())
        assert isinstance(key, rsa.RSAPublicKey)
        self.public_key = key

    @staticmethod
    def _customer_record(customer_id: int, identifier: str, secret: str) -> dict[str, Any]:
        made = "2026-01-01T00:00:00Z"
        return {"id": customer_id, "identifier": identifier, "created_at": made, "updated_at": made, "secret": secret}

    @staticmethod
    def _login(login_id: int, customer_id: int, secret: str, provider: str) -> dict[str, Any]:
        return {
            "id": login_id,
            "customer_id": customer_id,
            "secret": secret,
            "status": "active",
            "country_code": "XF",
            "provider_code": provider,
            "provider_name": "Fake Bank Simple",
            "created_at": "2026-01-01T00:00:00Z",
            "last_attempt": {"finished": True, "fail_error_class": None},
        }

    def dispatch(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")
        if request.method == "GET" and len(parts) == 2 and parts[0] == "connect":
            return self.connect.page(parts[1])  # the connect URL a connect session answers
        if len(parts) < 3 or parts[0] != "api" or parts[1] not in HEADERS:
            return error_response("v5", "RouteNotFound", f"No route for {request.method} {request.path}", request)
        version = parts[1]
        try:
            self._check_client(request, version)  # the app's headers first, on every path of the version
            endpoint = self.ROUTES.at(request.path).methods.get(request.method)
            if endpoint is None:
                raise Refused("RouteNotFound", f"No route for {request.method} {request.path}")
            answered: Response = self.handler(endpoint)(request, version)
            return answered
        except Refused as refused:
            return error_response(version, refused.error_class, refused.message, request)

    # -- checks ---------------------------------------------------------------------------
    def _check_client(self, request: Request, version: str) -> None:
        id_header = HEADERS[version].app_id
        secret_header = HEADERS[version].app_secret
        client_id = request.headers.get(id_header)
        app_secret = request.headers.get(secret_header)
        if not client_id:
            raise Refused("AppIdNotProvided", f"{id_header} header is missing")
        if not app_secret:
            raise Refused("SecretNotProvided", f"{secret_header} header is missing")
        if client_id != self.credentials["client_id"]:
            raise Refused("ClientNotFound", f"Client with {id_header} {client_id!r} was not found")
        if not secrets.compare_digest(app_secret.encode(), self.credentials["app_secret"].encode()):
            raise Refused("WrongClientToken" if version == "v3" else "ApiKeyNotFound", "The app secret is wrong")
        self.rate.check(self.settings["rate_limit"])
        status = self.settings["status"]
        if status == "disabled":
            raise Refused("ClientDisabled", "The client is disabled")
        check_key(self.settings["public_key"], "Signature" in request.headers, status == "live")
        check_signature(request, self.public_key, required=status == "live", version=version)
        if status == "restricted" and request.method not in ("GET", "HEAD"):
            raise Refused("ClientRestricted", "The client is restricted: read-only")

    def body(self, request: Request) -> dict[str, Any]:
        """The ``data`` object of a JSON body (``JsonParseError``, ``WrongRequestFormat`` otherwise)."""
        try:
            body = read_json(request, "{}")
        except BodyRejected as rejected:
            raise Refused("JsonParseError", rejected.message) from None
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise Refused("WrongRequestFormat", 'The body must be {"data": {...}}')
        return data

    def customer_by_secret(self, request: Request) -> dict[str, Any]:
        """The customer whose Customer-secret the request carries (``CustomerNotFound`` otherwise)."""
        secret = request.headers.get(CUSTOMER_HEADER, "")
        found = next(
            (c for c in self.customers.values() if secrets.compare_digest(c["secret"].encode(), secret.encode())), None
        )
        if found is None:
            raise Refused("CustomerNotFound", "No customer with that Customer-secret")
        return found

    # -- resources ------------------------------------------------------------------------
    def _countries(self, request: Request, version: str) -> Response:
        return json_response({"data": COUNTRIES, "meta": {"next_id": None, "next_page": None}})

    def _new_customer(self, request: Request, version: str) -> Response:
        data = self.body(request)
        number = max(self.customers) + 1
        customer = self._customer_record(number, str(data.get("identifier", "")), secrets.token_urlsafe(32))
        self.customers[number] = customer
        shown = customer if version == "v3" else {**customer, "id": str(number)}  # v5 and v6 ids are strings
        return json_response({"data": shown})

    def make_login(self, owner: dict[str, Any], provider: str, version: str) -> dict[str, Any]:
        """A new login (a connection, from v5) of ``owner``, its callback sent when a callback URL is set."""
        if self.settings["status"] == "pending" and not provider.startswith("fake"):
            raise Refused("ClientPending", "A pending client can only use fake providers")
        check_room(len(self.logins), self.settings["status"])
        made = self._login(max(self.logins) + 1, owner["id"], secrets.token_urlsafe(32), provider)
        self.logins[made["id"]] = made
        if self.settings["callback_url"]:
            self.callbacks.send(self.settings["callback_url"], version, made, verify=self.ca_bundle or True)
        return made

    def _new_login(self, request: Request, version: str) -> Response:
        owner = self.customer_by_secret(request)
        made = self.make_login(owner, str(self.body(request).get("provider_code", "")), version)
        return json_response({"data": {k: v for k, v in made.items() if k != "customer_id"}})

    def _show_login(self, request: Request, version: str) -> Response:
        login = self._login_of(request, version)
        return json_response({"data": {k: v for k, v in login.items() if k != "customer_id"}})

    def _remove_login(self, request: Request, version: str) -> Response:
        login = self._login_of(request, version)
        del self.logins[login["id"]]
        return json_response({"data": {"id": login["id"], "removed": True}})

    def _login_of(self, request: Request, version: str) -> dict[str, Any]:
        """The login (a connection, from v5) the request's login secret names, of the customer it names."""
        login_header = str(HEADERS[version].login_secret)  # v3 and v5: the routes that name a login
        missing, login_path = LOGIN_WORDS[version]
        secret = request.headers.get(login_header, "")
        login: dict[str, Any] | None = next(
            (x for x in self.logins.values() if secrets.compare_digest(x["secret"].encode(), secret.encode())), None
        )
        holder = self.customer_by_secret(request)  # both layers, as the endpoint map says
        if login is None or login["customer_id"] != holder["id"]:
            raise Refused(missing, f"No {login_path} with that {login_header} for this customer")
        return login
