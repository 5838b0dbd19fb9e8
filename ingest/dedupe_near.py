"""Near-duplicate decisions: is a candidate the same story, and which copy of a cluster leads.

``same_story(a, b)`` confirms a candidate found through the fingerprint index
(``store.fingerprints``) with a similarity score computed on the two texts
(``ingest.fingerprint.similarity``), after three guards that each veto a merge: two different
known agencies (two stories, at most *related*), two different known datelines, and publication
times further apart than ``WINDOW``. When in doubt it does not merge: bodies too short to judge,
a score between the thresholds, or copies quoting different numbers (daily template reports) are
kept apart. ``best_match`` applies it to all candidates of a new story.

``should_replace`` picks the copy to publish: source priority first, then
completeness (length, dateline, agency, byline), then the earliest seen, with hysteresis so that a
slightly longer copy does not flip the cluster back and forth.

Pure: no I/O, no clock; the candidates and their texts come from the caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from ingest.fingerprint import MIN_WORDS, Similarity, similarity, word_count, words_of

WINDOW = timedelta(hours=72)
# A copy: nearly all shingles of the shorter text are in the longer one and the numbers agree.
COPY_CONTAINMENT = 0.8
COPY_NUMBERS = 0.5
# A rewrite (cut, words replaced, paragraphs added): most shingles, the lead and the numbers kept.
REWRITE_CONTAINMENT = 0.5
REWRITE_LEAD = 0.6
REWRITE_NUMBERS = 0.75
# Related (same event, other words; or a follow-up): shared vocabulary, within the window.
RELATED_WORDS = 0.12
RELATED_CONTAINMENT = 0.2
UNKNOWN_AGENCIES = frozenset({"agencies", ""})


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the near-duplicate decision needs to know about one copy of a story."""

    title: str
    body_text: str
    agency: str | None = None
    dateline: str | None = None
    published: datetime | None = None
    story_id: int | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """``same``: one story (merge); ``related``: another story about the same event or subject."""

    same: bool
    related: bool
    score: float
    reason: str


@lru_cache(maxsize=4096)  # the same few agencies and datelines, once per candidate pair otherwise
def _norm_agency(agency: str | None) -> str:
    return (agency or "").strip().casefold()


@lru_cache(maxsize=4096)
def _norm_dateline(dateline: str | None) -> str:
    """ "WASHINGTON, D.C." and "Washington" compare equal: the place before any comma."""
    head = (dateline or "").split(",")[0]
    return " ".join(words_of(head))


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _related(sim: Similarity) -> bool:
    return sim.overlap_words >= RELATED_WORDS or sim.containment >= RELATED_CONTAINMENT


def same_story(a: Candidate, b: Candidate) -> Verdict:
    """Whether ``a`` and ``b`` are copies of one story; see the module docstring for the rules."""
    if a.published and b.published and abs(_utc(a.published) - _utc(b.published)) > WINDOW:
        return Verdict(False, False, 0.0, "published too far apart")
    sim = similarity(a.body_text, b.body_text)
    score = round(sim.containment, 3)
    agency_a, agency_b = _norm_agency(a.agency), _norm_agency(b.agency)
    known = agency_a not in UNKNOWN_AGENCIES and agency_b not in UNKNOWN_AGENCIES
    if known and agency_a != agency_b:
        return Verdict(False, _related(sim), score, f"agencies differ ({a.agency}/{b.agency})")
    place_a, place_b = _norm_dateline(a.dateline), _norm_dateline(b.dateline)
    if place_a and place_b and place_a != place_b:
        return Verdict(False, _related(sim), score, f"datelines differ ({a.dateline}/{b.dateline})")
    if min(word_count(a.body_text), word_count(b.body_text)) < MIN_WORDS:
        return Verdict(False, _related(sim), score, "body too short to judge")
    if sim.containment >= COPY_CONTAINMENT and sim.numbers >= COPY_NUMBERS:
        return Verdict(True, False, score, "copy")
    if (
        sim.containment >= REWRITE_CONTAINMENT
        and sim.lead >= REWRITE_LEAD
        and sim.numbers >= REWRITE_NUMBERS
    ):
        return Verdict(True, False, score, "rewrite")
    if sim.containment >= REWRITE_CONTAINMENT and sim.numbers < REWRITE_NUMBERS:
        return Verdict(False, True, score, "numbers differ")
    return Verdict(False, _related(sim), score, "not similar enough")


def best_match(
    new: Candidate, candidates: Sequence[Candidate]
) -> tuple[Candidate | None, tuple[Candidate, ...]]:
    """The candidate ``new`` is a copy of (highest score), and the ones it is only related to."""
    best, related = scored_match(new, candidates)
    return best, tuple(cand for cand, _score in related)


def scored_match(
    new: Candidate, candidates: Sequence[Candidate]
) -> tuple[Candidate | None, tuple[tuple[Candidate, float], ...]]:
    """``best_match`` with the score of each related candidate (each pair is judged once)."""
    best: tuple[float, Candidate] | None = None
    related: list[tuple[Candidate, float]] = []
    for cand in candidates:
        verdict = same_story(new, cand)
        if verdict.same and (best is None or verdict.score > best[0]):
            best = (verdict.score, cand)
        elif verdict.related:
            related.append((cand, verdict.score))
    return (best[1] if best else None), tuple(related)


@dataclass(frozen=True, slots=True)
class Copy:
    """One copy of a clustered story, as far as choosing the published one is concerned."""

    key: str  # the caller's id for the copy, e.g. "source:guid"
    priority: int  # the source's configured ``priority`` (higher wins)
    words: int
    has_dateline: bool = False
    has_agency: bool = False
    has_byline: bool = False
    first_seen: datetime | None = None


LONGER_BY = 1.1  # a copy must be 10 % longer to count as more complete


def _completeness(c: Copy) -> int:
    return int(c.has_dateline) + int(c.has_agency) + int(c.has_byline)


def should_replace(current: Copy, challenger: Copy) -> bool:
    """Whether ``challenger`` should become the published copy instead of ``current``."""
    if challenger.priority != current.priority:
        return challenger.priority > current.priority
    if challenger.words >= current.words * LONGER_BY and challenger.words >= MIN_WORDS:
        return True
    if challenger.words * LONGER_BY <= current.words:
        return False
    return _completeness(challenger) > _completeness(current)


def copy_of(
    source: str,
    body: str,
    dateline: str | None,
    agency: str | None,
    byline: str | None,
    priorities: Mapping[str, int],
) -> Copy:
    """A stored or new copy as ``should_replace`` sees it (unknown sources have priority 0)."""
    return Copy(
        key=source,
        priority=priorities.get(source, 0),
        words=len(body.split()),
        has_dateline=bool(dateline),
        has_agency=bool(agency),
        has_byline=bool(byline),
    )
