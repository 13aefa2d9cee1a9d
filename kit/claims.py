"""JWT claims tables: what a token says, what each field means, and whether it holds.

:func:`claims` returns one row per header field and claim, plus a ``signature`` row. Decoding
and signature checks go through PyJWT with the algorithms pinned (never ``none``); the time
checks are done here against ``now`` so a table can be computed for any instant (PyJWT always
uses the current clock and stops at the first failure, while a table wants every verdict).
Without a key the signature row says UNVERIFIED. Tokens and signatures are never shown whole:
the signature row carries a fingerprint.
"""

from __future__ import annotations

import json
import math
import time
import warnings
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kit.arguments import checked
from kit.errors import ConfigError
from kit.meanings import meaning
from kit.secrets import Secret, fingerprint, redact

if TYPE_CHECKING:  # loaded where used, so that importing this module stays light
    import pandas as pd


__all__ = ["claims", "claims_diff", "opaque", "relative", "utc"]

COLUMNS = ["part", "name", "value", "meaning", "source", "utc", "relative", "check"]
TIME_CLAIMS = ("exp", "nbf", "iat", "auth_time")
UNVERIFIED = "UNVERIFIED"
_MIN_HMAC = {"HS256": 32, "HS384": 48, "HS512": 64}
#: the instants a time claim can name that a calendar shows (years 1..9999, as datetime has them)
_EARLIEST, _LATEST = -62_135_596_800, 253_402_300_799
UNREADABLE_TIME = "not a time kit can read (NaN, infinite, or beyond the years 1..9999)"


def instant(value: Any) -> float | None:
    """``value`` as UNIX seconds when it is a number (not a bool) naming a calendar instant; else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not (math.isfinite(value) and _EARLIEST <= value <= _LATEST):
        return None
    return float(value)


def utc(epoch: float) -> str:
    """``2026-11-22T22:14:23Z`` for a UNIX time."""
    return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def relative(epoch: float, now: float) -> str:
    """``in 4 min 10 s``, ``2 min ago`` or ``now``, in whole seconds (both times truncated)."""
    delta = int(epoch) - int(now)
    if delta == 0:
        return "now"
    size = abs(delta)
    parts = [(size // 86400, "d"), (size % 86400 // 3600, "h"), (size % 3600 // 60, "min"), (size % 60, "s")]
    text = " ".join(f"{n} {unit}" for n, unit in parts if n)
    return f"in {text}" if delta > 0 else f"{text} ago"


def _default_algorithms(key: Any) -> list[str]:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if isinstance(key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        return ["RS256"]
    if isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)):
        return ["ES256"]
    if isinstance(key, (ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey)):
        return ["EdDSA"]
    if isinstance(key, str) and key.lstrip().startswith("-----BEGIN"):
        return ["RS256"]
    return ["HS256"]


def _key_material(key: Any) -> Any:
    return key.reveal().encode() if isinstance(key, Secret) else key


def _render(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _signature_check(token: str, key: Any, algorithms: list[str], alg: str) -> str:
    import jwt

    if key is None:
        return UNVERIFIED
    if alg.lower() == "none" or alg not in algorithms:
        return "alg not allowed"
    material = _key_material(key)
    if isinstance(material, str) and alg.startswith("HS"):
        material = material.encode()
    if isinstance(material, bytes) and alg in _MIN_HMAC and len(material) < _MIN_HMAC[alg]:
        return f"HS key shorter than {_MIN_HMAC[alg]} bytes"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            jwt.decode(
                token,
                material,
                algorithms=algorithms,
                options={
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                    "verify_iss": False,
                    "verify_jti": False,
                    "verify_sub": False,
                },
            )
    except jwt.InvalidAlgorithmError:
        return "alg not allowed"
    except jwt.InvalidSignatureError:
        return "signature invalid"
    except (jwt.InvalidKeyError, ValueError, TypeError, OverflowError):
        return "key does not fit alg"
    return "ok"


def _claim_check(
    name: str, value: Any, now: float, leeway: float, audience: str | list[str] | None, issuer: str | list[str] | None
) -> str:
    if name in TIME_CLAIMS and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return "not a number"
    if name in TIME_CLAIMS and instant(value) is None:
        return UNREADABLE_TIME
    if name == "exp":
        return "expired" if value <= now - leeway else "ok"
    if name == "nbf":
        return "not yet valid" if value > now + leeway else "ok"
    if name == "iat":
        return "issued in the future" if value > now + leeway else "ok"
    if name == "aud" and audience is not None:
        if not (isinstance(value, str) or isinstance(value, list) and all(isinstance(v, str) for v in value)):
            return "not a string or a list of strings (RFC 7519 4.1.3)"
        wanted = {audience} if isinstance(audience, str) else set(audience)
        got = {value} if isinstance(value, str) else set(value)
        return "ok" if wanted & got else "audience mismatch"
    if name == "iss" and issuer is not None:
        allowed = [issuer] if isinstance(issuer, str) else issuer
        return "ok" if value in allowed else "issuer mismatch"
    return ""


def _decode(token: str | Secret) -> tuple[str, dict[str, Any], dict[str, Any]]:
    import jwt

    raw = token.reveal() if isinstance(token, Secret) else token
    if not isinstance(raw, str) or raw.count(".") != 2:
        raise ConfigError("not a JWT: expected three base64url parts separated by dots")
    try:
        header = jwt.get_unverified_header(raw)
        payload = jwt.decode(raw, options={"verify_signature": False})
    except jwt.DecodeError as exc:
        raise ConfigError(f"not a JWT: {exc}") from None
    return raw, header, payload


@checked
def claims(
    token: str | Secret,
    key: Any = None,
    *,
    algorithms: list[str] | None = None,
    audience: str | list[str] | None = None,
    issuer: str | list[str] | None = None,
    leeway: float = 0,
    now: float | str | None = None,
    provider: str | None = None,
) -> pd.DataFrame:
    """One row per header field and claim, with its meaning, time and check verdict.

    :param key: HMAC secret (str, bytes or Secret) or public key; without one the token is UNVERIFIED.
    :param algorithms: allowed algorithms; by default pinned by the key's type (HMAC → HS256,
        RSA → RS256, EC → ES256, Ed25519 → EdDSA). ``none`` is never allowed.
    :param now: the instant to check against (UNIX seconds); ``"iat"`` checks as of the token's
        issue, which makes the table the same on every run; default: the current time.
    :param provider: whose token it is: its own claims' meanings and their sources (``source``) show.

    An opaque token (no dots: RFC 6749's general model, what many OAuth2 servers issue) has nothing
    to read: its table is one row saying so, never a failure.

    :raises ConfigError: when the token looks like a JWT (it has dots) and is not one.
    """
    from kit.tables import Table

    plain = token.reveal() if isinstance(token, Secret) else token
    if isinstance(plain, str) and plain and "." not in plain:
        return opaque(plain)
    raw, header, payload = _decode(token)
    if now == "iat":
        issued = instant(payload.get("iat"))
        if issued is None:
            raise ConfigError(f"now='iat' needs a token whose iat claim is a time (its iat is {UNREADABLE_TIME})")
        now = issued
    now = time.time() if now is None else float(now)
    allowed = [a for a in (algorithms or _default_algorithms(_key_material(key))) if a.lower() != "none"]
    alg = str(header.get("alg", ""))
    rows: list[dict[str, str]] = []
    for part, fields in (("header", header), ("payload", payload)):
        for name, value in fields.items():
            is_time = name in TIME_CLAIMS and instant(value) is not None
            if part == "header":
                check = (
                    ("ok" if alg in allowed and alg.lower() != "none" else "alg not allowed") if name == "alg" else ""
                )
            else:
                check = _claim_check(name, value, now, leeway, audience, issuer)
            said, source = meaning(provider, part, name)
            rows.append(
                {
                    "part": part,
                    "name": name,
                    "value": _render(redact(value, key=name)),
                    "meaning": said,
                    "source": source,
                    "utc": utc(value) if is_time else "",
                    "relative": relative(value, now) if is_time else "",
                    "check": check,
                }
            )
    signature = raw.rsplit(".", 1)[1]
    rows.append(
        {
            "part": "signature",
            "name": "signature",
            "value": f"fp={fingerprint(signature)}" if signature else "(empty)",
            "meaning": meaning(None, "signature", "signature")[0],
            "source": "",
            "utc": "",
            "relative": "",
            "check": _signature_check(raw, key, allowed, alg),
        }
    )
    table = Table(rows, columns=COLUMNS)
    verdicts = [c for c in table["check"] if c]
    table.attrs["verified"] = key is not None and all(c == "ok" for c in verdicts)
    table.attrs["token"] = f"fp={fingerprint(raw)}"
    return table


def opaque(token: str) -> pd.DataFrame:
    """The claims table of an opaque token: one row, nothing to read."""
    from kit.tables import Table

    row = {name: "" for name in COLUMNS}
    meaning = "nothing to read: only its issuer knows what it grants (RFC 7662 introspection, if offered)"
    row.update(part="token", name="format", value=f"opaque (fp={fingerprint(token)})", meaning=meaning)
    table = Table([row], columns=COLUMNS)
    table.attrs["verified"] = False
    table.attrs["token"] = f"fp={fingerprint(token)}"
    return table


@checked
def claims_diff(a: str | Secret, b: str | Secret) -> pd.DataFrame:
    """What changed between two tokens: part, name, before, after, change."""
    from kit.tables import Table

    rows = []
    _, ha, pa = _decode(a)
    _, hb, pb = _decode(b)
    for part, before, after in (("header", ha, hb), ("payload", pa, pb)):
        for name in list(before) + [n for n in after if n not in before]:
            old = before.get(name)
            new = after.get(name)
            if old == new:
                continue
            then, later = (instant(old), instant(new)) if name in TIME_CLAIMS else (None, None)
            if name not in before:
                change = "added"
            elif name not in after:
                change = "removed"
            elif then is not None and later is not None:
                change = f"{later - then:+g} s"
            else:
                change = "changed"
            rows.append(
                {
                    "part": part,
                    "name": name,
                    "before": "" if old is None else _render(redact(old, key=name)),
                    "after": "" if new is None else _render(redact(new, key=name)),
                    "change": change,
                }
            )
    sig_a, sig_b = (_decode(t)[0].rsplit(".", 1)[1] for t in (a, b))
    if sig_a != sig_b:
        rows.append(
            {
                "part": "signature",
                "name": "signature",
                "before": f"fp={fingerprint(sig_a)}",
                "after": f"fp={fingerprint(sig_b)}",
                "change": "changed",
            }
        )
    return Table(rows, columns=["part", "name", "before", "after", "change"])
