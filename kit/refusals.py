"""Failures as answers: a call a story expects to be refused, shown as a one-row table.

``kit.refused(session, "GET", "api/Ping")`` sends the call through the session (journaled, with
its credentials, like :meth:`kit.Session.call`) and, instead of raising the provider's error,
returns one row: the request, the status, the provider's code and message, which credential or
layer refused it, and where that attribution comes from (``documented`` / ``inferred: …``). A
call that is *not* refused says so in the same row (``refused by``: ``nothing``), so a story that
no longer holds shows it plainly. A call whose token, login or refresh step is refused (a wrong
secret or password: the case a person checks first) is answered the same way, the row naming that
step; no answer at all (a stopped sandbox, a refused connection) is still raised as
:class:`~kit.errors.TransportError`, because it is not the provider's answer.

Which layer refused is the provider's knowledge: its probe module's ``refusal(error)`` says, citing
the provider's fact registry (:mod:`kit.provenance`), or returns ``None``. Then the HTTP status
decides, labelled for what it is: ``inferred: RFC 9110 meaning of 403`` (an RFC gives the meaning of
a status, not what the provider answers). The ``challenge`` column shows the server's
``WWW-Authenticate`` challenge (:mod:`kit.challenge`): scheme, ``error`` and ``scope``.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlsplit

from kit.arguments import checked
from kit.challenge import challenge
from kit.errors import ApiError
from kit.probes import Probes
from kit.provenance import HTTP
from kit.providers import provider
from kit.session import Session
from kit.tables import Table

__all__ = ["COLUMNS", "refused", "refused_by"]

COLUMNS = ["request", "status", "code", "message", "challenge", "refused by", "source"]

_BY_STATUS = {
    401: ("authentication: the credential or token was not accepted", "http-401"),
    403: ("authorisation: the caller is known but may not do this", "http-403"),
    404: ("the resource, as this caller sees it", "http-404"),
    400: ("the request itself (a missing or malformed part)", "http-400"),
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
        layer, fact = _BY_STATUS[status]
        return layer, HTTP.cite(fact)
    return f"the provider (HTTP {status})", HTTP.cite("http-other")


@checked
def refused(session: Session[Any], method: str, path: str, *, step: str | None = None, **kwargs: Any) -> Table:
    """Send ``method path`` through ``session``, expecting a refusal; the answer as a one-row table.

    :raises TransportError: nothing came back (the provider's answer is what this shows).
    """
    shown = f"{method} {urlsplit(path).path or path}"
    try:
        with session.step(step or shown):
            response = session.request(method, path, **kwargs)
    except ApiError as refused_first:  # the token or login step itself was refused: that is the answer
        return _refused_step(session, shown, refused_first)
    error = session.error_parser(response, session.provider)
    said = challenge(response.headers)
    shown_challenge = said.short() if said else ""
    if error is None:
        answered = f"not refused: answered {response.status_code}"
        row = [shown, response.status_code, "", answered, shown_challenge, "nothing", HTTP.cite("http-not-refused")]
    else:
        layer, source = refused_by(error)
        row = [shown, error.status, error.code or "", error.detail, shown_challenge, layer, source]
    return _one_row(row)


def _one_row(row: list[Any]) -> Table:
    table = Table([row], columns=COLUMNS)
    table.index = [1]
    return table


def _refused_step(session: Session[Any], shown: str, error: ApiError) -> Table:
    """The row for a call that never went out: its token, login or refresh step was refused."""
    if not error.provider:
        error.provider = session.provider
    steps = [e for e in session.journal.entries if e.kind == "auth"]
    entry = steps[-1] if steps else None
    said = challenge(entry.response_headers) if entry is not None else None
    step = f"{entry.action} step ({entry.method} {urlsplit(entry.url).path})" if entry is not None else "auth step"
    layer, source = refused_by(error)
    request = f"{shown}: refused at its {step}"
    return _one_row(
        [request, error.status, error.code or "", error.detail, said.short() if said else "", layer, source]
    )
