"""What changed between two answers: JSON paths added, removed and changed, never the values in a summary.

Both sides are redacted text (a journal entry's body, an answer passed through :func:`kit.redact`).
A masked value on both sides counts as unchanged: a fresh token has another fingerprint, and that is
no change in behaviour.
"""

from __future__ import annotations

from typing import Any

from kit.bounded import loads
from kit.secrets import MASKED

__all__ = ["flatten", "json_changes", "summary"]


def flatten(value: Any, path: str = "$") -> dict[str, Any]:
    """``{"$.a[0].b": leaf, ...}`` for a parsed JSON value."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{path}.{key}"))
        return out or {path: {}}
    if isinstance(value, list):
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{path}[{index}]"))
        return out or {path: []}
    return {path: value}


def _parsed(text: str) -> tuple[bool, Any]:
    try:
        return True, loads(text, what="an answer")
    except ValueError:  # not JSON, or beyond kit's limits: compared as text
        return False, text


def _same(then: Any, now: Any) -> bool:
    masked = isinstance(then, str) and isinstance(now, str) and bool(MASKED.search(then)) and bool(MASKED.search(now))
    return masked or then == now


def json_changes(then: str, now: str) -> list[tuple[str, str, Any, Any]]:
    """``(kind, path, then, now)`` for every difference; kind is added, removed, changed (or body)."""
    then_json, then_value = _parsed(then)
    now_json, now_value = _parsed(now)
    if not (then_json and now_json):
        return [] if then == now else [("changed", "body", then, now)]
    before = flatten(then_value)
    after = flatten(now_value)
    changes = [("removed", p, before[p], None) for p in before if p not in after]
    changes += [("added", p, None, after[p]) for p in after if p not in before]
    changes += [("changed", p, before[p], after[p]) for p in before if p in after and not _same(before[p], after[p])]
    return changes


def summary(changes: list[tuple[str, str, Any, Any]], width: int = 120) -> str:
    """One short line naming the paths that changed (no values: they may be anything)."""
    parts = []
    for kind in ("changed", "added", "removed"):
        paths = [path for k, path, _, _ in changes if k == kind]
        if paths:
            parts.append(f"{kind}: {', '.join(paths)}")
    text = "; ".join(parts)
    return text if len(text) <= width else text[: width - 1] + "…"
