"""Revisions of a stored story: what changed, how much it matters, and whether to record it.

``classify_revision(old_title, old_text, new_title, new_text)`` compares two versions word by
word after removing what never counts as a change (whitespace, case of spacing, URLs' tracking
parameters and image URLs, clock times and "updated ... ago" stamps) and returns a ``Revision``:
``cosmetic`` (nothing left to compare), ``correction`` (at most ``CORRECTION_WORDS`` words
changed, or under ``CORRECTION_SHARE`` of the words) or ``substantive``, with a compact
word-level diff (``-[old words] +[new words]`` hunks with a few words of context). Only a
substantive revision should bump ``updated``.

``may_record(recent, now)`` caps hash-driven revisions per story (``MAX_PER_DAY`` in 24 h) so a
feed that embeds the current time cannot churn forever. Pure: the history comes from the caller;
nothing is stored here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from difflib import SequenceMatcher

from ingest.urls import strip_tracking

CORRECTION_WORDS = 3
CORRECTION_SHARE = 0.02
CONTEXT_WORDS = 4
MAX_PER_DAY = 6
MAX_DIFF_CHARS = 4000

_URL = re.compile(r"https?://\S+")
_IMAGE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg)(?:\?\S*)?$", re.I)
# Stamps that change on every fetch without the story changing.
_STAMPS = (
    re.compile(r"\b(?:updated|published|posted|last modified)\b[^.\n]{0,60}?\bago\b", re.I),
    re.compile(  # "Updated 10:32 GMT." / "Posted at 9:05 pm"
        r"\b(?:updated|published|posted|last modified)\b:?\s*(?:at\s+|on\s+)?"
        r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:GMT|UTC|[A-Z]{2,4}T)?\.?",
        re.I,
    ),
    re.compile(r"\b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?)\s+ago\b", re.I),
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:GMT|UTC|[A-Z]{2,4}T)?", re.I),
    re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"),
)
_TOKEN = re.compile(r"\S+")
# Typography that outlets and CMSes change freely: curly quotes, dashes, non-breaking spaces.
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


def _url_token(match: re.Match[str]) -> str:
    url = match.group().rstrip(".,;)")
    if _IMAGE.search(url):
        return ""
    return strip_tracking(url)


def comparable_words(text: str) -> list[str]:
    """The words of ``text`` that a revision is judged on (stamps, image URLs, tracking gone)."""
    text = _URL.sub(_url_token, text.translate(_TYPOGRAPHY))
    for stamp in _STAMPS:
        text = stamp.sub(" ", text)
    return _TOKEN.findall(text)


@dataclass(frozen=True, slots=True)
class Revision:
    """``kind``: "cosmetic", "correction" or "substantive"; ``changed``: words changed."""

    kind: str
    changed: int
    total: int
    diff: str

    @property
    def bumps_updated(self) -> bool:
        return self.kind == "substantive"


def word_diff(old: Sequence[str], new: Sequence[str]) -> tuple[int, str]:
    """Words changed (the larger side of each replaced span) and the compact diff text."""
    matcher = SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    changed = 0
    hunks: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changed += max(i2 - i1, j2 - j1)
        before = " ".join(old[max(0, i1 - CONTEXT_WORDS) : i1])
        after = " ".join(old[i2 : i2 + CONTEXT_WORDS])
        parts = [f"…{before}" if before else ""]
        if i2 > i1:
            parts.append("-[" + " ".join(old[i1:i2]) + "]")
        if j2 > j1:
            parts.append("+[" + " ".join(new[j1:j2]) + "]")
        parts.append(f"{after}…" if after else "")
        hunks.append(" ".join(p for p in parts if p))
    text = "\n".join(hunks)
    if len(text) > MAX_DIFF_CHARS:
        text = text[: MAX_DIFF_CHARS - 1] + "…"
    return changed, text


def classify_revision(old_title: str, old_text: str, new_title: str, new_text: str) -> Revision:
    """How a new version of a story differs from the stored one (see the module docstring)."""
    old = ["#", *comparable_words(old_title), "#", *comparable_words(old_text)]
    new = ["#", *comparable_words(new_title), "#", *comparable_words(new_text)]
    if [w.casefold() for w in old] == [w.casefold() for w in new]:
        return Revision("cosmetic", 0, len(new), "")
    changed, diff = word_diff(old, new)
    total = max(len(old), len(new))
    if changed <= CORRECTION_WORDS or changed < total * CORRECTION_SHARE:
        return Revision("correction", changed, total, diff)
    return Revision("substantive", changed, total, diff)


def may_record(recent: Sequence[datetime], now: datetime, *, limit: int = MAX_PER_DAY) -> bool:
    """Whether one more hash-driven revision may be recorded, given the earlier ones' times."""
    aware_now = now.replace(tzinfo=UTC) if now.tzinfo is None else now
    since = aware_now - timedelta(hours=24)
    count = sum(1 for t in recent if (t.replace(tzinfo=UTC) if t.tzinfo is None else t) > since)
    return count < limit
