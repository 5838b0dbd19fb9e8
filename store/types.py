"""Frozen types that the store hands out and takes in; the rest of the system sees only these.

The SQLModel tables in ``store.models`` are private to the store. This module holds no queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AlsoAt:
    """Another outlet that carried the same story (a duplicate merged into a canonical one)."""

    source: str
    url: str | None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class StoredStory:
    """A story as stored: what publish renders and ``stories export`` prints."""

    id: int
    source: str
    guid: str
    url: str | None
    canonical_url: str | None
    title: str
    slug: str
    published: datetime | None
    first_seen: datetime
    updated: datetime
    agency: str | None
    dateline: str | None
    byline: str | None
    credit_line: str | None
    sections: tuple[str, ...]
    body_text: str
    body_html: str
    summary: str | None = None
    also_at: tuple[AlsoAt, ...] = ()
    revisions: int = 0
    lead_image: str | None = None
    rights: str | None = None

    @property
    def date(self) -> datetime:
        """The date readers see: when it was published, else when we first saw it."""
        return self.published or self.first_seen


@dataclass(frozen=True, slots=True)
class SourceState:
    """Per-source scheduling and health state, one row per configured source."""

    name: str
    etag: str | None = None
    last_modified: str | None = None
    next_due: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    error_count: int = 0
    health: str = "new"
    final_url: str | None = None
    permanent_errors: int = 0
    moved_to: str | None = None
    moved_count: int = 0
    health_reason: str | None = None


@dataclass(frozen=True, slots=True)
class SectionAssignment:
    section: str
    rule_id: str
    matched: str = ""


@dataclass(frozen=True, slots=True)
class NewStory:
    """Everything the store needs to record a story seen for the first time."""

    source: str
    guid: str
    url: str | None
    url_key: str | None
    canonical_url: str | None
    title: str
    published: datetime | None
    agency: str | None
    dateline: str | None
    byline: str | None
    credit_line: str | None
    body_text: str
    body_html: str
    body_hash: str | None
    sections: tuple[SectionAssignment, ...] = ()
    summary: str | None = None
    contributors: tuple[str, ...] = ()
    evidence: tuple[tuple[str, str, str], ...] = ()
    lead_image: str | None = None
    rights: str | None = None
    entry_hash: str | None = None
    feed_blob: str | None = None
    page_blob: str | None = None
    guid_key: str | None = None
    fingerprint: tuple[int | None, ...] | None = None
    fingerprint_words: int = 0


@dataclass(frozen=True, slots=True)
class NearMatch:
    """The pipeline's near-duplicate verdict for a new story, decided inside its transaction."""

    story_id: int | None = None  # the stored story it is a copy of
    replace: bool = False  # the new copy should become the published one
    related: tuple[tuple[int, float], ...] = ()  # (story id, score) of stories only related


@dataclass(frozen=True, slots=True)
class Known:
    """What the store already has for a candidate story, found by one of its keys."""

    story_id: int
    via: str  # "item" (same source and guid), "url" (same normalized URL), "hash" (same body)
    entry_hash: str | None = None


@dataclass(frozen=True, slots=True)
class StoredCandidate:
    """A stored story as the near-duplicate and canonical-copy decisions see it."""

    story_id: int
    title: str
    body_text: str
    agency: str | None
    dateline: str | None
    published: datetime | None
    shared_bands: int = 0
    source: str = ""
    byline: str | None = None
