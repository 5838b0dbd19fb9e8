"""Tests for ingest.attribute_html against a slow reference: the per-character algorithm.

``apply_cuts`` builds visible text per segment and maps only the cut characters back to the
source. The reference below maps *every* visible character to its source spans (the way the
module first worked) and deletes them one by one; both must give the same HTML for any markup
and any cut, including entities, ``<br>``, collapsed whitespace, lone ``<``/``&`` and cuts that
overlap or touch.
"""

from __future__ import annotations

import html as htmllib
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.attribute_html import (
    _BLOCK_TAGS,
    _EMPTY,
    _TAG_NAME,
    _TOKEN,
    Cut,
    _drop_emptied,
    apply_cuts,
)

_WS = frozenset(" \t\n\r\f\v\u00a0")


def _reference_segments(source: str) -> list[tuple[list[str], list[list[tuple[int, int]]]]]:
    segments: list[tuple[list[str], list[list[tuple[int, int]]]]] = [([], [])]

    def add(chars: str, start: int, end: int) -> None:
        seg_chars, seg_spans = segments[-1]
        for char in chars:
            if char in _WS:
                if seg_chars and seg_chars[-1] == " ":
                    seg_spans[-1].append((start, end))
                    continue
                char = " "
            seg_chars.append(char)
            seg_spans.append([(start, end)])

    for match in _TOKEN.finditer(source):
        token = match.group(0)
        if token.startswith("<") and len(token) > 1:
            name = _TAG_NAME.match(token)
            tag = name.group(1).lower() if name else ""
            if tag in _BLOCK_TAGS and segments[-1][0]:
                segments.append(([], []))
            elif tag == "br":
                add(" ", match.start(), match.start())
            continue
        if token.startswith("&") and len(token) > 1:
            add(htmllib.unescape(token), match.start(), match.end())
            continue
        for offset, char in enumerate(token):
            add(char, match.start() + offset, match.start() + offset + 1)
    return [s for s in segments if "".join(s[0]).strip()]


def _reference(source: str, cuts: list[Cut]) -> tuple[str, int]:
    """The cut HTML and the number of cuts not found, character by character."""
    segments = _reference_segments(source)
    used: set[tuple[int, str]] = set()
    spans: list[tuple[int, int]] = []
    missed = 0
    for cut in cuts:
        target = " ".join(cut.text.replace("\u00a0", " ").split())
        order = range(len(segments) - 1, -1, -1) if cut.from_end else range(len(segments))
        found = None
        for index in order if target else ():
            if (index, cut.kind) in used or (index, "paragraph") in used:
                continue
            text = "".join(segments[index][0])
            stripped, lead = text.strip(), len(text) - len(text.lstrip())
            if cut.kind == "paragraph" and stripped == target:
                found = index, 0, len(text)
            elif cut.kind == "prefix" and stripped.startswith(target):
                end = lead + len(target)
                while end < len(text) and text[end] == " ":
                    end += 1
                found = index, lead, end
            elif cut.kind == "suffix" and stripped.endswith(target):
                end = lead + len(stripped)
                start = end - len(target)
                while start > lead and text[start - 1] == " ":
                    start -= 1
                found = index, start, end
            if found:
                break
        if found is None:
            missed += 1
            continue
        index, first, end = found
        used.add((index, cut.kind))
        for char_spans in segments[index][1][first:end]:
            spans.extend(char_spans)
    out, marks = source, []
    for start, end in sorted(set(spans), reverse=True):
        if end <= start:
            continue
        out = out[:start] + out[end:]
        marks = [m - (end - start) if m > start else m for m in marks]
        marks.append(start)
    return (_drop_emptied(out, marks) if marks else out), missed


_PIECES = [
    "<p>", "</p>", "<div class='x'>", "</div>", "<b>", "</b>", "<br>", "<br/>", "<!-- c -->",
    "&nbsp;", "&#1;", "&amp;", "&notit;", "&#x20;", "&#160;", "&mdash;", " ", "  ", "\n", "\t",
    "\u00a0", "\u2003", "Reuters", "WASHINGTON", "(AP)", "—", "By", "Jane", "Doe", "x", "<", "&",
    "a < b", "> c", "<!--", "<span>", "</span>", "<li>", "</li>", "<td>", "<p></p>", "<P>", "<BR>",
]  # fmt: skip


def _cuts_for(source: str, rng: random.Random) -> list[Cut]:
    """Cuts that usually match: whole segments, their first or last words."""
    texts = ["".join(chars).strip() for chars, _ in _reference_segments(source)]
    cuts = []
    for _ in range(rng.randint(1, 3)):
        if not texts:
            break
        words = rng.choice(texts).split(" ")
        k = rng.randint(1, len(words))
        kind = rng.choice(["paragraph", "prefix", "suffix"])
        text = {
            "paragraph": " ".join(words),
            "prefix": " ".join(words[:k]),
            "suffix": " ".join(words[-k:]),
        }[kind]
        cuts.append(Cut(kind, text if rng.random() > 0.1 else text + " nope", rng.random() < 0.5))
    return cuts


def test_random_markup_matches_the_reference() -> None:
    rng = random.Random(20261128)
    changed = 0
    for _ in range(3000):
        source = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 25)))
        cuts = _cuts_for(source, rng)
        html, missed = apply_cuts(source, cuts)
        assert (html, len(missed)) == _reference(source, cuts), (source, cuts)
        changed += html != source
    assert changed > 1500  # the cuts really cut


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=30),
    st.lists(
        st.tuples(st.sampled_from(["paragraph", "prefix", "suffix"]), st.text(max_size=12)),
        max_size=3,
    ),
    st.booleans(),
)
def test_any_cut_matches_the_reference(
    pieces: list[str], raw_cuts: list[tuple[str, str]], from_end: bool
) -> None:
    source = "".join(pieces)
    cuts = [Cut(kind, text, from_end) for kind, text in raw_cuts]
    html, missed = apply_cuts(source, cuts)
    assert (html, len(missed)) == _reference(source, cuts)


@pytest.mark.parametrize(
    ("source", "cuts", "expected"),
    [
        # A prefix and a suffix of one paragraph that overlap: deleted once, not twice.
        ("<p>Alpha beta gamma</p>", [Cut("prefix", "Alpha beta"), Cut("suffix", "beta gamma")], ""),
        # Touching cuts across an entity and collapsed whitespace.
        (
            "<p><b>WASHINGTON</b>&nbsp;&mdash; \n US stocks rose.</p><p>Reporting by Jo</p>",
            [Cut("prefix", "WASHINGTON —"), Cut("paragraph", "Reporting by Jo", True)],
            "<p>US stocks rose.</p>",
        ),
        # A <br> counts as a space but has no source to delete.
        ("<p>By Jane Doe<br>Reuters</p><p>Text.</p>", [Cut("prefix", "By Jane Doe")], None),
    ],
)
def test_examples_match_the_reference(source: str, cuts: list[Cut], expected: str | None) -> None:
    html, missed = apply_cuts(source, cuts)
    assert not missed
    assert (html, 0) == _reference(source, cuts)
    if expected is not None:
        assert html == expected


def test_untouched_empty_elements_stay() -> None:
    source = "<p></p><p>(Reuters) - Markets fell.</p>"
    html, _ = apply_cuts(source, [Cut("prefix", "(Reuters) -")])
    assert html == "<p></p><p>Markets fell.</p>"
    assert re.search(_EMPTY, html)
