"""Ids carried forward in a replay: what an earlier step's answer introduced, sent again as the replayed answer's.

A recording of "create a session, then read it" asks, at its second step, for the id the first answer gave
*then*. Replayed as recorded, the second step would read the old session, not the one the replay just created. So
a value that a recorded answer introduced (at a JSON path, not sent in that step's own request) and that changed in
the replayed answer is carried: where a later recorded request holds it as a whole path segment, query value or
JSON value, the replay sends the new one instead, and its row says which path of which step it came from.
Masked values are never carried (a token is the session's business), nor booleans, nor texts of fewer than four
characters (too likely to be a coincidence: a status, a count).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from kit.bounded import loads
from kit.har.changes import json_changes
from kit.har.recorded import Recorded
from kit.secrets import MASKED

__all__ = ["Carried"]

SHORTEST = 4  # characters a carried value has at least


def _carriable(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    text = str(value)
    return len(text) >= SHORTEST and not MASKED.search(text)


class Carried:
    """The values carried so far: recorded value (as text) → (the replayed one, its JSON path, its step)."""

    def __init__(self) -> None:
        self.values: dict[str, tuple[Any, str, int]] = {}

    def learn(self, number: int, step: Recorded, now: str) -> None:
        """After step ``number``: what its recorded answer introduced and its replayed answer changed."""
        asked = f"{unquote(step.url)} {step.body}"
        for kind, path, then, new in json_changes(step.response, now):
            if kind == "changed" and _carriable(then) and _carriable(new) and str(then) not in asked:
                self.values[str(then)] = (new, path, number)

    def apply(self, step: Recorded) -> tuple[Recorded, list[str]]:
        """``step`` with the carried values in its path, query and JSON body; a note for each one carried."""
        if not self.values:
            return step, []
        used: dict[str, None] = {}
        parts = urlsplit(step.url)
        path = "/".join(self._segment(segment, used) for segment in parts.path.split("/"))
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        swapped = [(k, self._text(v, used)) for k, v in pairs]
        query = urlencode(swapped) if swapped != pairs else parts.query
        url = urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))
        body = step.body
        if body and body.lstrip()[:1] in ("{", "[") and any(v in body for v in self.values):
            try:
                before = len(used)
                value = self._json(loads(body, what="a recorded body"), used)
                body = json.dumps(value) if len(used) > before else body
            except ValueError:
                pass  # not JSON after all: sent as recorded
        notes = [f"carried {self.values[v][1]} of step {self.values[v][2]}" for v in used]
        return (dataclasses.replace(step, url=url, body=body), notes) if used else (step, [])

    def _text(self, text: str, used: dict[str, None]) -> str:
        if text in self.values:
            used[text] = None
            return str(self.values[text][0])
        return text

    def _segment(self, segment: str, used: dict[str, None]) -> str:
        text = unquote(segment)
        return quote(self._text(text, used), safe="") if text in self.values else segment

    def _json(self, value: Any, used: dict[str, None]) -> Any:
        if isinstance(value, dict):
            return {k: self._json(v, used) for k, v in value.items()}
        if isinstance(value, list):
            return [self._json(v, used) for v in value]
        if _carriable(value) and str(value) in self.values:
            used[str(value)] = None
            new = self.values[str(value)][0]
            return str(new) if isinstance(value, str) else new  # the type the request had
        return value
