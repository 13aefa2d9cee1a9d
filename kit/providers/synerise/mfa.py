"""A Synerise user's second factor: the TOTP code an authenticator app shows, and the confirmation request.

CONFIRMED (the user-login page; fact ``user-mfa``): when the login answers a non-empty ``mfaMethods``, the user
confirms with ``POST /uauth/auth/login/user/mfa/verification?mfaType=TOTP_AUTHENTICATOR``, the login's token as
Bearer and ``{"verificationCode": "<code>"}``; the answer is the login's, with the token that may select a
workspace. INFERRED (fact ``totp``): the code is RFC 6238's default TOTP (HMAC-SHA1, 6 digits, 30 s), what the
authenticator apps Synerise names compute; kit computes it with cryptography's ``TOTP``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from collections.abc import Callable

import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from kit.errors import ConfigError
from kit.providers.synerise.protocol import API_VERSION, MFA_PATH
from kit.secrets import Secret, reveal

__all__ = ["METHOD", "MfaCode", "device_id", "totp_code", "verification_request"]

METHOD = "TOTP_AUTHENTICATOR"  # the one method kit confirms (EMAIL needs a person reading the mail)
STEP = 30
#: a code to send: the six digits, or a function asked for them when the login wants them (a prompt, an app)
MfaCode = str | Callable[[], str]


def totp_code(secret: Secret | str, *, at: float | None = None, digits: int = 6) -> str:
    """The code an authenticator app shows for ``secret`` (base32, as in the QR code's ``secret=``) at ``at``.

    :raises ConfigError: the secret is not base32.
    """
    text = "".join(str(reveal(secret)).split()).upper()
    try:
        key = base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise ConfigError("the Synerise TOTP secret is not base32 (the QR code's secret=)") from None
    if not key:
        raise ConfigError("the Synerise TOTP secret is empty")
    moment = time.time() if at is None else at
    return TOTP(key, digits, hashes.SHA1(), STEP, enforce_key_length=False).generate(moment).decode()  # noqa: S303


def code_for(given: MfaCode | None, secret: Secret | None, *, now: float | None = None) -> str:
    """The code to confirm with: the one given (or what the given function returns), else the secret's TOTP.

    :raises ConfigError: neither a code nor a TOTP secret, or a code that is not six digits.
    """
    if given is None:
        if secret is None or not reveal(secret):
            raise ConfigError(
                "the Synerise user must confirm multi-factor authentication (mfaMethods: TOTP_AUTHENTICATOR): set "
                "user_totp_secret (SYNERISE_USER_TOTP_SECRET) or pass mfa_code= (the six digits, or a function "
                "returning them)"
            )
        return totp_code(secret, at=now)
    code = (given() if callable(given) else given).strip()
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        raise ConfigError("an MFA code is six digits")
    return code


def verification_request(
    base_url: str, token: Secret, code: str, device_id: str | None = None, api_version: str = API_VERSION
) -> requests.Request:
    """The confirmation of the login's ``token`` with ``code`` (on ``device_id``, trusted 8 h after), not yet sent."""
    headers = {"Authorization": f"Bearer {token.reveal()}", "Api-Version": api_version}
    body = {"verificationCode": code, **({"deviceId": device_id} if device_id else {})}
    return requests.Request("POST", base_url + MFA_PATH, params={"mfaType": METHOD}, headers=headers, json=body)


def device_id(username: str | None, given: str | None) -> str:
    """The ``deviceId`` a user's logins send: the one given, else kit's for that user on any machine (kit's choice:
    the user-login page trusts a device 8 h after its MFA, so a login again soon needs no new code)."""
    return given or "kit-" + hashlib.sha256(f"kit device|{username or ''}".encode()).hexdigest()[:20]
