"""Replay: re-run a recorded investigation against a target and see, step by step, what changed.

:func:`replay` takes a recording (a HAR file, kit's or a browser's devtools', a kit session, or a
journal table) and a :class:`~kit.target.Target`, and re-sends each business exchange through
``target.session()``, which authenticates afresh. Auth exchanges (token fetch, login, refresh, logout)
are not replayed: the session redoes them when it needs to. A retry or a redirect hop the recording
holds is part of the step before it. Nothing masked is ever sent: a header the target's auth writes
itself is dropped (it writes its own), a masked query parameter that carries a credential is dropped,
and any other masked value is filled from the target's credentials when a *non-secret* credentials
field has that name (a username, a client id), else the step is skipped with the reason in the table:
a secret goes only where its auth sends it, never into a replayed body.

The table has one row per recorded step: step, method, path, the status and the outcome then and now,
whether both match, and which JSON paths changed (paths only). The outcome is what the provider's own
error parser (from its registration) reads in the answer: ``ok``, or the error's code; so a failure a
provider answers as ``200`` with ``"success": false`` is not "the same" as the success it replaced.
:func:`replay_change` shows one step's change in full, redacted. ``kit replay FILE.har NAME`` does the
same from a shell and exits 1 when a status or an outcome differs, so CI can watch a provider.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import requests

from kit.arguments import checked
from kit.auth.scheme import FlowAuth
from kit.errors import ConfigError, KitError
from kit.har.carry import Carried
from kit.har.changes import json_changes, summary
from kit.har.owner import owner_elsewhere
from kit.har.plan import dropped, plan
from kit.har.recorded import Recorded, recorded
from kit.record.journal import Journal, Journaled
from kit.secrets import redact
from kit.session import Session
from kit.tables import Table
from kit.target import Target

__all__ = ["COLUMNS", "Recorded", "dropped", "outcome", "recorded", "replay", "replay_change", "writes"]

COLUMNS = ["step", "method", "path", "status then", "status now", "outcome then", "outcome now", "same", "what changed"]
#: methods that change what the provider holds: sent to a live target only when the caller allows writes
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def outcome(session: Session[Any], response: requests.Response) -> str:
    """``ok``, or the code of the error the session's provider reads in ``response`` (its status when the
    error has no code): the provider's own success flag or error class, from its registration."""
    error = session.error_parser(response, session.provider)
    return "ok" if error is None else str(error.code or error.status)


def _recorded_outcome(step: Recorded, session: Session[Any]) -> str:
    """The outcome of the recorded answer ("" when only a summary of it was kept, or no answer came)."""
    if not step.complete or step.status is None:
        return ""
    answer = requests.Response()
    answer.status_code = step.status
    answer.url = step.url
    answer.encoding = "utf-8"
    answer._content = step.response.encode("utf-8")
    if step.response.lstrip()[:1] in ("{", "["):
        answer.headers["Content-Type"] = "application/json"
    return outcome(session, answer)


def _replay_one(step: Recorded, target: Target, session: Session[Any]) -> tuple[dict[str, Any], list[Any], str | None]:
    """The row's replayed columns, the step's changes, and the replayed answer (None: nothing was sent)."""
    if step.kind == "auth":
        return {"what changed": "not replayed: the session redoes auth as it needs"}, [], None
    if step.follows:
        return {"what changed": f"not replayed: a {step.follows} of the step before"}, [], None
    auth = session.auth
    auth_headers = auth.header_names() if isinstance(auth, FlowAuth) else {"authorization"}
    try:
        path, headers, body = plan(step, target, auth_headers if step.kind == "business" else set())
    except LookupError as reason:
        return {"what changed": f"skipped: {reason}"}, [], None
    try:
        if step.kind == "business":
            answer = session.request(step.method, path, headers=headers, data=body)
        else:  # a probe or a public call goes without the session's credential, as it did
            answer = session.probe(step.method, path, public=step.kind == "public", headers=headers, data=body)
    except KitError as exc:
        return {"status now": "-", "same": step.status is None, "what changed": f"failed: {exc.message}"}, [], None
    now = str(redact(answer.text))
    changes = json_changes(step.response, now) if step.complete else []
    what = summary(changes) if step.complete else "only a summary of the answer was recorded"
    then = _recorded_outcome(step, session)
    result = outcome(session, answer)
    same = answer.status_code == step.status and then in ("", result)
    row = {"status now": answer.status_code, "outcome then": then, "outcome now": result, "same": same}
    names = dropped(step)
    if names:
        what += f"; not sent: {', '.join(names)} (hop-by-hop or framing: requests frames the body itself)"
    return {**row, "what changed": what}, changes, now


def writes(steps: list[Recorded], target: Target) -> list[str]:
    """The steps a replay would send that change what the provider holds: a DELETE, PUT or PATCH, and a
    POST to a path other than the provider's token or login paths (``METHOD /path``)."""
    auth_paths = {path.strip("/") for path in target.provider.emulator_class().TOKEN_PATHS}
    return [
        f"{step.method} {urlsplit(step.url).path}"
        for step in steps
        if step.kind != "auth" and not step.follows and step.method.upper() in WRITES
        and not (step.method.upper() == "POST" and urlsplit(step.url).path.strip("/") in auth_paths)
    ]  # fmt: skip


@checked
def replay(
    source: str | Path | pd.DataFrame | Journaled | Journal,
    target: Target,
    *,
    allow_writes: bool = False,
    **session_options: Any,
) -> pd.DataFrame:
    """Re-send every business step of ``source`` through a fresh ``target.session(**session_options)``.

    Against a live target, a recording holding writes (DELETE, PUT, PATCH, a POST other than a token or
    login) sends nothing unless ``allow_writes`` (``kit replay --live-writes``): a replay of yesterday's
    investigation must not delete today's data by surprise. A sandbox takes them.

    :raises ConfigError: an unreadable source, or writes against a live target without ``allow_writes``.
        Transport failures are rows, not exceptions.
    """
    steps = recorded(source)
    elsewhere = owner_elsewhere(steps, target)
    if elsewhere is not None:
        raise ConfigError(f"replay: nothing was sent: {elsewhere}")
    if target.mode == "live" and not allow_writes:
        changing = writes(steps, target)
        if changing:
            shown = ", ".join(changing[:3]) + (f" and {len(changing) - 3} more" if len(changing) > 3 else "")
            raise ConfigError(
                f"replay: the recording holds {len(changing)} write(s) ({shown}) and {target.provider.name} is live: "
                "nothing was sent; allow them with allow_writes=True (kit replay --live-writes)"
            )
    session = target.session(**session_options)
    rows = []
    details = {}
    carried = Carried()
    try:
        for number, step in enumerate(steps, 1):
            row = {
                "step": step.step,
                "method": step.method,
                "path": urlsplit(step.url).path,
                "status then": step.status,
            }
            sent, notes = carried.apply(step) if step.kind != "auth" and not step.follows else (step, [])
            result, changes, now = _replay_one(sent, target, session)
            if now is not None:
                carried.learn(number, step, now)
            if notes:
                result["what changed"] = "; ".join([*notes, result.get("what changed") or "no change"])
            rows.append({"status now": "", "outcome then": "", "outcome now": "", "same": "", **row, **result})
            details[number] = changes
    finally:
        session.close()
    table = Table(rows, columns=COLUMNS)
    table.index = pd.RangeIndex(1, len(table) + 1)
    table["status then"] = table["status then"].map(lambda s: "-" if s is None or s != s else int(s))
    table.attrs["changes"] = details
    return table


@checked
def replay_change(table: pd.DataFrame, step: int) -> pd.DataFrame:
    """Every difference of one replayed step (its row number): JSON path, then, now — values redacted."""
    changes = table.attrs.get("changes", {}).get(step)
    if changes is None:
        raise ConfigError(f"row {step} is not a step of this replay (rows 1..{len(table)})")
    rows = [{"change": k, "path": p, "then": redact(_shown(a)), "now": redact(_shown(b))} for k, p, a, b in changes]
    return Table(rows, columns=["change", "path", "then", "now"])


def _shown(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)
