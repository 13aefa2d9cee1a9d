"""Secrets that never show, and the one redaction function every sink uses.

A :class:`Secret` wraps a credential. Its ``repr`` and ``str`` show only a short fingerprint,
``Secret('••••', fp=1a2b3c4d)``; :meth:`Secret.reveal` is the one explicit way to read it.
Creating a Secret registers its value, so :func:`redact` removes it wherever it appears later:
in a URL, a body, a log line or an exception message. Registering and finding cost the same with
ten secrets as with ten thousand (:mod:`kit.secret_index`).

Fingerprints are HMAC-SHA256 under a key drawn at random once per process (set
``KIT_FINGERPRINT_KEY`` to pin it), truncated to 8 hex digits. They are stable within a
process, so one token can be followed across the rows of a journal, but they cannot be used
to guess a short password offline, as a plain hash could.

:func:`redact` handles strings, mappings and sequences at any depth. A value is replaced by
``••••<fp>`` when its key looks sensitive (Authorization, Cookie, ``*secret*``, ``*token*``,
``*password*``, ``*apikey*``, signatures, private keys), when it is a registered secret, or when
it looks like a JWT. ``Authorization``-style values keep their scheme (``Bearer ••••1a2b3c4d``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets as _random
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit, urlunsplit

from kit.arguments import ArgumentError
from kit.bounded import MAX_DEPTH, LimitError, loads
from kit.errors import use_redactor
from kit.secret_index import SecretIndex

__all__ = [
    "JWT",
    "MASK",
    "MASKED",
    "Secret",
    "digest",
    "fingerprint",
    "is_sensitive",
    "placeholder_name",
    "redact",
    "registered_in",
    "reveal",
    "show_url",
]

MASK = "••••"
_KEY = os.environ.get("KIT_FINGERPRINT_KEY", "").encode() or _random.token_bytes(32)
_SENSITIVE = re.compile(
    r"authorization|cookie|secret|token|passw|apikey|signature|privatekey|credential|sessionid"
    r"|verificationcode"  # a one-time MFA code is a credential while it lives
)
#: a name ending so describes a credential (its type, where to get one, what is supported), never holds one
_DESCRIBES = re.compile(r"(type|endpoint|supported|uri|url|path)$")
_SCHEMES = ("bearer", "basic", "digest", "token", "jwt")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")  # a JWT anywhere in text
MASKED = re.compile(re.escape(MASK) + r"([0-9a-f]{8})")  # a masked value; group 1 is its fingerprint

_index = SecretIndex()  # every registered value, found in a text at a cost flat in their number
_ENCODED: dict[str, str] = {}  # an encoded form of a registered secret -> the secret


def fingerprint(value: str | bytes) -> str:
    """Return 8 hex digits identifying ``value`` within this process (keyed HMAC-SHA256).

    :raises ArgumentError: ``value`` is neither str nor bytes.
    """
    if not isinstance(value, (str, bytes)):  # checked here, not by a wrapper: redaction calls this a lot
        raise ArgumentError(f"fingerprint: value must be str or bytes, not {type(value).__name__}")
    return digest(value)[:8]


def digest(value: str | bytes) -> str:
    """The whole keyed HMAC-SHA256 of ``value`` (64 hex digits): an in-process name for a secret that
    neither shows it nor lets it be guessed offline; :func:`fingerprint` shows its first 8."""
    data = value.encode() if isinstance(value, str) else value
    return hmac.new(_KEY, data, hashlib.sha256).hexdigest()


def placeholder_name(value: str) -> str | None:
    """The env-style name a registered secret was given (``ACME_SECRET``), if any."""
    return _index.name(value)


def registered_in(text: str) -> list[tuple[str, str]]:
    """The registered secrets found in ``text``, as (value, env-style name or "")."""
    return [(value, _index.name(value) or "") for _, _, value in _index.find(text)]


class Secret:
    """A credential value that never shows: ``repr`` gives only a fingerprint."""

    __slots__ = ("_value", "name")
    _value: str
    name: str | None

    def __init__(self, value: str | Secret, name: str | None = None) -> None:
        raw = value.reveal() if isinstance(value, Secret) else value
        if not isinstance(raw, str):
            raise ArgumentError(f"Secret: value must be a str, not {type(raw).__name__}")
        self._value = raw
        self.name = name or (value.name if isinstance(value, Secret) else None)
        _register(raw, self.name)

    def reveal(self) -> str:
        """Return the plain value. The only way to read it."""
        return self._value

    @property
    def fingerprint(self) -> str:
        return fingerprint(self._value)

    def __repr__(self) -> str:
        return f"Secret('{MASK}', fp={self.fingerprint})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    def __reduce__(self) -> Any:
        raise TypeError("a Secret is not pickled: it would write the value in clear")


def reveal(value: Secret | str | None) -> str | None:
    """Plain text of a Secret (or a str passed through)."""
    return value.reveal() if isinstance(value, Secret) else value


def is_sensitive(key: str) -> bool:
    """True when a header, parameter or field name looks like it carries a credential.

    Names that describe a credential rather than carry one are not: ``token_type`` ("Bearer"),
    discovery's ``authorization_endpoint``, ``token_endpoint_auth_methods_supported``, ``jwks_uri``.
    """
    name = re.sub(r"[-_\s.]", "", key.lower())
    return bool(_SENSITIVE.search(name)) and not _DESCRIBES.search(name)


def _register(raw: str, name: str | None) -> None:
    """Index ``raw`` and the forms it takes on the wire and in logs: percent-, plus- and JSON-escaped.

    Each form masks with the fingerprint of the value itself, so one secret shows one fingerprint.
    """
    _index.add(raw, name)
    for form in (quote(raw, safe=""), quote_plus(raw), json.dumps(raw)[1:-1]):
        if form != raw:
            _ENCODED.setdefault(form, raw)
            _index.add(form, name)


def _mask(value: str) -> str:
    return f"{MASK}{fingerprint(_ENCODED.get(value, value))}"


def _mask_credential(value: str) -> str:
    scheme, _, rest = value.partition(" ")
    if rest and scheme.lower() in _SCHEMES:
        return f"{scheme} {_mask(rest.strip())}"
    return _mask(value)


def _scrub(text: str) -> str:
    return JWT.sub(lambda m: _mask(m.group(0)), _index.sub(text, _mask))


def _redact_pairs(pairs: list[tuple[str, str]]) -> str:
    def shown(key: str, value: str) -> str:
        if MASKED.fullmatch(value):
            return value  # masked already: redacting twice changes nothing
        return _mask(value) if is_sensitive(key) and value else quote_plus(value)

    return "&".join(f"{quote_plus(k)}={shown(k, v)}" for k, v in pairs)


def _redact_url(url: str) -> str:
    """``url`` with its password, and credentials in its query or its fragment (``#access_token=…``, where an
    implicit grant puts a token), masked; then every registered secret in what is left."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    fragment = parse_qsl(parts.fragment, keep_blank_values=True) if "=" in parts.fragment else []
    in_query = any(is_sensitive(k) for k, _ in pairs)
    in_fragment = any(is_sensitive(k) for k, _ in fragment)
    if not parts.password and not in_query and not in_fragment:
        return _scrub(url)
    netloc = parts.netloc
    if parts.password:
        netloc = netloc.replace(f":{parts.password}@", f":{_mask(parts.password)}@")
    return _scrub(
        urlunsplit(
            parts._replace(
                query=_redact_pairs(pairs) if in_query else parts.query,
                fragment=_redact_pairs(fragment) if in_fragment else parts.fragment,
                netloc=netloc,
            )
        )
    )


def _redact_text(text: str) -> str:
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            return _dumped(redact(loads(stripped, what="the text")))
        except ValueError:  # not JSON, or beyond kit's limits (LimitError): masked as text
            pass
    if "=" in text and "://" not in text and "\n" not in text and " " not in stripped:
        pairs = parse_qsl(stripped, keep_blank_values=True)
        if any(is_sensitive(k) for k, _ in pairs):  # an application/x-www-form-urlencoded body
            return _scrub(_redact_pairs(pairs))
    if "://" in stripped and " " not in stripped:
        return _redact_url(stripped)
    return _scrub(text)


def _dumped(value: Any) -> str:
    """JSON text of ``value``, non-ASCII as it is; a lone surrogate (an escape such as ``\\ud800`` read
    from JSON) stays an escape, so the text can be encoded, sent and printed."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


def show_url(url: str) -> str:
    """A URL fit for a message: credentials in its query or path masked, and no user info."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        parts = parts._replace(netloc="••••@" + parts.netloc.rsplit("@", 1)[1])
    return str(redact(parts.geturl()))


def redact(value: Any, *, key: str | None = None) -> Any:
    """Return ``value`` with every credential masked; ``key`` is the name it is stored under.

    Handles ``str`` (URLs, form and JSON bodies, free text), ``bytes``, mappings and sequences up to
    kit's nesting limit, and :class:`Secret`. Other values are returned unchanged.

    :raises LimitError: a mapping or sequence nested deeper than :data:`kit.bounded.MAX_DEPTH`.
    """
    return _redacted(value, key, 0)


def _redacted(value: Any, key: str | None, level: int) -> Any:
    if isinstance(value, Secret):
        return _mask(value.reveal())
    if key is not None and is_sensitive(key) and isinstance(value, (str, bytes)) and value:
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        already = MASKED.fullmatch(text) or MASKED.fullmatch(text.partition(" ")[2].strip())
        return text if already else _mask_credential(text)  # redacting twice changes nothing
    if isinstance(value, bytes):
        return _redact_text(value.decode("utf-8", "replace"))
    if isinstance(value, str):
        return _redact_text(value)
    if isinstance(value, (Mapping, list, tuple)) and level >= MAX_DEPTH:
        raise LimitError("the value", f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, Mapping):
        return {k: _redacted(v, str(k), level + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)([_redacted(v, key, level + 1) for v in value])
    return value


use_redactor(redact, show_url)  # every KitError message, body and URL is redacted with these from now on
