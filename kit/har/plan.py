"""What a replayed step sends: its recorded request with masked values filled from non-secret credentials or
refused, the headers its auth and requests write themselves left out, hop-by-hop and framing headers dropped.

Nothing masked is ever sent: a header the target's auth writes itself is dropped (it writes its own), a masked
query parameter that carries a credential is dropped, and any other masked value is filled from the target's
credentials when a *non-secret* credentials field has that name (a username, a client id), else the step cannot be
sent (:class:`LookupError` with the reason): a secret goes only where its auth sends it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from kit.bounded import loads
from kit.har.recorded import Recorded
from kit.secrets import MASKED, is_sensitive
from kit.target import Target

__all__ = ["HOP_BY_HOP", "SET_BY_THE_CLIENT", "dropped", "plan"]

SET_BY_THE_CLIENT = {"host", "content-length", "connection", "accept-encoding", "user-agent", "cookie"}
#: hop-by-hop and framing headers (RFC 9110 7.6.1, RFC 9112 6): they describe one connection or one message's
#: framing, never the request; sent again beside requests' own framing they make a smuggling shape
#: (Transfer-Encoding with Content-Length) for any proxy between. Dropped, and said in the table.
HOP_BY_HOP = {"transfer-encoding", "content-length", "connection", "keep-alive", "upgrade", "te", "trailer",
              "expect", "host"}  # fmt: skip


def _filled(name: str, target: Target) -> str | None:
    """The target's value for a non-secret credentials field called ``name`` (a username, a client id).

    A secret is never filled in: it goes only where its auth sends it (a masked ``secret`` in a webhook
    registration must not become the API secret, delivered to a third party).
    """
    wanted = name.lower().replace("-", "_")
    fields = {f.name: f for f in target.credentials.fields()}
    if wanted not in fields or target.credentials.is_secret(fields[wanted]):
        return None
    value = getattr(target.credentials, wanted)
    return None if value is None else str(value)


def _fill_json(value: Any, target: Target, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _fill_json(v, target, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill_json(v, target, key) for v in value]
    if isinstance(value, str) and MASKED.search(value):
        filled = _filled(key, target)
        if filled is None:
            raise LookupError(f"the body holds a masked {key or 'value'}; kit fills in only non-secret fields")
        return filled
    return value


def _hop_by_hop(headers: dict[str, str]) -> set[str]:
    """The names (lower case) of ``headers`` that are hop-by-hop or framing, those a Connection header
    names among them (RFC 9110 7.6.1), and every ``Proxy-*``."""
    named = {n.strip().lower() for k, v in headers.items() if k.lower() == "connection" for n in v.split(",")}
    return {k.lower() for k in headers if k.lower() in HOP_BY_HOP | named or k.lower().startswith("proxy-")}


def dropped(step: Recorded) -> list[str]:
    """The recorded hop-by-hop and framing headers a replay drops that the client does not write itself
    (Host, Content-Length and Connection it writes for the request it sends)."""
    framing = _hop_by_hop(step.headers) - SET_BY_THE_CLIENT
    return sorted(k for k in step.headers if k.lower() in framing)


def plan(step: Recorded, target: Target, auth_headers: set[str]) -> tuple[str, dict[str, str], str | None]:
    """Path with query, headers and body to send now; LookupError with the reason when it cannot be."""
    parts = urlsplit(step.url)
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if MASKED.search(value):
            if is_sensitive(key):
                continue  # a credential in the query: the session sends its own
            filled = _filled(key, target)
            if filled is None:
                raise LookupError(f"the query holds a masked {key}; kit fills in only non-secret fields")
            value = filled
        query.append((key, value))
    headers = {}
    framing = _hop_by_hop(step.headers)
    for key, value in step.headers.items():
        if key.lower() in auth_headers | SET_BY_THE_CLIENT | framing or is_sensitive(key):
            continue  # the session and its auth write these themselves; requests frames the body
        if MASKED.search(value):
            raise LookupError(f"the header {key} holds a masked value")
        headers[key] = value
    body: str | None = step.body or None
    if body and MASKED.search(body):
        try:
            body = json.dumps(_fill_json(loads(body, what="a recorded body"), target))
        except ValueError:
            raise LookupError("the body holds a masked value and is not JSON") from None
    return (parts.path or "/") + (f"?{urlencode(query)}" if query else ""), headers, body
