"""Pure listing logic: which stories go on which page, in which order.

Newest first everywhere (by ``story.date``, then id). Groups stories per configured section,
paginates, finds previous/next in a section, the recent stories, related stories (shared
significant title/body terms through a small inverted index), and the home page's latest per
section. It also gives each story its output path, resolving collisions.

Deliberately no rendering, no file system, no clock and no database: frozen data in, frozen data
out. Section names a story carries that are not configured are ignored (no page to link to).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from publish.paths import safe_slug, story_path, utc

if TYPE_CHECKING:
    from config.settings import SectionSettings
    from store.types import StoredStory

_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
_BODY_WORDS = 60
_MAX_DF = 40  # a term in more stories than this is too common to relate them
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
class ListingPage:
    """Page ``number`` (1-based) of ``total`` in a section's listing."""

    section: Section
    number: int
    total: int
    stories: tuple[StoredStory, ...]


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


def paginate(section: Section, stories: Sequence[StoredStory], per_page: int) -> list[ListingPage]:
    """Split a section's stories into pages of ``per_page``; an empty section has one page."""
    per_page = max(1, per_page)
    total = max(1, math.ceil(len(stories) / per_page))
    return [
        ListingPage(section, n + 1, total, tuple(stories[n * per_page : (n + 1) * per_page]))
        for n in range(total)
    ]


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


def latest_per_section(
    groups: Mapping[str, tuple[StoredStory, ...]], sections: Sequence[Section], n: int
) -> list[tuple[Section, tuple[StoredStory, ...]]]:
    """For the home page: each section (config order) with its ``n`` newest stories."""
    return [(sec, groups.get(sec.slug, ())[:n]) for sec in sections]


def assign_paths(stories: Sequence[StoredStory]) -> dict[int, str]:
    """story id -> output path; a path already taken gets '-<id>' appended to its slug."""
    paths: dict[int, str] = {}
    taken: set[str] = set()
    for story in sorted(stories, key=lambda s: s.id):
        slug = safe_slug(story.slug, story.title, story.id)
        path = story_path(story.date, slug)
        if path in taken:
            path = story_path(story.date, f"{slug[:70]}-{story.id}")
        taken.add(path)
        paths[story.id] = path
    return paths


def terms(story: StoredStory) -> frozenset[str]:
    """Significant words of the title and the start of the body (lowercase, no stopwords)."""
    body = " ".join(story.body_text.split()[:_BODY_WORDS])
    words = _WORD.findall(f"{story.title} {body}".lower())
    return frozenset(w for w in words if w not in _STOP)


def related_map(
    stories: Sequence[StoredStory], n: int, *, min_shared: int = 2
) -> dict[int, tuple[StoredStory, ...]]:
    """story id -> up to ``n`` stories sharing the most significant (rare) terms with it.

    ``stories`` must be newest first. A candidate must share ``min_shared`` terms; candidates
    are ranked by the summed inverse document frequency of the shared terms, ties to the newer.
    Terms in more than max(3, 5%) of stories, or in more than ``_MAX_DF``, are ignored as too
    common; that also bounds the work per story (terms x _MAX_DF).
    """
    story_terms = [terms(s) for s in stories]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ts in enumerate(story_terms):
        for t in ts:
            postings[t].append(i)
    cap = min(max(3, len(stories) // 20), _MAX_DF)
    total = len(stories)
    weight = {t: math.log(1 + total / len(ix)) for t, ix in postings.items() if 1 < len(ix) <= cap}
    result: dict[int, tuple[StoredStory, ...]] = {}
    for i, ts in enumerate(story_terms):
        scores: dict[int, float] = defaultdict(float)
        shared: dict[int, int] = defaultdict(int)
        for t in ts:
            w = weight.get(t)
            if w is None:
                continue
            for j in postings[t]:
                if j != i:
                    scores[j] += w
                    shared[j] += 1
        best = sorted((j for j in scores if shared[j] >= min_shared), key=lambda j: (-scores[j], j))
        result[stories[i].id] = tuple(stories[j] for j in best[:n])
    return result
