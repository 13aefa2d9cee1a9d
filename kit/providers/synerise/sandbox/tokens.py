"""Synerise's tokens as the sandbox keeps them: one RS512 key, minting, and checking with the server's clock.

CONFIRMED: RS512. INFERRED: an expired token is 401 with ``error`` exactly ``"Token expired."`` (the
official Magento plugin's check; the ``expired_status`` setting answers it 403, which the docs allow). The
claim names (see :mod:`kit.providers.synerise.sandbox`), Spring Security's 401 message without a token, and a
server clock that can be set ahead of the clients' (the ``clock_ahead`` setting) for showing expiry.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from werkzeug.wrappers import Request

from kit.providers.synerise.spring import UNAUTHENTICATED, Refused
from kit.sandbox.keys import new_key

__all__ = ["Tokens"]


class Tokens:
    """Mints and verifies the sandbox's tokens; ``settings`` is the emulator's (lifetime, clock_ahead)."""

    def __init__(self, settings: dict[str, Any], *, workspace: int, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.clock = clock
        self.workspace = workspace
        self.key = new_key()
        self.minted = 0

    def public_key_pem(self) -> str:
        public = self.key.public_key()
        return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def rotate(self) -> str:
        """Sign with a new key from now on; tokens of the old one are refused."""
        self.key = new_key()
        return "synerise-key"

    def mint(self, realm: str, sub: str, **extra: Any) -> str:
        now = self.clock()
        claims = {
            "sub": sub,
            "realm": realm,
            "origin": "SYNERISE",  # the identity provider that vouched for the consumer
            "ctd": int(now * 1000),
            **({"bpid": None} if realm == "user" else {}),  # only a user token names a workspace (documented)
            "iat": int(now),
            "exp": int(now) + self.settings["lifetime"],
            **extra,
        }
        self.minted += 1
        return jwt.encode(claims, self.key, algorithm="RS512")

    def verify(self, request: Request) -> dict[str, Any]:
        """The claims of the request's bearer token, or a Refused as Synerise (and Spring) answer."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Refused(401, UNAUTHENTICATED)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self.key.public_key(),
                algorithms=["RS512"],
                options={"require": ["exp"], "verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
            now = (
                self.clock() + self.settings["clock_ahead"]
            )  # PyJWT cannot shift its clock: its time checks are made here
            if any(isinstance(claims.get(c), (int, float)) and claims[c] > now for c in ("iat", "nbf")):
                raise jwt.ImmatureSignatureError("issued in the server's future")
            if not isinstance(claims["exp"], (int, float)):
                raise jwt.InvalidTokenError("exp is not a number")
            if claims["exp"] <= now:
                raise jwt.ExpiredSignatureError("expired for the server's clock")
        except jwt.ExpiredSignatureError:
            raise Refused(self.settings["expired_status"], "Token expired.", "Token expired.") from None
        except jwt.PyJWTError:
            raise Refused(401, "Invalid token") from None
        return claims
