"""Salt Edge's RSA keys and request signatures: a key pair for the dashboard, the signature of a request's string,
and what a signed request signed, checked the way jwt.io shows a JWT.

CONFIRMED (shared notes, section 5): ``Signature = base64(RSA PKCS#1 v1.5 over "<Expires-at>|<METHOD>|<full URL with
query>|<raw body>")``, SHA-1 on v3 and SHA-256 from v4, no newlines in the base64; the public key is pasted into the
dashboard and the private key stays with the client. Every fact's source: :mod:`kit.providers.saltedge.facts`.
"""

from __future__ import annotations

import base64
import functools
import time
from typing import TYPE_CHECKING

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kit.errors import ConfigError
from kit.providers.saltedge.protocol import DIGESTS, MAX_AHEAD, api_version_of, hash_for, signed_bytes
from kit.secrets import Secret, fingerprint, redact, reveal

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["body_of", "generate_key_pair", "public_pem", "sign", "signature_table"]


def generate_key_pair() -> tuple[Secret, str]:
    """A new RSA-2048 key pair: the private key (a Secret, keep it) and the public PEM for the dashboard."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return Secret(private, name="SALTEDGE_PRIVATE_KEY_PEM"), public


def public_pem(private_key_pem: Secret | str) -> str:
    """The public PEM of a private key you already hold (the one the dashboard has, when you go live).

    :raises ConfigError: the key is not an unencrypted RSA private key in PEM.
    """
    public = (
        _load(str(reveal(private_key_pem)))
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return public.decode()


@functools.lru_cache(maxsize=8)
def _load(pem: str) -> rsa.RSAPrivateKey:
    """Parse a PEM once (parsing costs ~30 ms; signing ~1 ms)."""
    try:
        key = serialization.load_pem_private_key(pem.encode(), None)
    except (ValueError, TypeError):
        raise ConfigError("the Salt Edge signing key is not an unencrypted PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigError("the Salt Edge signing key must be an RSA private key")
    return key


def sign(private_key_pem: Secret | str, text: str | bytes, *, api_version: str = "v6") -> str:
    """base64 (no newlines) of RSA PKCS#1 v1.5 over ``text`` (a str: its UTF-8 bytes), with the digest
    ``api_version`` signs with: SHA-1 for v3, SHA-256 from v4 on (``protocol.DIGESTS``)."""
    key = _load(str(reveal(private_key_pem)))
    data = text if isinstance(text, bytes) else text.encode()
    return base64.b64encode(key.sign(data, padding.PKCS1v15(), hash_for(api_version))).decode()


def signature_table(
    request: requests.PreparedRequest, public_key_pem: str, *, now: float | None = None
) -> pd.DataFrame:
    """What was signed and whether the signature holds, the way jwt.io shows a JWT: one row per part."""
    from kit.tables import Table

    expires = str(request.headers.get("Expires-at", ""))
    signature = str(request.headers.get("Signature", ""))
    signed = signed_bytes(expires, request.method or "", request.url or "", body_of(request))
    key = serialization.load_pem_public_key(public_key_pem.encode())
    version = api_version_of(request.url or "")
    verdict = "not signed"
    if signature and isinstance(key, rsa.RSAPublicKey):
        try:
            key.verify(base64.b64decode(signature), signed, padding.PKCS1v15(), hash_for(version))
            verdict = "ok"
        except (InvalidSignature, ValueError):
            verdict = "signature does not match"
    moment = time.time() if now is None else now
    ahead = float(expires) - moment if expires else 0.0
    timing = "" if not expires else ("expired" if ahead < 0 else "more than 1 h ahead" if ahead > MAX_AHEAD else "ok")
    rows = [
        ("Expires-at", expires, timing),
        ("method", request.method or "", ""),
        ("url", redact(request.url or ""), ""),
        ("body", redact(_text(body_of(request))), ""),
        ("signed string", redact(signed.decode("utf-8", "replace")), ""),
        ("digest", f"RSA PKCS#1 v1.5 with {DIGESTS[version]}", f"what {version} signs with"),
        ("Signature", f"fp={fingerprint(signature)}" if signature else "", verdict),
    ]
    return Table(rows, columns=["part", "value", "check"])


def body_of(request: requests.PreparedRequest) -> bytes | str | None:
    """The bytes (or text) a prepared request sends, None for a streamed body."""
    return request.body if isinstance(request.body, (bytes, str)) else None


def _text(body: bytes | str | None) -> str:
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
