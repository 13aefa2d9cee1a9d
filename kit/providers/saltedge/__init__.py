"""Salt Edge, the client side: no token; the app's secrets in headers and an RSA signature per request.

CONFIRMED (shared notes, section 5): header names per API version (v3 ``Client-id``, ``App-secret``,
``Customer-secret``, ``Login-secret``; v5 ``App-id``, ``Secret``, ``Customer-secret``, ``Connection-secret``
with an "App" key, the app's two alone with a "Service" key; v6, as the official examples call it, ``App-id`` and
``Secret`` alone, the customer named by ``customer_id`` in the body); ``Expires-at`` in UNIX seconds (+60 s
suggested, at most 1 h ahead); ``Signature = base64(RSA PKCS#1 v1.5 over "<Expires-at>|<METHOD>|<full URL with
query>|<raw body>")``, SHA-1 on v3 and SHA-256 from v4, body empty for GET/DELETE, no newlines in the base64; the
public key is pasted into the dashboard and the private key stays with the client; errors in the v3 flat shape or
the v5 nested one, both carrying the error class. v6 is the default (the examples' latest); v3 is the seed page's.

kit's choice: each endpoint gets only the secret layers it needs (:data:`kit.providers.saltedge.protocol.LAYERS`:
countries the app's, creating a login the customer's too, a login's own routes the login's as well; none on v6),
every held layer where kit does not know the endpoint; the same request (method, URL, body) sent again while at
least half of its ``Expires-at`` window is left carries the signature it was given (RSA signing costs about a
millisecond; the server accepts a signed request until ``Expires-at``). Every fact's source:
:mod:`kit.providers.saltedge.facts`.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Unpack
from urllib.parse import urlsplit

import requests

from kit.answers import api_error, json_body
from kit.auth.scheme import TokenlessAuth
from kit.credentials import MULTILINE
from kit.credentials import Credentials as _Credentials
from kit.errors import ApiError, ConfigError
from kit.providers.saltedge.callbacks import callback_check, callback_string, sign_callback, verify_callback
from kit.providers.saltedge.protocol import (
    CONNECT,
    DEFAULT_VERSION,
    HEADERS,
    MAX_AHEAD,
    api_version_of,
    layers,
    signature_string,
    signed_bytes,
)
from kit.providers.saltedge.signing import body_of, generate_key_pair, public_pem, sign, signature_table
from kit.secrets import Secret
from kit.session import Session
from kit.spec import BusinessCall, Provider
from kit.wire import Wiring

__all__ = [
    "CONNECT",
    "Credentials",
    "HEADERS",
    "PROVIDER",
    "SaltEdgeAuth",
    "error_parser",
    "generate_key_pair",
    "httpx_auth",
    "session",
]
__all__ += ["api_version_of", "host_url", "public_pem", "sign", "signature_string", "signature_table"]
__all__ += ["callback_check", "callback_string", "sign_callback", "verify_callback"]


@dataclasses.dataclass(frozen=True)
class Credentials(_Credentials):
    """App credentials, optional customer and login secrets, optional signing key; secrets as plain str."""

    PROVIDER = "saltedge"
    HEADER_FIELDS = ("client_id", "app_secret", "customer_secret", "login_secret")
    client_id: str
    app_secret: Secret
    customer_secret: Secret | None = None
    login_secret: Secret | None = None
    private_key_pem: Secret | None = dataclasses.field(default=None, metadata=MULTILINE)
    api_version: str = DEFAULT_VERSION


class SaltEdgeAuth(TokenlessAuth):
    """Adds the secrets the credentials hold and, with a private key, ``Expires-at`` and ``Signature``.

    No token to fetch, so its flow is one exchange; on its own it is a requests AuthBase bound to
    the origin of the first request it signs (a redirect elsewhere is refused).
    """

    def __init__(
        self, credentials: Credentials, *, expires_in: float = 60, clock: Callable[[], float] = time.time
    ) -> None:
        if credentials.api_version not in HEADERS:
            raise ConfigError(f"api_version must be one of {', '.join(HEADERS)}, not {credentials.api_version!r}")
        if not 0 < expires_in <= MAX_AHEAD:
            raise ConfigError(f"expires_in must be within 1..{MAX_AHEAD} s (Salt Edge refuses more than 1 h)")
        self.credentials = credentials
        self.expires_in = expires_in
        self.clock = clock
        #: (method, URL, body) -> (Expires-at, Signature) of the requests signed lately (kit's choice:
        #: reused while half the window is left; see the fact ``signature-reuse``)
        self._signed: OrderedDict[tuple[str, str, bytes | str | None], tuple[int, str]] = OrderedDict()
        self._lock = threading.Lock()

    def apply(self, request: requests.PreparedRequest, token: None = None) -> None:
        c = self.credentials
        app_id, app_secret, customer, login = HEADERS[c.api_version]
        request.headers.update(
            {
                "Accept": "application/json",
                "Content-type": "application/json",
                app_id: c.client_id,
                app_secret: c.app_secret.reveal(),
            }
        )
        needed = _layers(request, c.api_version)
        for layer, header, value in (("customer", customer, c.customer_secret), ("login", login, c.login_secret)):
            if header is not None and value is not None and (needed is None or layer in needed):
                request.headers[header] = value.reveal()
        if c.private_key_pem is not None:
            expires, signature = self._signature(c.private_key_pem, request.method or "GET", request.url or "", request)
            request.headers["Expires-at"] = str(expires)
            request.headers["Signature"] = signature

    def _signature(self, key: Secret, method: str, url: str, request: requests.PreparedRequest) -> tuple[int, str]:
        """``Expires-at`` and ``Signature`` for the request: the ones it was given lately while at least half
        of the window is left, else new ones."""
        body = body_of(request)
        wanted = (method, url, body)
        now = self.clock()
        with self._lock:
            known = self._signed.get(wanted)
        if known is not None and known[0] - now >= self.expires_in / 2:
            return known
        expires = int(now + self.expires_in)
        text = signed_bytes(str(expires), method, url, body)
        signed = (expires, sign(key, text, api_version=self.credentials.api_version))
        with self._lock:
            self._signed[wanted] = signed
            self._signed.move_to_end(wanted)
            while len(self._signed) > 64:
                self._signed.popitem(last=False)
        return signed

    def header_names(self) -> set[str]:
        names = {*HEADERS[self.credentials.api_version].names(), "expires-at", "signature", "accept", "content-type"}
        return {name.lower() for name in names}

    def __repr__(self) -> str:
        return f"SaltEdgeAuth(client_id={self.credentials.client_id!r}, api_version={self.credentials.api_version!r})"


_VERSIONED = re.compile(r"/api/v\d+/(.*)$")


def _layers(request: requests.PreparedRequest, version: str) -> tuple[str, ...] | None:
    """The secret layers the request's endpoint needs (kit.providers.saltedge.protocol.LAYERS), None if unknown."""
    path = urlsplit(request.url or "").path
    found = _VERSIONED.search(path)
    return layers(request.method or "GET", found.group(1), version) if found else None


def error_parser(response: requests.Response, provider: str) -> ApiError | None:
    """Both error shapes, v3 ``{error_class, error_message}`` and v5 ``{error: {class, message}}``."""
    if response.status_code < 400:
        return None
    body, data = json_body(response)
    nested = data["error"] if isinstance(data.get("error"), dict) else {}
    error_class = data.get("error_class") or nested.get("class")
    message = data.get("error_message") or nested.get("message")
    return api_error(response, provider, error_class, message, body, auth=bool(error_class))


def host_url(url: str, credentials: Credentials) -> str:
    """``url`` without a trailing ``api/<version>/``, which kit adds itself; a different version is refused.

    :raises ConfigError: the URL names another API version than ``credentials.api_version``.
    """
    found = re.search(r"api/(v\d+)/$", url)
    if found is None:
        return url
    if found.group(1) != credentials.api_version:
        raise ConfigError(
            f"the URL ends in api/{found.group(1)}/ but api_version is {credentials.api_version}: give the host "
            "only (kit adds api/<version>/) and choose the version with SALTEDGE_API_VERSION"
        )
    return url[: found.start()]


def session(
    credentials: Credentials,
    base_url: str,
    *,
    verify: bool | str | None = None,
    expires_in: float = 60,
    **wiring: Unpack[Wiring],
) -> Session[None]:
    """A journaling session on ``<base>/api/<version>/``; paths like ``countries`` are relative to it."""
    versioned = f"{host_url(base_url, credentials)}api/{credentials.api_version}/"
    return Session(
        versioned,
        provider="saltedge",
        auth=SaltEdgeAuth(credentials, expires_in=expires_in),
        verify=verify,
        error_parser=error_parser,
        **wiring,
    )


SCHEME = (
    "no token: the app's secrets in headers (v3 and v5 a customer's and a login's too), an RSA signature per "
    "request (SHA-1 on v3, SHA-256 on)"
)
BUSINESS = BusinessCall("GET", "countries")
#: turns a checked live base URL into the one its session expects
live_base_url = host_url
#: what a command-line client puts in the headers where a token would go
WITHOUT_TOKEN = (
    "Salt Edge issues no token: every request carries the app's credentials in headers. In a curl line from "
    "kit.to_curl, ${SALTEDGE_CLIENT_ID} and ${SALTEDGE_APP_SECRET} (and on v3 and v5 ${SALTEDGE_CUSTOMER_SECRET} "
    "and ${SALTEDGE_LOGIN_SECRET}) are the env vars kit.connect reads. "
    "${SALTEDGE_SIGNATURE} is made for each request: base64 of an RSA signature (SHA-1 on v3, SHA-256 from v4), "
    'with the key in SALTEDGE_PRIVATE_KEY_PEM, over "Expires-at|METHOD|full URL|body"; Expires-at must be in the '
    "future, so the signed line cannot be reused. In Python, kit's saltedge session signs each request for you."
)

PROVIDER = Provider.of(__name__)
httpx_auth = PROVIDER.httpx_auth  # for httpx.Client and httpx.AsyncClient (kit[httpx])
