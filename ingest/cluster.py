"""Which stored story a new copy belongs to, and which copy is published: pure decisions.

The store finds the candidates (exact keys, then stories sharing a fingerprint band) inside its
write transaction and asks these functions: ``near_match`` (is the new copy one of them, or only
related to some) and ``better_copy`` (should it replace the published copy). Source priority
comes from the config. No database here: candidates arrive as ``store.types.StoredCandidate``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ingest.dedupe_near import Candidate, copy_of, scored_match, should_replace
from store.types import NearMatch, NewStory, StoredCandidate

MAX_RELATED = 5  # related stories recorded per new story (the closest ones)


def better_copy(
    story: NewStory, priorities: Mapping[str, int]
) -> Callable[[StoredCandidate], bool]:
    """A test: should ``story`` replace a stored copy as the published one?"""
    challenger = copy_of(
        story.source, story.body_text, story.dateline, story.agency, story.byline, priorities
    )

    def prefer(held: StoredCandidate) -> bool:
        current = copy_of(
            held.source, held.body_text, held.dateline, held.agency, held.byline, priorities
        )
        return should_replace(current, challenger)

    return prefer


def near_match(
    story: NewStory,
    priorities: Mapping[str, int],
    prefer: Callable[[StoredCandidate], bool] | None = None,
) -> Callable[[Sequence[StoredCandidate]], NearMatch]:
    """A decision over candidates: the stored story ``story`` is a copy of, else its relatives.

    ``prefer`` is ``better_copy(story, priorities)`` when the caller made it already."""
    prefer = prefer or better_copy(story, priorities)
    new = Candidate(story.title, story.body_text, story.agency, story.dateline, story.published)

    def decide(rows: Sequence[StoredCandidate]) -> NearMatch:
        known = {
            r.story_id: Candidate(
                r.title, r.body_text, r.agency, r.dateline, r.published, r.story_id
            )
            for r in rows
        }
        best, related = scored_match(new, list(known.values()))
        if best is not None and best.story_id is not None:
            held = next(r for r in rows if r.story_id == best.story_id)
            return NearMatch(story_id=best.story_id, replace=prefer(held))
        scored = sorted(
            ((c.story_id, score) for c, score in related if c.story_id),
            key=lambda pair: -pair[1],
        )
        return NearMatch(related=tuple(scored[:MAX_RELATED]))

    return decide
