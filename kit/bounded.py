"""Bounded reading of text kit did not make: JSON no deeper and no larger than kit's limits.

Python's ``json`` parses and re-renders nested structures by recursion, so an answer of 50,000
nested ``[`` raises ``RecursionError`` (and a few hundred levels break redaction, which walks the
structure). Everything kit reads from outside (provider answers, token answers, error bodies, HAR
files, webhook deliveries) goes through :func:`loads`, which measures the nesting without recursion
first and raises :class:`LimitError` (a :class:`~kit.errors.KitError` that is also a ``ValueError``,
so "not usable JSON" handling applies) naming the limit. :func:`depth` is that measurement.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kit.errors import KitError

__all__ = ["MAX_CHARS", "MAX_DEPTH", "LimitError", "depth", "loads", "number"]

#: deeper than any auth answer a provider sends (the deepest seen in the notes is 5 levels)
MAX_DEPTH = 64
#: larger than any auth or business answer kit shows (10 MB of text)
MAX_CHARS = 10_000_000

_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"?')  # a JSON string (an unclosed one runs to the end)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


class LimitError(KitError, ValueError):
    """Text kit will not parse: nested deeper than :data:`MAX_DEPTH` or larger than :data:`MAX_CHARS`."""

    def __init__(self, what: str, limit: str) -> None:
        super().__init__(f"{what} is {limit}: kit does not parse it (its limit)")
        self.what = what
        self.limit = limit


def depth(text: str, stop: int = MAX_DEPTH) -> int:
    """How deeply ``text``'s JSON brackets nest (strings skipped), counted without recursion.

    Counting stops once ``stop`` is passed: the answer is then ``stop + 1``.
    """
    skeleton = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))  # the brackets outside strings, in order
    level = deepest = 0
    for bracket in skeleton:
        if bracket in "[{":
            level += 1
            if level > deepest:
                deepest = level
                if deepest > stop:
                    return deepest
        else:
            level = max(level - 1, 0)
    return deepest


def loads(text: str | bytes, *, what: str = "the text", max_depth: int = MAX_DEPTH, max_chars: int = MAX_CHARS) -> Any:
    """``json.loads`` within kit's limits.

    :raises LimitError: nested deeper than ``max_depth`` or longer than ``max_chars``.
    :raises ValueError: not JSON (``json.JSONDecodeError``), as ``json.loads`` does.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark
    if len(text) > max_chars:
        raise LimitError(what, f"{len(text):,} characters long, more than {max_chars:,}")
    brackets = text.count("[") + text.count("{")  # no deeper than it has brackets: most texts need no scan
    if brackets > max_depth and depth(text, max_depth) > max_depth:
        raise LimitError(what, f"nested deeper than {max_depth} levels")
    return json.loads(text)


def number(value: Any) -> float | None:
    """``value`` as a float when it is a JSON number (an int or a float, never a bool), else None."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
