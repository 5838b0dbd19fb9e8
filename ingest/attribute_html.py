"""Cut attribution text out of sanitized HTML, leaving every other byte as it was.

The text twin of a body is easy to edit; the HTML must lose exactly the same words. Instead of
parsing and re-serialising (which would rewrite quoting and entities everywhere), this module
maps each visible character of the HTML to its source span, finds the cut in that visible text
(whitespace collapsed, entities decoded, so "<strong>WASHINGTON</strong>&nbsp;&mdash; US" still
matches "WASHINGTON — "), deletes those spans, and then drops the elements the cut left empty.

Deliberately not here: any HTML repair or sanitising (``ingest.clean`` did that), and any
decision about *what* to cut: the caller passes the exact text.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass


def _words(table: str) -> frozenset[str]:
    """A word table written as one string (easier to read and edit than a list literal)."""
    return frozenset(table.split())


_TOKEN = re.compile(
    r"<!--.*?-->|<[^>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]\w*);|[^<&]+|[<&]", re.S
)
_TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z][\w-]*)")
_BLOCK_TAGS = _words(
    """p div li ul ol blockquote pre h1 h2 h3 h4 h5 h6 figcaption figure table tr td th section
    article aside header footer dd dt dl hr main nav address"""
)
_EMPTY = re.compile(r"<([A-Za-z][\w-]*)(?:\s[^>]*)?>(?:\s|&nbsp;|&#160;|<br\s*/?>)*</\1\s*>")
_SPACE = frozenset(" \t\n\r\f\v\u00a0")


@dataclass(frozen=True, slots=True)
class Cut:
    """Text to remove: a whole paragraph, or the start or the end of one."""

    kind: str  # "paragraph" | "prefix" | "suffix"
    text: str
    from_end: bool = False


@dataclass(slots=True)
class _Segment:
    """Visible text of one block run: collapsed characters with their source spans."""

    chars: list[str]
    spans: list[list[tuple[int, int]]]

    @property
    def text(self) -> str:
        return "".join(self.chars)


def _segments(source: str) -> list[_Segment]:
    """Split visible text into runs between block-tag boundaries, whitespace collapsed."""
    segments: list[_Segment] = [_Segment([], [])]
    for match in _TOKEN.finditer(source):
        token = match.group(0)
        if token.startswith("<") and len(token) > 1:
            name = _TAG_NAME.match(token)
            tag = name.group(1).lower() if name else ""
            if tag in _BLOCK_TAGS and segments[-1].chars:
                segments.append(_Segment([], []))
            elif tag == "br":
                _add(segments[-1], " ", match.start(), match.start())
            continue
        if token.startswith("&") and len(token) > 1:
            _add(segments[-1], htmllib.unescape(token), match.start(), match.end())
            continue
        for offset, char in enumerate(token):
            _add(segments[-1], char, match.start() + offset, match.start() + offset + 1)
    return [s for s in segments if s.text.strip()]


def _add(segment: _Segment, chars: str, start: int, end: int) -> None:
    for char in chars:
        if char in _SPACE:
            if segment.chars and segment.chars[-1] == " ":
                segment.spans[-1].append((start, end))  # collapsed run: several source spans
                continue
            char = " "
        segment.chars.append(char)
        segment.spans.append([(start, end)])


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _locate(
    segments: list[_Segment], cut: Cut, used: set[tuple[int, str]]
) -> tuple[int, int, int] | None:
    """(segment index, first char, end char) of the cut in the visible text, or ``None``."""
    target = _norm(cut.text)
    if not target:
        return None
    order = range(len(segments) - 1, -1, -1) if cut.from_end else range(len(segments))
    for index in order:
        if (index, cut.kind) in used or (index, "paragraph") in used:
            continue
        text = segments[index].text
        stripped = text.strip()
        lead = len(text) - len(text.lstrip())
        if cut.kind == "paragraph" and stripped == target:
            return index, 0, len(text)
        if cut.kind == "prefix" and stripped.startswith(target):
            end = lead + len(target)
            while end < len(text) and text[end] == " ":
                end += 1
            return index, lead, end
        if cut.kind == "suffix" and stripped.endswith(target):
            end = lead + len(stripped)
            start = end - len(target)
            while start > lead and text[start - 1] == " ":
                start -= 1
            return index, start, end
    return None


def apply_cuts(source: str, cuts: list[Cut]) -> tuple[str, list[Cut]]:
    """``source`` with every cut removed; also returns the cuts that could not be found."""
    missed: list[Cut] = []
    spans: list[tuple[int, int]] = []
    segments = _segments(source)
    used: set[tuple[int, str]] = set()
    for cut in cuts:
        found = _locate(segments, cut, used)
        if found is None:
            missed.append(cut)
            continue
        index, first, end = found
        used.add((index, cut.kind))
        for char_spans in segments[index].spans[first:end]:
            spans.extend(char_spans)
    if not spans:
        return source, missed
    out = source
    marks: list[int] = []
    for start, end in sorted(set(spans), reverse=True):
        if end <= start:
            continue
        out = out[:start] + out[end:]
        marks = [m - (end - start) if m > start else m for m in marks]
        marks.append(start)
    return _drop_emptied(out, marks), missed


def _drop_emptied(source: str, marks: list[int]) -> str:
    """Remove elements left empty by a cut (and only those: untouched empty tags stay)."""
    changed = True
    while changed:
        changed = False
        for match in _EMPTY.finditer(source):
            if any(match.start() <= m <= match.end() for m in marks):
                width = match.end() - match.start()
                source = source[: match.start()] + source[match.end() :]
                marks = [m - width if m > match.end() else min(m, match.start()) for m in marks]
                changed = True
                break
    return source
