"""The Synerise sandbox's users: the login, the multi-factor confirmation, the selection of a workspace.

CONFIRMED (the user-login page, the IAM reference): ``POST /uauth/auth/login/user {username, password}`` answers
``{token, consumer, mfaMethods}``; when ``mfaMethods`` is not empty the user confirms with ``POST
/uauth/auth/login/user/mfa/verification?mfaType=TOTP_AUTHENTICATOR``, the login's token as Bearer and
``{"verificationCode"}``, and gets the same answer; only then selects a workspace; the device it confirmed on (the
``deviceId`` sent) needs no code for 8 hours; two-factor authentication is
mandatory for every Synerise user (the account-security page). The demo user has a TOTP authenticator (RFC 6238:
HMAC-SHA1, 6 digits, 30 s steps, checked with cryptography's ``TOTP``); the ``user_mfa`` setting turns it off.

INFERRED: a wrong code is 401 "Invalid verification code"; a code accepted once is refused when sent again (RFC
6238 §5.2: the verifier must not accept the second attempt of the same OTP); one step back is accepted for a code
typed at a step's end (RFC 6238 §5.2's recommended network-delay allowance); a token not yet confirmed selecting
a workspace is 403; ``EMAIL`` is 400 here (the sandbox sends no e-mail); the confirmed answer lists no
``mfaMethods``. kit's path: the workspace selection (Synerise documents the step, not its path, in what kit holds).
"""

from __future__ import annotations

import base64
import binascii
import threading
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.twofactor import InvalidToken
from cryptography.hazmat.primitives.twofactor.totp import TOTP
from werkzeug.wrappers import Request, Response

from kit.errors import ConfigError
from kit.providers.synerise.protocol import MFA_TYPES, TRUSTED_FOR
from kit.providers.synerise.sandbox.tokens import Tokens
from kit.providers.synerise.spring import Refused, json_object
from kit.sandbox.base import json_response

__all__ = ["STEP", "Users"]

STEP = 30  # seconds a TOTP code lives (RFC 6238's default)
_METHOD = "TOTP_AUTHENTICATOR"


class Users:
    """The emulator's part answering the user's login, its MFA confirmation and its workspace selection."""

    def __init__(
        self, tokens: Tokens, settings: dict[str, Any], credentials: dict[str, str], *, workspace: int
    ) -> None:
        self.tokens = tokens
        self.settings = settings
        self.credentials = credentials
        self.workspace = workspace
        self._used: set[tuple[int, str]] = set()  # (time step, code): each accepted once
        self._trusted: dict[str, float] = {}  # deviceId -> until when it needs no code
        secret = credentials["user_totp_secret"]
        try:
            self._totp = TOTP(base64.b32decode(secret + "=" * (-len(secret) % 8)), 6, hashes.SHA1(), STEP)  # noqa: S303
        except (binascii.Error, ValueError):
            raise ConfigError("the synerise sandbox's user_totp_secret must be base32 of at least 16 bytes") from None
        self._lock = threading.Lock()

    def _answer(self, token: str, methods: list[str]) -> Response:
        name = self.credentials["user_username"]
        consumer: dict[str, Any] = {"type": "USER", "businessProfileId": None, "name": name, "id": 7}
        consumer.update(authorities=[], roles=[])  # no workspace selected: no permissions, no roles
        return json_response({"token": token, "consumer": consumer, "mfaMethods": methods})

    def login(self, request: Request) -> Response:
        body = json_object(request)
        if (
            body.get("username") != self.credentials["user_username"]
            or body.get("password") != self.credentials["user_password"]
        ):
            raise Refused(401, "Bad credentials")
        device = body.get("deviceId")
        trusted = isinstance(device, str) and self._trusted.get(device, 0) > self.tokens.clock()
        if self.settings["user_mfa"] and not trusted:  # confirmed only once the code is
            return self._answer(self.tokens.mint("user", "user-7", mfa="pending"), [_METHOD])
        return self._answer(self.tokens.mint("user", "user-7"), [])

    def verify_mfa(self, request: Request) -> Response:
        claims = self.tokens.verify(request)
        if claims["realm"] != "user":
            raise Refused(403, f"Only a user confirms multi-factor authentication, not a {claims['realm']} token")
        kind = request.args.get("mfaType", "")
        if kind not in MFA_TYPES:
            allowed = "one of " + ", ".join(MFA_TYPES)
            field = {"code": 400, "field": "mfaType", "message": allowed, "rejectedValue": kind}
            raise Refused(400, "Validation failed", errors=[field])
        if kind != _METHOD:
            raise Refused(400, f"{kind} is not set up for this user")
        body = json_object(request)
        code = body.get("verificationCode")
        if not isinstance(code, str) or not (code.isascii() and code.isdigit()) or len(code) != 6:
            field = {"code": 400, "field": "verificationCode", "message": "six digits", "rejectedValue": str(code)[:12]}
            raise Refused(400, "Validation failed", errors=[field])
        self._check(code)
        if isinstance(body.get("deviceId"), str) and body["deviceId"]:
            with self._lock:
                self._trusted[body["deviceId"]] = self.tokens.clock() + TRUSTED_FOR
        return self._answer(self.tokens.mint("user", claims["sub"]), [])

    def _check(self, code: str) -> None:
        """Nothing for a code of this step or the one before, not used yet; 401 otherwise."""
        totp = self._totp
        now = self.tokens.clock()
        for step in (int(now // STEP), int(now // STEP) - 1):
            try:
                totp.verify(code.encode(), step * STEP)
            except InvalidToken:
                continue
            with self._lock:
                if (step, code) in self._used:
                    raise Refused(401, "Verification code already used")
                self._used.add((step, code))
            return
        raise Refused(401, "Invalid verification code")

    def select_workspace(self, request: Request) -> Response:
        """kit's path for the documented step: a user's token for one workspace, with its permissions."""
        claims = self.tokens.verify(request)
        if claims["realm"] != "user":
            raise Refused(403, f"Only a user selects a workspace, not a {claims['realm']} token")
        if claims.get("mfa") == "pending":
            raise Refused(403, "Confirm multi-factor authentication first")
        wanted = request.path.rstrip("/").rsplit("/", 1)[-1]
        if wanted != str(self.workspace):
            raise Refused(403, f"The user has no access to workspace {wanted}")
        permissions = list(self.settings["user_permissions"])
        token = self.tokens.mint("user", claims["sub"], bpid=self.workspace, permissions=permissions)
        return json_response({"token": token})
