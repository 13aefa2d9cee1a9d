"""The server's ``WWW-Authenticate`` challenge, read: the heart of the 401-versus-403 story.

RFC 9110 §11.6.1: a 401 carries at least one challenge, ``<scheme> <token68 | auth-params>``;
RFC 6750 §3 gives a Bearer challenge its parameters ``realm``, ``scope``, ``error`` and
``error_description`` (a request with no token gets no ``error``). Parsing is werkzeug's
(:class:`werkzeug.datastructures.WWWAuthenticate`); :func:`challenge` keeps the scheme as sent and
:meth:`Challenge.short` is what a table shows: the scheme and its ``error`` and ``scope`` (the
description repeats the message a table already shows).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from requests.structures import CaseInsensitiveDict

from kit.secrets import redact

__all__ = ["Challenge", "challenge"]

_SHOWN = ("realm", "error", "scope")


@dataclass(frozen=True)
class Challenge:
    """One parsed challenge: its scheme and the RFC 6750 parameters (empty when absent)."""

    scheme: str
    error: str = ""
    error_description: str = ""
    scope: str = ""
    realm: str = ""

    def short(self) -> str:
        """``Bearer error="invalid_token"``: the scheme and the parameters a table shows."""
        params = [f'{name}="{getattr(self, name)}"' for name in _SHOWN if getattr(self, name)]
        return " ".join([self.scheme, ", ".join(params)]).strip()


def challenge(headers: Mapping[str, str] | str | None) -> Challenge | None:
    """The first challenge of a ``WWW-Authenticate`` value (or of the headers holding one); None if none."""
    if headers is None:
        return None
    raw = headers if isinstance(headers, str) else CaseInsensitiveDict(headers).get("WWW-Authenticate", "")
    if not (raw and raw.strip()):
        return None
    from werkzeug.datastructures import WWWAuthenticate  # only when there is a challenge to read

    parsed = WWWAuthenticate.from_header(raw.strip())
    if parsed is None:
        return None
    scheme = raw.strip().split(None, 1)[0].split(",", 1)[0]
    params = {k.lower(): str(redact(v or "")) for k, v in parsed.parameters.items() if isinstance(k, str)}
    return Challenge(
        scheme=scheme,
        error=params.get("error", ""),
        error_description=params.get("error_description", ""),
        scope=params.get("scope", ""),
        realm=params.get("realm", ""),
    )
