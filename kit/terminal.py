"""Outside text on a terminal: control and bidirectional characters made visible, never obeyed.

A token, a HAR file's step names and URLs, a provider's error message, a folder's name: text kit did
not write may hold ESC sequences (colours, a cursor moved, an OSC 52 write to the clipboard), a carriage
return that overwrites what was printed, a NUL, or a bidirectional mark that makes text read otherwise
than it is. :func:`visible` writes each such character as its escape (``\\x1b``, ``\\u202e``), so what
reaches a terminal, or a comment line a person pastes into a shell, is exactly what it says.
"""

from __future__ import annotations

import re

__all__ = ["HIDDEN", "visible"]

#: C0 and C1 controls, DEL, the line and paragraph separators, the bidirectional marks, and lone surrogates
#: (a JSON ``\\ud800`` escape read into a string: no terminal encoding can write one)
HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep: str = "") -> str:
    """``text`` with every :data:`HIDDEN` character written as its escape, except those in ``keep``
    (``"\\n"`` for a table whose own lines are wanted; a newline inside a cell is escaped before)."""
    if not HIDDEN.search(text):
        return text
    return HIDDEN.sub(lambda m: m.group(0) if m.group(0) in keep else _escape(m), text)
