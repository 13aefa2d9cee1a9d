"""Failures as answers: a call a story expects to be refused, shown as a one-row table.

``kit.refused(session, "GET", "api/Ping")`` sends the call through the session (journaled, with
its credentials, like :meth:`kit.Session.call`) and, instead of raising the provider's error,
returns one row: the request, the status, the provider's code and message, which credential or
layer refused it, and where that attribution comes from (``documented`` / ``inferred: …``). A
call that is *not* refused says so in the same row (``refused by``: ``nothing``), so a story that
no longer holds shows it plainly; no answer at all (a stopped sandbox, a refused connection) is
still raised as :class:`~kit.errors.TransportError`, because it is not the provider's answer.

Which layer refused is the provider's knowledge: its probe module's ``refusal(error)`` says, or
returns ``None``. Then the HTTP status decides, from RFC 9110's
meaning of 401, 403, 404 and 400.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlsplit

from kit.errors import ApiError
from kit.probes import Probes
from kit.providers import provider
from kit.session import Session
from kit.tables import Table

__all__ = ["COLUMNS", "refused", "refused_by"]

COLUMNS = ["request", "status", "code", "message", "refused by", "source"]

_BY_STATUS = {
    401: "authentication: the credential or token was not accepted",
    403: "authorisation: the caller is known but may not do this",
    404: "the resource, as this caller sees it",
    400: "the request itself (a missing or malformed part)",
}


def refused_by(error: ApiError) -> tuple[str, str]:
    """The credential or layer that refused, and where that comes from: the provider's probes, else HTTP."""
    if error.provider:
        probes = cast(Probes, provider(error.provider).probe_module())
        known = probes.refusal(error)
        if known is not None:
            return known
    status = error.status or 0
    if status in _BY_STATUS:
        return _BY_STATUS[status], f"documented: HTTP {status} (RFC 9110)"
    return f"the provider (HTTP {status})", "observed: no meaning known for this status"


def refused(session: Session, method: str, path: str, *, step: str | None = None, **kwargs: Any) -> Table:
    """Send ``method path`` through ``session``, expecting a refusal; the answer as a one-row table.

    :raises TransportError: nothing came back (the provider's answer is what this shows).
    """
    shown = f"{method} {urlsplit(path).path or path}"
    with session.step(step or shown):
        response = session.request(method, path, **kwargs)
    error = session.error_parser(response, session.provider)
    if error is None:
        row = [shown, response.status_code, "", f"not refused: answered {response.status_code}", "nothing", "observed"]
    else:
        layer, source = refused_by(error)
        row = [shown, error.status, error.code or "", error.detail, layer, source]
    table = Table([row], columns=COLUMNS)
    table.index = [1]
    return table
