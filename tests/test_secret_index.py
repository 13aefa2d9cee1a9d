"""SecretIndex finds exactly what one regex alternation over every registered secret found.

The reference is the old implementation: ``re.compile("|".join(escaped values, longest first))``,
whose ``finditer`` gives leftmost, longest-first, non-overlapping matches. Hypothesis builds
secrets of every length class (short ones in the regex, long ones sampled by windows) from a tiny
alphabet, so they overlap, repeat and sit next to each other in the text.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from kit.secret_index import MIN_LENGTH, SAMPLED, STRIDE, SecretIndex

ALPHABET = "ab-=\n"
secret = st.text(ALPHABET, min_size=MIN_LENGTH, max_size=SAMPLED + 3 * STRIDE)


def reference(values: set[str], text: str) -> list[tuple[int, int, str]]:
    pattern = re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))
    return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


@given(values=st.sets(secret, min_size=1, max_size=6), data=st.data())
def test_matches_are_the_single_regex_matches(values: set[str], data: st.DataObject) -> None:
    index = SecretIndex()
    for value in values:
        index.add(value)
    pieces = data.draw(st.lists(st.one_of(st.text(ALPHABET, max_size=12), st.sampled_from(sorted(values))), max_size=8))
    text = "".join(pieces)
    assert index.find(text) == reference(values, text)
    assert index.sub(text, lambda v: "<" + str(len(v)) + ">") == reference_sub(values, text)


def reference_sub(values: set[str], text: str) -> str:
    pattern = re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))
    return pattern.sub(lambda m: "<" + str(len(m.group(0))) + ">", text)


def test_every_alignment_of_a_long_secret_is_found() -> None:
    """The sampling argument, exhaustively: each offset of each length from SAMPLED up."""
    for length in range(SAMPLED, SAMPLED + 2 * STRIDE):
        value = "".join("abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7) % 36] for i in range(length))
        index = SecretIndex()
        index.add(value)
        for offset in range(3 * STRIDE):
            text = "-" * offset + value + "-" * 5
            assert index.find(text) == [(offset, offset + length, value)], (length, offset)


def test_names_short_values_and_a_name_given_later() -> None:
    index = SecretIndex()
    index.add("abc")  # below MIN_LENGTH: not registered, it would mask ordinary words
    assert index.find("abc abc") == [] and len(index) == 0
    index.add("x" * 40)
    index.add("x" * 40, "ACME_TOKEN")
    assert index.name("x" * 40) == "ACME_TOKEN" and len(index) == 1
    index.add("x" * 40, "OTHER")  # the first name stays
    assert index.name("x" * 40) == "ACME_TOKEN"


def test_jwts_sharing_their_start_are_told_apart_by_their_end() -> None:
    header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    values = [header + "payload" + str(i) * 12 + ".sig" + f"{i:04d}" * 6 for i in range(300)]
    index = SecretIndex()
    for value in values:
        index.add(value)
    text = "Bearer " + values[123] + " and " + values[7]
    assert [v for _, _, v in index.find(text)] == [values[123], values[7]]


def test_a_short_secret_right_after_a_long_one_is_found() -> None:
    """Found by the property test: a short match that a scan from the start skips (it overlapped the
    long one's) may begin exactly where the long one ends; one regex finds it, so must the index."""
    index = SecretIndex()
    for value in ("====", "=" * 15, "===-"):
        index.add(value)
    assert index.find("=" * 19) == [(0, 15, "=" * 15), (15, 19, "====")]
    assert index.sub("=" * 19, lambda v: f"<{len(v)}>") == "<15><4>"
