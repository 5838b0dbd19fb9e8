"""Pure listing logic: which stories go on which page, in which order.

Newest first everywhere (by ``story.date``, then id). Groups stories per configured section,
finds previous/next in a section, the recent stories, related stories (shared significant
title/body terms within a window of older stories of the same section, so that new stories
leave older pages alone), and the home page's latest per section. Story paths are given by
``plan.assign_paths`` (which keeps published ones stable); pagination lives in ``archive``.

Deliberately no rendering, no file system, no clock and no database: frozen data in, frozen data
out. Section names a story carries that are not configured are ignored (no page to link to).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

from publish.paths import utc

if TYPE_CHECKING:
    from config.settings import SectionSettings
    from store.types import StoredStory

_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
_BODY_WORDS = 60
_STOP_WORDS = """
    about above after again against also among amid been before being below between both could
    does doing down during each even ever from further have having here into just last least
    like made make many more most much must never next only other over said says same says
    should since some still such than that their them then there these they this those through
    told under until upon very week weeks were what when where which while will with within
    without would year years your monday tuesday wednesday thursday friday saturday sunday
    people reuters associated press agence france presse news report reported according
"""
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True, slots=True)
class Section:
    """A configured section: display name and URL slug."""

    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class Neighbours:
    """The stories either side of one in a section: ``older`` (previous) and ``newer`` (next)."""

    section: Section
    older: StoredStory | None
    newer: StoredStory | None


def sort_key(story: StoredStory) -> tuple[float, int]:
    return (utc(story.date).timestamp(), story.id)


def newest_first(stories: Iterable[StoredStory]) -> tuple[StoredStory, ...]:
    """Stories newest first, one per id (the first occurrence wins)."""
    seen: set[int] = set()
    unique = []
    for story in stories:
        if story.id not in seen:
            seen.add(story.id)
            unique.append(story)
    return tuple(sorted(unique, key=sort_key, reverse=True))


def sections_of(story: StoredStory, lookup: Mapping[str, Section]) -> tuple[Section, ...]:
    """The configured sections a story is in, in the story's order, each once."""
    out: list[Section] = []
    for key in story.sections:
        sec = lookup.get(key)
        if sec is not None and sec not in out:
            out.append(sec)
    return tuple(out)


def section_lookup(configured: Sequence[SectionSettings]) -> dict[str, Section]:
    """Map a section's name and its slug to the Section (stories carry names)."""
    lookup: dict[str, Section] = {}
    for s in configured:
        sec = Section(s.name, s.slug)
        lookup.setdefault(s.slug, sec)
        lookup[s.name] = sec
    return lookup


def group_by_section(
    stories: Sequence[StoredStory], sections: Sequence[Section], lookup: Mapping[str, Section]
) -> dict[str, tuple[StoredStory, ...]]:
    """slug -> stories in that section, keeping the (newest first) order of ``stories``."""
    groups: dict[str, list[StoredStory]] = {s.slug: [] for s in sections}
    for story in stories:
        for sec in sections_of(story, lookup):
            groups[sec.slug].append(story)
    return {slug: tuple(items) for slug, items in groups.items()}


def neighbours(section: Section, stories: Sequence[StoredStory], story_id: int) -> Neighbours:
    """The older and newer story next to ``story_id`` in ``stories`` (newest first)."""
    for i, story in enumerate(stories):
        if story.id == story_id:
            newer = stories[i - 1] if i > 0 else None
            older = stories[i + 1] if i + 1 < len(stories) else None
            return Neighbours(section, older, newer)
    return Neighbours(section, None, None)


def recent(stories: Sequence[StoredStory], exclude: int, n: int) -> tuple[StoredStory, ...]:
    """The ``n`` newest stories other than ``exclude``."""
    return tuple(s for s in stories[: n + 1] if s.id != exclude)[:n]


def terms(story: StoredStory) -> frozenset[str]:
    """Significant words of the title and the start of the body (lowercase, no stopwords)."""
    body = " ".join(story.body_text.split(maxsplit=_BODY_WORDS)[:_BODY_WORDS])
    words = _WORD.findall(f"{story.title} {body}".lower())
    return frozenset(w for w in words if w not in _STOP)


def related_in_window(
    own: frozenset[str],
    window: Sequence[tuple[StoredStory, frozenset[str]]],
    n: int,
    *,
    min_shared: int = 2,
) -> tuple[StoredStory, ...]:
    """Up to ``n`` stories of ``window`` sharing the most significant terms with ``own``.

    ``window`` is a story's older neighbours in its section (newest first) with their terms;
    it is the only corpus consulted, so the answer changes only when the window does (a new
    story never changes an older story's related list). Document frequencies are counted in
    the window; a term in more than max(3, a quarter) of it is too common to relate stories.
    A candidate must share ``min_shared`` such terms; rank by summed inverse document
    frequency, ties to the newer story.
    """
    total = len(window) + 1
    shared_terms = [own & ts for _, ts in window]
    seen = Counter(chain.from_iterable(shared_terms))  # document frequency, less ``own`` itself
    cap = max(3, total // 4)
    weight = {t: math.log(1 + total / (n + 1)) for t, n in seen.items() if n + 1 <= cap}
    scored: list[tuple[float, int, StoredStory]] = []
    for pos, common in enumerate(shared_terms):
        if len(common) < min_shared:
            continue  # cannot share enough weighted terms either
        shared = [weight[t] for t in common if t in weight]
        if len(shared) >= min_shared:
            scored.append((-math.fsum(shared), pos, window[pos][0]))  # exact: order-free
    scored.sort(key=lambda x: (x[0], x[1]))
    return tuple(s for _, _, s in scored[:n])
