"""Salt Edge on the wire (CONFIRMED, shared notes section 5): header names per version, signature rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from cryptography.hazmat.primitives import hashes

#: where the live API is (what <PROVIDER>_URL is set to)
LIVE_URL = "https://www.saltedge.com/"


class Headers(NamedTuple):
    """The names of the secret headers of one API version."""

    app_id: str
    app_secret: str
    customer_secret: str
    login_secret: str  # v5/v6 call a login a connection


HEADERS = {
    "v3": Headers("Client-id", "App-secret", "Customer-secret", "Login-secret"),
    "v5": Headers("App-id", "Secret", "Customer-secret", "Connection-secret"),
    "v6": Headers("App-id", "Secret", "Customer-secret", "Connection-secret"),
}
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
    ("POST", "connect_sessions"): ("customer",),
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


def layers(method: str, path: str) -> tuple[str, ...] | None:
    """The layers (``customer``, ``login``) the endpoint ``method path`` needs; None when kit does not know."""
    word = path.strip("/").split("/", 1)[0].split("?", 1)[0]
    return LAYERS.get((method.upper(), word))
