"""Which registered secrets a text contains, at a cost that does not grow with their number.

:func:`kit.redact` masks every registered secret wherever it appears as a substring. One regex
alternation over all of them costs a recompile per new secret and a scan that tries each of them
at each position, so both grow with the number registered (a process that fetches a token every
few minutes registers thousands). :class:`SecretIndex` keeps that cost flat:

* A secret of at least :data:`SAMPLED` characters is indexed by the last :data:`STRIDE` windows of
  :data:`WINDOW` characters that end within :data:`STRIDE` - 1 characters of its end: adding one is
  :data:`STRIDE` dictionary entries, whatever the number already there.
* A text is read only at every :data:`STRIDE`-th position: the window starting there is looked up.
  Any occurrence of an indexed secret holds one such sampled window whose end lies within
  ``STRIDE - 1`` characters of the secret's end (the secret is long enough for that), and that
  window is one of the indexed ones, so the lookup finds it; the candidate is then checked in
  place. Windows come from the secret's end because its start is often shared (every JWT begins
  ``eyJhbGci``) while its end is not (a signature, random hex).
* Shorter secrets (short passwords, four characters at least) stay in one small regex, recompiled
  only when a short one is added. kit's demo secrets are 32 bytes or more.

Matches are leftmost, longest first, and never overlap, as the single regex's were.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

__all__ = ["MIN_LENGTH", "SAMPLED", "STRIDE", "WINDOW", "SecretIndex"]

MIN_LENGTH = 4  #: shorter values are not registered: they would mask ordinary words
WINDOW = 8  #: characters per indexed window
STRIDE = 8  #: a text is sampled every STRIDE characters
SAMPLED = WINDOW + STRIDE - 1  #: secrets at least this long are found by sampled windows
_CHUNKS = re.compile(f"(?s).{{{WINDOW}}}")  # consecutive windows: STRIDE == WINDOW


class SecretIndex:
    """Registered secret values, their names, and where a text holds them."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}  # value -> env-style name ("" when unnamed)
        self._tails: dict[str, list[tuple[str, int]]] = {}  # window -> (value, its end's distance to the value's end)
        self._short: list[str] = []
        self._short_pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._names)

    def add(self, value: str, name: str | None = None) -> None:
        """Register ``value`` (a no-op below :data:`MIN_LENGTH`); a name given later is kept."""
        if len(value) < MIN_LENGTH:
            return
        with self._lock:
            known = value in self._names
            if known and (not name or self._names[value]):
                return
            self._names[value] = name or ""
            if known:
                return
            if len(value) < SAMPLED:
                self._short.append(value)
                ordered = sorted(self._short, key=len, reverse=True)
                self._short_pattern = re.compile("|".join(re.escape(v) for v in ordered))
                return
            size = len(value)
            for gap in range(STRIDE):
                window = value[size - gap - WINDOW : size - gap]
                self._tails.setdefault(window, []).append((value, gap))

    def name(self, value: str) -> str | None:
        """The env-style name ``value`` was registered with, if any."""
        return self._names.get(value) or None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, value) of each registered secret in ``text``: leftmost, longest, not overlapping."""
        hits: set[tuple[int, int, str]] = set()
        tails = self._tails
        if tails and len(text) >= SAMPLED:
            windows = _CHUNKS.findall(text)  # the windows at 0, STRIDE, 2·STRIDE, …: one C-speed pass
            for window in tails.keys() & windows:  # almost always empty, else the few real occurrences
                number = -1
                while (number := _position(windows, window, number + 1)) >= 0:
                    for value, gap in tails[window]:
                        end = number * STRIDE + WINDOW + gap
                        start = end - len(value)
                        if start >= 0 and text.startswith(value, start):
                            hits.add((start, end, value))
        pattern = self._short_pattern
        if not hits and pattern is None:
            return []
        # Leftmost, longest, not overlapping: after each match, the next is looked for from its end, as
        # one regex would. Short secrets are searched again from there (a match that a scan from the
        # start skipped, because it overlapped a long secret's, may begin exactly at that end).
        longs = sorted(hits, key=lambda h: (h[0], -h[1]))
        chosen: list[tuple[int, int, str]] = []
        reach = 0
        i = 0
        while True:
            while i < len(longs) and longs[i][0] < reach:
                i += 1
            short = pattern.search(text, reach) if pattern is not None else None
            if short is not None and (i == len(longs) or short.start() < longs[i][0]):
                chosen.append((short.start(), short.end(), short.group(0)))
            elif i < len(longs):
                chosen.append(longs[i])  # at the same start, the long secret is the longer match
            else:
                return chosen
            reach = chosen[-1][1]

    def sub(self, text: str, replace: Callable[[str], str]) -> str:
        """``text`` with every registered secret in it replaced by ``replace(value)``."""
        found = self.find(text)
        if not found:
            return text
        parts = []
        done = 0
        for start, end, value in found:
            parts += [text[done:start], replace(value)]
            done = end
        parts.append(text[done:])
        return "".join(parts)


def _position(windows: list[str], window: str, start: int) -> int:
    try:
        return windows.index(window, start)
    except ValueError:
        return -1
