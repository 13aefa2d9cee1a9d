"""Salt Edge's callbacks, the other direction: Salt Edge signs what it sends you, and you verify it.

A callback (a connection's success, failure or notify) is a POST to the callback URL set in the dashboard,
with a ``Signature`` header: base64 of RSA PKCS#1 v1.5 with SHA-256 over ``"<callback URL>|<raw body>"``,
made with Salt Edge's own private key; the receiver verifies it with Salt Edge's public key (the official
examples ship it as ``spectre_public.pem``). INFERRED from those examples (fact ``callback-signed``):
``node/saltedge.js`` ``verifySignature``, ``ruby/callback_server/app.rb``. :func:`verify_callback` never raises on
what a sender put in the header: a signature that is not base64, or made with another key, another digest or
over other bytes, is False.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kit.errors import ConfigError
from kit.secrets import Secret, reveal

__all__ = ["callback_check", "callback_string", "sign_callback", "verify_callback"]


def callback_string(callback_url: str, body: bytes | str) -> bytes:
    """``"<callback URL>|<raw body>"``, the bytes Salt Edge signs (the body as received, never re-encoded)."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    return f"{callback_url}|".encode() + raw


def _public(public_key_pem: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode())
    except (ValueError, TypeError):
        raise ConfigError("Salt Edge's public key is not a PEM public key") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ConfigError("Salt Edge's public key must be an RSA key")
    return key


def verify_callback(signature: str | None, callback_url: str, body: bytes | str, public_key_pem: str) -> bool:
    """Whether ``signature`` (the callback's ``Signature`` header) is Salt Edge's over ``callback_url`` and ``body``.

    :param callback_url: the URL as set in the dashboard (what Salt Edge signs, not how a proxy rewrote it).
    :raises ConfigError: ``public_key_pem`` is not an RSA public key (a mistake of yours, not the sender's).
    """
    key = _public(public_key_pem)
    if not signature:
        return False
    try:
        raw = base64.b64decode(signature, validate=True)
        key.verify(raw, callback_string(callback_url, body), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def sign_callback(private_key_pem: Secret | str, callback_url: str, body: bytes | str) -> str:
    """What Salt Edge's side does (a sandbox plays it): the ``Signature`` header for a callback.

    :raises ConfigError: the key is not an unencrypted RSA private key in PEM.
    """
    try:
        key = serialization.load_pem_private_key(str(reveal(private_key_pem)).encode(), None)
    except (ValueError, TypeError):
        raise ConfigError("the signing key is not an unencrypted PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigError("the signing key must be an RSA private key")
    signed = key.sign(callback_string(callback_url, body), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signed).decode()


def callback_check(public_key_pem: str) -> Callable[[str, Mapping[str, str], bytes], str]:
    """A :class:`kit.WebhookReceiver` ``check``: ``match`` when a delivery's ``Signature`` is Salt Edge's over the
    receiver's URL and the raw body, ``mismatch`` when not, ``missing`` without one."""
    _public(public_key_pem)  # a bad key is refused now, not at the first delivery

    def check(url: str, headers: Mapping[str, str], body: bytes) -> str:
        signature = headers.get("Signature")
        if not signature:
            return "missing"
        return "match" if verify_callback(signature, url, body, public_key_pem) else "mismatch"

    return check
