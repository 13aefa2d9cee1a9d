"""What a token is to kit: a :class:`CachedToken`, its lifetime checked, and the key it is cached under.

A token answer is read in one place, :func:`token_answer`: a 200 with a JSON object whose token
field is a string, the token made a :class:`~kit.secrets.Secret` before anything else touches it;
anything else is the scheme's own error. Its lifetime is checked where it is parsed:
:func:`checked_lifetime` accepts a finite number of seconds within 1 s..366 days and raises
:class:`~kit.errors.ApiError` naming the field otherwise, so ``NaN``, ``Infinity``, ``-5`` or
``1e30`` never reaches a cache; :func:`check_storable` is the caches' own last check.
:func:`cache_key` builds a key from named parts, with the secret only through a slow hash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import requests

from kit.answers import json_or_none
from kit.arguments import check_fields
from kit.bounded import number
from kit.errors import ApiError, AuthError, KitError
from kit.secrets import Secret, digest

__all__ = [
    "MAX_LIFETIME",
    "MIN_LIFETIME",
    "CachedToken",
    "KeyParts",
    "Refused",
    "cache_key",
    "check_storable",
    "checked_lifetime",
    "jwt_exp",
    "token_answer",
]

#: how a scheme words a token answer it cannot use: (the answer, its JSON body or None, what was wrong
#: with the JSON or "") -> the error to raise
Refused = Callable[[requests.Response, Any, str], KitError]

MIN_LIFETIME = 1.0
MAX_LIFETIME = 366 * 86400.0  # LoopBack clamps a requested ttl to one year; no token kit knows lives longer


_DERIVED: OrderedDict[tuple[bytes, str], str] = OrderedDict()  # (salt, keyed digest of the secret) -> PBKDF2
_DERIVED_LOCK = threading.Lock()


def _slow_hash(secret: Secret, salt: bytes) -> str:
    """PBKDF2 of the secret, computed once per secret and salt in this process (about 25 ms each).

    Remembered under a keyed digest of the secret (:func:`kit.secrets.digest`), never the secret itself.
    """
    tag = (salt, digest(secret.reveal()))
    with _DERIVED_LOCK:
        known = _DERIVED.get(tag)
        if known is not None:
            _DERIVED.move_to_end(tag)
            return known
    derived = hashlib.pbkdf2_hmac("sha256", secret.reveal().encode(), salt, 100_000).hex()
    with _DERIVED_LOCK:
        _DERIVED[tag] = derived
        while len(_DERIVED) > 256:
            _DERIVED.popitem(last=False)
    return derived


class KeyParts(NamedTuple):
    """What a token's cache key is made of; the cache makes the key (:meth:`TokenCache.key`)."""

    endpoint: str
    identity: str
    secret: Secret
    parts: dict[str, str]


def cache_key(endpoint: str, identity: str, secret: Secret, *, shared: bool = True, **parts: str) -> str:
    """A stable cache key for one client of one endpoint: the URL, who asks, a hash of the secret, and
    named parts (``scope=``, ``consumer=``, …). For a cache shared between processes (``shared``) the
    hash is slow and the same everywhere (PBKDF2, so a key in Redis does not expose the secret); for
    one process it is the process's keyed HMAC, which never leaves it."""
    salt = f"{endpoint}|{identity}".encode()
    secret_fp = _slow_hash(secret, salt) if shared else digest(salt + b"|" + secret.reveal().encode())
    named = [f"{name}={value}" for name, value in sorted(parts.items())]
    return hashlib.sha256("|".join([endpoint, identity, secret_fp, *named]).encode()).hexdigest()


def checked_lifetime(value: Any, field_name: str, *, provider: str | None = None, url: str | None = None) -> float:
    """``value`` as seconds, if it is a finite number within 1 s .. 366 days (a numeric string counts).

    :raises ApiError: naming ``field_name`` otherwise; the token that came with it must not be used.
    """
    number: float | None = None
    if not isinstance(value, bool):
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = None
    if number is None or not math.isfinite(number) or not MIN_LIFETIME <= number <= MAX_LIFETIME:
        shown = "missing" if value is None else repr(value)[:40]
        raise ApiError(
            None,
            "invalid_lifetime",
            f"the token answer's {field_name} is {shown}: kit takes a finite number of seconds within "
            f"{MIN_LIFETIME:.0f} s..{MAX_LIFETIME / 86400:.0f} days, so the token is not used",
            provider=provider,
            url=url,
        )
    return number


@dataclass(frozen=True)
class CachedToken:
    """An access token and when it expires (UNIX seconds)."""

    access_token: Secret
    expires_at: float
    token_type: str = "Bearer"
    scope: str = ""  # the OAuth2 scope the token endpoint granted ("" when it is not OAuth2)
    lifetime: float = 0.0  # the lifetime the answer gave (expires_in, ttl, exp - iat)
    issued_for: str = ""  # whom or what the token stands for, when not OAuth2 (a user model, a realm)
    subject: str = ""  # the id of the user or channel the login answer named (a userId), when it names one
    requested_scope: str = ""  # the scope that was asked for ("" when none was named)

    def __post_init__(self) -> None:
        check_fields(self)

    def expires_in(self, now: float | None = None) -> float:
        return self.expires_at - (time.time() if now is None else now)

    def to_json(self) -> str:
        return json.dumps({**dataclasses.asdict(self), "access_token": self.access_token.reveal()})

    @classmethod
    def from_json(cls, text: str | bytes) -> CachedToken:
        data = json.loads(text)
        return cls(**{**data, "access_token": Secret(data["access_token"])})


def check_storable(token: CachedToken, now: float | None = None) -> None:
    """Refuse a token a cache must not keep: its expiry is not finite, already past or too far ahead."""
    left = token.expires_in(now)
    if not math.isfinite(left) or not 0 < left <= MAX_LIFETIME + 60:
        raise KitError(f"a token whose expiry is {left!r} s away was not cached (kit keeps 0 s..366 days)")


def token_answer(response: requests.Response, field: str, what: str, refused: Refused) -> tuple[dict[str, Any], Secret]:
    """The answer's JSON object and its token (``body[field]``), as a Secret first: from here on every
    sink masks it.

    :raises KitError: ``refused(response, body, problem)`` when the answer is not a 200 with a JSON
        object whose ``field`` is a string (``body`` None and ``problem`` saying why when it is no JSON).
    """
    body, problem = json_or_none(response, what)
    if response.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get(field), str):
        raise refused(response, body, problem)
    token = Secret(body[field])  # registered before anything is said of it: no message can show it
    unusable = _unusable(token.reveal())
    if unusable:
        reason = f"{what}'s {field} {unusable}: kit does not use it"
        raise AuthError(response.status_code, "unusable_token", reason, url=response.url)
    return body, token


#: what a token may hold: visible ASCII, as RFC 6750's b64token and RFC 7235's token68 (and a LoopBack id, a JWT)
_TOKEN_TEXT = re.compile(r"[\x21-\x7e]+")


def _unusable(value: str) -> str:
    """Why ``value`` cannot be a token sent in a header or printed for a shell ("" when it can)."""
    if not value:
        return "is empty (it would be sent as a bare scheme, 'Bearer ')"
    if not _TOKEN_TEXT.fullmatch(value):
        bad = next(c for c in value if not _TOKEN_TEXT.fullmatch(c))
        return f"holds U+{ord(bad):04X}, which a header cannot carry (a token is visible ASCII)"
    return ""


def jwt_exp(token: Secret) -> tuple[float | None, dict[str, Any] | None]:
    """A JWT's ``exp`` (a number, else None) and its claims, read without verifying (None: not a JWT)."""
    import jwt  # only for a token whose answer gave no lifetime: PyJWT (and cryptography) load then

    try:
        claims = jwt.decode(token.reveal(), options={"verify_signature": False})
    except jwt.PyJWTError:
        return None, None
    return number(claims.get("exp")), claims
