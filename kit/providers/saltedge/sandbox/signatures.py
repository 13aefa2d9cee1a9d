"""How the Salt Edge sandbox checks a request signature: the URL as sent, decimal Expires-at, RSA with the
version's digest.

CONFIRMED: ``Signature = base64(RSA PKCS#1 v1.5 SHA-256 over "<Expires-at>|<METHOD>|<full URL>|<body>")``
for v4 and later (:func:`kit.providers.saltedge.protocol.signature_string`); v3 signs the same four fields with
SHA-1, as the official examples of that era do (``ruby/saltedge.rb@4a8eb56``, ``ruby/signature.rb@e2b89bf``;
the older guide shows a five-field string with a file's MD5, which no example sends), verified with the public
key pasted into the dashboard; live clients must
sign; for other statuses a request without the ``Signature`` header is performed without validation
(an ``Expires-at`` sent alone changes nothing), and a sent ``Signature`` is verified; ``Expires-at`` more than 1 h ahead
is ``ExpiresAtInvalid``; the signature classes. INFERRED: the URL signed is the URL as sent (scheme,
Host, raw request target, percent-encoding kept), since a client can only sign what it sends; anything
but decimal UNIX seconds in ``Expires-at`` (nan, inf, hex, empty) is ``ExpiresAtInvalid``.
"""

from __future__ import annotations

import base64
import binascii
import re
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from werkzeug.wrappers import Request

from kit.providers.saltedge.protocol import MAX_AHEAD, hash_for, signed_bytes

__all__ = ["Refused", "check_signature", "sent_url"]

_SECONDS = re.compile(r"\d{1,11}(\.\d{1,9})?")  # decimal UNIX seconds, nothing else


class Refused(Exception):
    """An error answer: the Salt Edge error class and its message."""

    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.message = message


def sent_url(request: Request) -> str:
    """The URL exactly as the client sent it: scheme, Host header and the raw request target.

    Not werkzeug's ``request.url``, which decodes ``%40`` and re-encodes its own way: a client
    signs the bytes it sends, so the check must use those.
    """
    target = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    if target.startswith(("http://", "https://")):  # absolute-form, as sent to a proxy
        return str(target)
    return f"{request.scheme}://{request.host}{target}"


def check_signature(request: Request, public_key: rsa.RSAPublicKey, *, required: bool, version: str) -> None:
    """Nothing when the request is signed right (or need not be and is not); a Refused otherwise."""
    expires = request.headers.get("Expires-at")
    signature = request.headers.get("Signature")
    if not required and signature is None:  # the docs: no Signature header, no validation (Expires-at or not)
        return
    if expires is None:
        raise Refused("MissingExpiresAt", "Expires-at header is missing")
    if not signature:
        raise Refused("MissingSignature", "Signature header is missing")
    if not _SECONDS.fullmatch(expires):  # nan, inf, hex, empty: not a finite number of seconds
        raise Refused("ExpiresAtInvalid", "Expires-at must be UNIX seconds")
    when = float(expires)
    if when > time.time() + MAX_AHEAD:
        raise Refused("ExpiresAtInvalid", "Expires-at is more than 1 hour ahead")
    if when < time.time():
        raise Refused("RequestExpired", "Expires-at is in the past")
    signed = signed_bytes(expires, request.method, sent_url(request), request.get_data())
    try:
        public_key.verify(base64.b64decode(signature, validate=True), signed, padding.PKCS1v15(), hash_for(version))
    except (InvalidSignature, binascii.Error, ValueError):
        raise Refused("SignatureNotMatch", "The signature does not match the request") from None
