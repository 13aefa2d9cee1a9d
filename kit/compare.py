"""Comparison helpers: facts read from what a run actually did (its journal, its token, its auth).

:mod:`kit.sidebyside` runs every registered provider's flow and uses these to fill the comparison
table; :func:`timeline` draws the runs. Nothing here names a provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jwt

from kit.arguments import checked
from kit.credentials import Credentials
from kit.record.entry import HIDDEN_HEADERS, Entry
from kit.secrets import MASK, is_sensitive
from kit.session import Session

__all__ = ["COLUMNS", "Profile", "Timeline", "held", "observe", "renewal", "timeline", "token_facts"]

COLUMNS = [
    "credentials held",
    "sent on each call",
    "token kind",
    "signing algorithm",
    "lifetime",
    "renewal",
    "revocation",
    "tenant or permission model",
    "expiry signalled as",
    "exchanges before first business call",
]


@dataclass
class Profile:
    """One provider's run: its facts (the COLUMNS) and the exchanges it made, for the timeline."""

    provider: str
    facts: dict[str, Any]
    entries: list[Entry] = field(default_factory=list)


def held(credentials: Credentials) -> str:
    """The credentials fields that have a value of their own (not left at a default), secrets marked."""
    parts = []
    for f in credentials.fields():
        value = getattr(credentials, f.name)
        if value not in (None, "") and (credentials.is_required(f) or value != f.default):
            parts.append(f.name + (" (secret)" if credentials.is_secret(f) else ""))
    return ", ".join(parts)


def observe(session: Session[Any]) -> dict[str, Any]:
    """What the first business call sent (header names, credentials masked) and how many exchanges came first."""
    entries = session.journal.entries
    index = next(i for i, e in enumerate(entries) if e.kind == "business")
    call = entries[index].masked()
    sent = []
    for name, value in call.request_headers.items():
        if name.lower() in HIDDEN_HEADERS | {"content-type"}:
            continue
        scheme = value.split(" ", 1)[0] + " " if " " in value and MASK in value else ""
        sent.append(f"{name}: {scheme}{MASK}" if MASK in value else f"{name}: {value}")
    if f"access_token={MASK}" in call.url:
        sent.append(f"?access_token={MASK}")
    query = call.url.split("?", 1)[1] if "?" in call.url else ""
    sent += [f"?{pair}" for pair in query.split("&") if pair and not is_sensitive(pair.split("=")[0])]
    return {"sent on each call": "; ".join(sent), "exchanges before first business call": index}


def token_facts(token: str | None, *, self_minted: bool = False, lifetime: float | None = None) -> dict[str, Any]:
    """Kind, algorithm and lifetime read from a token itself (a JWT's header and claims), or 'none'."""
    if token is None:
        return {"token kind": "none", "signing algorithm": "", "lifetime": ""}
    if token.count(".") == 2 and token.startswith("eyJ"):
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
        kind = ("self-minted " if self_minted else "") + ("JWT, typ " + str(header.get("typ", "?")))
        seconds = claims.get("exp", 0) - claims.get("iat", claims.get("nbf", 0))
        return {"token kind": kind, "signing algorithm": header.get("alg", ""), "lifetime": _duration(seconds)}
    return {"token kind": "opaque", "signing algorithm": "", "lifetime": _duration(lifetime or 0)}


RENEWALS = {"token": "re-fetch (same grant)", "refresh": "refresh (old token still valid)", "login": "log in again"}


def renewal(session: Session[Any]) -> str:
    """Ask the session for a token as if the current one were about to expire; report the action it took."""
    before = len(session.journal.entries)
    if session.token("expiring") is None:
        return "none needed"
    actions = [e.action for e in session.journal.entries[before:] if e.kind == "auth"]
    return RENEWALS.get(actions[0], actions[0]) if actions else "none needed"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


@dataclass(frozen=True)
class Timeline:
    """The timeline's matplotlib ``figure``, shown as a PNG that fits its container, with ``alt`` text.

    A figure on its own is an ``image/png`` output, which JupyterLab and nbconvert show as an ``<img>`` with
    no alternative text and at its full width (cut at a printed page's margin); this shows the same PNG as
    an ``<img>`` with both. ``axes`` is the figure's.
    """

    figure: Any
    alt: str

    @property
    def axes(self) -> list[Any]:
        return list(self.figure.axes)

    def _repr_html_(self) -> str:
        import base64
        import html
        import io

        png = io.BytesIO()
        self.figure.savefig(png, format="png", dpi=100, metadata={"Software": None})
        data = base64.b64encode(png.getvalue()).decode()
        return (
            f'<img class="kit-timeline" src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}" '
            'style="max-width:100%;height:auto">'
        )

    def __repr__(self) -> str:
        return self.alt


@checked
def timeline(profiles: list[Profile]) -> Timeline:
    """Each provider's exchanges on its own line, from its first request (ms): a matplotlib figure, with the
    exchanges counted per provider as alternative text."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 0.6 + 0.5 * len(profiles)))
    colours = {"auth": "#8a63d2", "ok": "#2e9e5b", "error": "#d64545"}
    for row, profile in enumerate(reversed(profiles)):
        if not profile.entries:
            continue
        start = profile.entries[0].started
        for entry in profile.entries:
            offset = (entry.started - start).total_seconds() * 1000
            kind = "error" if (entry.status or 0) >= 400 else "auth" if entry.kind == "auth" else "ok"
            ax.barh(row, max(entry.elapsed_ms, 0.5), left=offset, color=colours[kind], height=0.5)
    ax.set_yticks(range(len(profiles)), [p.provider for p in reversed(profiles)])
    ax.set_xlabel("ms since the flow's first request (purple: obtaining a token, green: business, red: refused)")
    fig.tight_layout()
    plt.close(fig)
    counts = ", ".join(f"{p.provider} {len(p.entries)}" for p in profiles)
    return Timeline(fig, f"timeline of each flow's exchanges (purple: token, green: business, red: refused): {counts}")
