"""How an ASP.NET Core API with JwtBearer answers a bearer token: the framework a sandbox infers from.

Where a provider documents only the token it expects, the answers to a bad one follow ASP.NET
Core's JwtBearer handler (INFERRED, and said so by each sandbox that uses this): 401 with
``WWW-Authenticate: Bearer`` when there is no bearer token, and 401 with ``Bearer error="invalid_token"``
when it is refused, checks in the order signature, lifetime (with clock skew), audience, issuer, required
claims; the body of either is empty (``JwtBearerHandler.HandleChallengeAsync`` writes the status and the
header only, and aspnetcore's ``JwtBearerTests`` assert an empty response text). An ``error_description`` is
added only for the failures ``CreateErrorDescription`` names: a bad signature, a lifetime (expired, not yet
valid, no expiration), an audience, an issuer; a malformed token, another algorithm or a missing claim get
none. A time claim outside the years 1..9999 (.NET's DateTime range) is refused as ``invalid_token`` too,
never a server error. A request body's
properties are bound to the model's types (:func:`bound`): a value of another JSON type is 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jwt
from werkzeug.wrappers import Request

from kit.claims import utc

__all__ = ["Refusal", "bearer_token", "bound", "validate"]

_EARLIEST = -62_135_596_800  # 0001-01-01 and 9999-12-31, UTC
_LATEST = 253_402_300_799


class Refusal(Exception):
    """An answer other than success: status, message, and the challenge to send (if any). A refusal with a
    challenge is JwtBearer's: its answer has no body (the message is for the sandbox's log and tests)."""

    def __init__(self, status: int, message: str, challenge: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.challenge = challenge


def _invalid(why: str, description: str | None = None) -> Refusal:
    """401 ``invalid_token``; ``description`` only where JwtBearer's ``CreateErrorDescription`` gives one."""
    said = f', error_description="{description}"' if description else ""
    return Refusal(401, description or why, f'Bearer error="invalid_token"{said}')


def bearer_token(request: Request) -> str:
    """The token of ``Authorization: Bearer <token>``; a 401 with a bare ``Bearer`` challenge otherwise."""
    header = request.headers.get("Authorization", "")
    if not header:
        raise Refusal(401, "Authorization header missing", "Bearer")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refusal(401, "Authorization scheme must be Bearer", "Bearer")
    return token.strip()


def validate(
    token: str, key: bytes, *, algorithms: list[str], audience: str, issuer: str, leeway: int, required: list[str]
) -> dict[str, Any]:
    """The token's claims, or a Refusal worded as JwtBearer words it."""
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
        for claim in ("exp", "nbf", "iat"):  # .NET dates run from year 1 to 9999; a time beyond is no time
            value = unverified.get(claim)
            if isinstance(value, (int, float)) and not _EARLIEST <= value <= _LATEST:
                raise _invalid(f"The '{claim}' claim is out of range")  # .NET: ArgumentOutOfRange, no description
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            options={"require": required},
        )
    except jwt.InvalidAlgorithmError:
        raise _invalid(f"The signature algorithm '{_alg(token)}' is not allowed") from None
    except jwt.InvalidSignatureError:
        raise _invalid("", "The signature is invalid") from None
    except jwt.ExpiredSignatureError:
        raise _invalid("", f"The token expired at '{_when(unverified['exp'])}'") from None
    except jwt.ImmatureSignatureError:
        raise _invalid("", f"The token is not valid before '{_when(unverified['nbf'])}'") from None
    except jwt.InvalidAudienceError:
        raise _invalid("", f"The audience '{unverified.get('aud')}' is invalid") from None
    except jwt.InvalidIssuerError:
        raise _invalid("", f"The issuer '{unverified.get('iss')}' is invalid") from None
    except jwt.MissingRequiredClaimError as exc:
        if exc.claim == "exp":
            raise _invalid("", "The token has no expiration") from None
        raise _invalid(f"The token has no '{exc.claim}' claim") from None
    except jwt.PyJWTError:
        raise _invalid("The token is malformed") from None
    return claims


def _when(value: Any) -> str:
    try:
        return utc(value)
    except (TypeError, ValueError, OverflowError, OSError):
        return str(value)[:40]


def _alg(token: str) -> str:
    try:
        return str(jwt.get_unverified_header(token).get("alg"))
    except jwt.PyJWTError:
        return "?"


#: .NET's name for each JSON type a model property may have (System.Text.Json's refusal names it)
_DOTNET = {str: "System.String", bool: "System.Boolean", list: "System.Collections.Generic.List", dict: "System.Object"}


def bound(body: dict[str, Any], types: Mapping[str, type]) -> None:
    """Model binding (System.Text.Json): each named property, when present and not null, has its type;
    a 400 :class:`Refusal` naming the first that does not (``bool`` is no number, a number no string)."""
    for name, kind in types.items():
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, kind) or (isinstance(value, list) and not all(isinstance(i, dict) for i in value)):
            raise Refusal(400, f"The JSON value could not be converted to {_DOTNET[kind]}. Path: $.{name}")
