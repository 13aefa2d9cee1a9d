"""Salt Edge on the wire (CONFIRMED, shared notes section 5): header names per version, signature rules."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from cryptography.hazmat.primitives import hashes

#: where the live API is (what <PROVIDER>_URL is set to)
LIVE_URL = "https://www.saltedge.com/"


class Headers(NamedTuple):
    """The names of the secret headers of one API version (None: the version has no such layer)."""

    app_id: str
    app_secret: str
    customer_secret: str | None
    login_secret: str | None  # v5 calls a login a connection

    def names(self) -> tuple[str, ...]:
        """The header names this version sends, without the layers it does not have."""
        return tuple(name for name in self if name is not None)


#: v3 as its authentication page; v5 as the mobile SDKs and Before going live (an "App" key: the customer's and the
#: connection's secrets in headers; a "Service" key needs neither, the customer_id goes in the body); v6 as the
#: official examples (node/saltedge.js): the app's two headers and the signature, nothing else
HEADERS = {
    "v3": Headers("Client-id", "App-secret", "Customer-secret", "Login-secret"),
    "v5": Headers("App-id", "Secret", "Customer-secret", "Connection-secret"),
    "v6": Headers("App-id", "Secret", None, None),
}
#: the version a new learner starts with (the official examples' latest); v3 is the seed page's
DEFAULT_VERSION = "v6"
#: where a version opens a connect session for a customer named by ``customer_id`` in the body (the official
#: examples: v5 branch node/saltedge.js, master node/saltedge.js); v3 makes a login directly (``POST login``)
CONNECT = {"v5": "connect_sessions/create", "v6": "connections/connect"}
MAX_AHEAD = 3600  # Expires-at at most one hour ahead
#: the digest each version signs with (RSA PKCS#1 v1.5): v3, the API of 2017, SHA-1 (the official examples of
#: that era, ruby/signature.rb and ruby/saltedge.rb, sign with OpenSSL::Digest::SHA1); v4 onward SHA-256
DIGESTS = {"v3": "SHA-1", "v5": "SHA-256", "v6": "SHA-256"}


def hash_for(api_version: str) -> hashes.HashAlgorithm:
    """The cryptography hash a version signs with (:data:`DIGESTS`)."""
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA1() if DIGESTS.get(api_version) == "SHA-1" else hashes.SHA256()  # noqa: S303 (Salt Edge v3)


def signed_bytes(expires_at: str, method: str, url: str, body: bytes | str | None) -> bytes:
    """``"<Expires-at>|<METHOD>|<full URL>|<raw body>"``, what Salt Edge signs: the body's bytes as sent
    (a body that is not UTF-8 is signed as it is, never decoded)."""
    raw = body if isinstance(body, bytes) else (body or "").encode("utf-8")
    return f"{expires_at}|{method.upper()}|{url}|".encode() + raw


def signature_string(expires_at: str, method: str, url: str, body: bytes | str | None) -> str:
    """:func:`signed_bytes` as text, to show (bytes that are not UTF-8 as U+FFFD)."""
    return signed_bytes(expires_at, method, url, body).decode("utf-8", "replace")


#: the secret layers beyond the app's that an endpoint needs, by (method, first path word); CONFIRMED:
#: countries app only, creating logins/connections the customer's; INFERRED: a login's own routes take
#: both (Salt Edge's iOS SDK sends both); an endpoint not listed gets every layer the caller holds
LAYERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "countries"): (),
    ("GET", "providers"): (),
    ("GET", "rates"): (),
    ("POST", "customers"): (),
    ("GET", "customers"): (),
    ("POST", "login"): ("customer",),
    ("POST", "connections"): ("customer",),
    ("POST", "connect_sessions"): ("customer",),  # an App key's; a Service key names customer_id in the body
    ("POST", "tokens"): ("customer",),
    ("POST", "oauth_providers"): ("customer",),
    ("GET", "login"): ("customer", "login"),
    ("DELETE", "login"): ("customer", "login"),
    ("PUT", "login"): ("customer", "login"),
    ("GET", "connection"): ("customer", "login"),
    ("DELETE", "connection"): ("customer", "login"),
    ("PUT", "connection"): ("customer", "login"),
    ("GET", "accounts"): ("customer", "login"),
    ("GET", "transactions"): ("customer", "login"),
}


def layers(method: str, path: str, version: str = "v3") -> tuple[str, ...] | None:
    """The layers (``customer``, ``login``) the endpoint ``method path`` of ``version`` needs; None when kit does
    not know. v6 has none: the official examples send the app's headers alone."""
    if HEADERS[version].customer_secret is None:
        return ()
    word = path.strip("/").split("/", 1)[0].split("?", 1)[0]
    return LAYERS.get((method.upper(), word))


_VERSION = re.compile(r"/api/(v\d+)/")


def api_version_of(url: str) -> str:
    """The API version a Salt Edge URL names (``…/api/v3/…``); v6 when it names none kit knows."""
    found = _VERSION.search(url)
    return found.group(1) if found is not None and found.group(1) in HEADERS else "v6"
