"""What claim names mean: the standards' meanings, and each provider's own with where they come from.

:func:`kit.claims` shows a token's fields with their meaning. The standard names (RFC 7515, RFC
7519, RFC 9068, OpenID Connect) mean the same for every token; a provider's own claims, and what it
makes of the standard ones (one provider's ``sub`` names the caller in its logs), are registered by the
provider with :func:`register_meanings`, each citing a fact of its registry (:mod:`kit.provenance`),
and shown only on that provider's tokens.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Cites", "meaning", "register_meanings"]

_MEANINGS: dict[tuple[str, str], str] = {
    ("header", "alg"): "signing algorithm (RFC 7515)",
    ("header", "typ"): "media type of the token (RFC 7519)",
    ("header", "kid"): "id of the key that signed it (RFC 7515)",
    ("header", "cty"): "content type (RFC 7519)",
    ("payload", "iss"): "issuer: who made the token (RFC 7519)",
    ("payload", "sub"): "subject: whom it is about (RFC 7519)",
    ("payload", "aud"): "audience: who must accept it (RFC 7519)",
    ("payload", "exp"): "expiration time (RFC 7519)",
    ("payload", "nbf"): "not valid before (RFC 7519)",
    ("payload", "iat"): "issued at (RFC 7519)",
    ("payload", "jti"): "unique token id (RFC 7519)",
    ("payload", "scope"): "granted scopes (RFC 8693, RFC 9068)",
    ("payload", "client_id"): "OAuth client the token was issued to (RFC 9068)",
    ("payload", "given_name"): "given name (OpenID Connect)",
    ("payload", "auth_time"): "time of authentication (OpenID Connect)",
    ("signature", "signature"): "signature over header and payload (RFC 7515)",
}


#: a provider's meaning of a claim and where it comes from (a registered fact's label), by (provider, part, name)
_PROVIDER_MEANINGS: dict[tuple[str, str, str], tuple[str, str]] = {}


class Cites(Protocol):
    """A provider's fact registry, as far as meanings need it (:class:`kit.provenance.Registry`)."""

    name: str

    def cite(self, *ids: str) -> str: ...


def register_meanings(facts: Cites, meanings: dict[str, tuple[str, ...]], *, part: str = "payload") -> None:
    """What a provider's claims mean: ``{name: (meaning, fact id, …)}``, each citing facts of its registry.

    Providers call this for their own claims (:mod:`kit.provenance`); a table shows them when asked for that
    provider (``claims(..., provider=)``, the registry's name), so one provider's meaning of ``sub`` never shows
    on another's token.
    """
    for name, (said, *ids) in meanings.items():
        _PROVIDER_MEANINGS[(facts.name, part, name)] = (said, facts.cite(*ids))


def meaning(provider: str | None, part: str, name: str) -> tuple[str, str]:
    """What ``name`` in ``part`` means, and where that comes from: the provider's own, else the standard's."""
    own = _PROVIDER_MEANINGS.get((provider or "", part, name))
    return own if own is not None else (_MEANINGS.get((part, name), ""), "")
