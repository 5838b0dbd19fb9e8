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
# The tag and comment tokens of _TOKEN, a tag's name (as _TAG_NAME reads it) in group 1.
_TAG = re.compile(r"<!--.*?-->|<\s*/?\s*([A-Za-z][\w-]*)[^>]*>|<[^>]*>", re.S)
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]\w*);")  # its entity tokens
_TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z][\w-]*)")
_BLOCK_TAGS = _words(
    """p div li ul ol blockquote pre h1 h2 h3 h4 h5 h6 figcaption figure table tr td th section
    article aside header footer dd dt dl hr main nav address"""
)
_EMPTY = re.compile(r"<([A-Za-z][\w-]*)(?:\s[^>]*)?>(?:\s|&nbsp;|&#160;|<br\s*/?>)*</\1\s*>")
_SPACE = frozenset(" \t\n\r\f\v\u00a0")
_SPACE_RUN = re.compile("[ \t\n\r\f\v\u00a0]+")
_RUN = re.compile("[ \t\n\r\f\v\u00a0]+|[^ \t\n\r\f\v\u00a0]+")


@dataclass(frozen=True, slots=True)
class Cut:
    """Text to remove: a whole paragraph, or the start or the end of one."""

    kind: str  # "paragraph" | "prefix" | "suffix"
    text: str
    from_end: bool = False


@dataclass(slots=True)
class _Segment:
    """Visible text of one block run (whitespace collapsed) and the source range it came from.

    The per-character source spans are only computed (``_spans``) for a segment a cut is in:
    building them for the whole body cost more than all the rest of attribution.
    """

    text: str
    start: int
    end: int


def _segments(source: str) -> list[_Segment]:
    """Split visible text into runs between block-tag boundaries, whitespace collapsed.

    Only tags and comments are matched one by one; the text between two of them is taken
    whole (its entities decoded one by one). ``_TOKEN`` finds the very same tags: text and
    entity tokens never hold a ``<``.
    """
    segments: list[_Segment] = []
    pieces: list[str] = []
    begin = done = 0
    for match in _TAG.finditer(source):
        start = match.start()
        if start > done:
            piece = _visible(source[done:start])
            if piece:
                pieces.append(piece)
        done = match.end()
        name = match.group(1)
        tag = name.lower() if name else ""
        if tag in _BLOCK_TAGS and pieces:
            segments.append(_Segment(_collapse("".join(pieces)), begin, start))
            pieces = []
            begin = done
        elif tag == "br":
            pieces.append(" ")
    if done < len(source):
        piece = _visible(source[done:])
        if piece:
            pieces.append(piece)
    if pieces:
        segments.append(_Segment(_collapse("".join(pieces)), begin, len(source)))
    return [s for s in segments if s.text.strip()]


def _visible(text: str) -> str:
    """Text between two tags as it reads: each entity decoded on its own, as ``_TOKEN`` cuts it."""
    return _ENTITY.sub(_decode, text) if "&" in text else text


def _decode(match: re.Match[str]) -> str:
    return htmllib.unescape(match.group(0))


def _collapse(text: str) -> str:
    """Each run of whitespace (as ``_SPACE`` defines it) as one space, ends kept."""
    return _SPACE_RUN.sub(" ", text)


def _source_spans(source: str, segment: _Segment, first: int, end: int) -> list[tuple[int, int]]:
    """The source spans of the visible characters ``first:end`` of ``segment``.

    Walks the segment's tokens as ``_segments`` did, counting visible characters: a run of
    whitespace is one visible space (when it does not follow one) and maps to its whole source
    run, an entity maps to its whole source, a ``<br>`` to nothing.
    """
    spans: list[tuple[int, int]] = []
    pos = 0  # visible characters so far
    after_space = False  # the last visible character is a space
    for match in _TOKEN.finditer(source, segment.start, segment.end):
        if pos > end:
            break
        token = match.group(0)
        start = match.start()
        if token[0] == "<" and len(token) > 1:
            name = _TAG_NAME.match(token)
            if name and name.group(1).lower() == "br" and not after_space:
                pos, after_space = pos + 1, True  # a visible space standing for no source
            continue
        if token[0] == "&" and len(token) > 1:
            for char in htmllib.unescape(token):
                if char in _SPACE and after_space:
                    index = pos - 1
                else:
                    index, pos, after_space = pos, pos + 1, char in _SPACE
                if first <= index < end:
                    spans.append((start, match.end()))
            continue
        for run in _RUN.finditer(token):
            length = run.end() - run.start()
            if run.group(0)[0] in _SPACE:
                if not after_space:
                    pos, after_space = pos + 1, True
                if first <= pos - 1 < end:
                    spans.append((start + run.start(), start + run.end()))
                continue
            low, high = max(first, pos), min(end, pos + length)
            if low < high:
                spans.append((start + run.start() + low - pos, start + run.start() + high - pos))
            pos, after_space = pos + length, False
    return spans


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
        spans.extend(_source_spans(source, segments[index], first, end))
    if not spans:
        return source, missed
    # Delete the spans left to right, overlapping or touching ones as one: each deletion leaves
    # a mark where it happened, in the coordinates of the final text (deleting touching spans
    # one by one would leave the same mark several times).
    kept: list[str] = []
    marks: list[int] = []
    done = removed = 0
    for start, end in sorted(spans):
        if end <= done:
            continue
        start = max(start, done)
        if start == done and marks and kept:
            removed += end - start  # touches the previous deletion: same mark
        else:
            kept.append(source[done:start])
            marks.append(start - removed)
            removed += end - start
        done = end
    kept.append(source[done:])
    return _drop_emptied("".join(kept), marks), missed


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
