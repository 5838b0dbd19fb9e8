"""Frozen value types passed between the ingest stages.

This module defines data only: no parsing, no I/O. Each stage's entry point takes and returns these
types, which is what lets ``reingest`` replay stored inputs through the same stages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful HTTP response, body fully read (and capped)."""

    url: str
    final_url: str
    status: int
    body: bytes
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_redirect: bool = False
    cache_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class NotModified:
    """The server answered 304: nothing changed since the validators we sent."""

    url: str
    cache_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One item of a feed, as the feed states it, before any cleaning."""

    guid: str | None
    link: str | None
    title: str
    summary_html: str | None = None
    content_html: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    rights: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its entries plus what went wrong with the ones that were skipped."""

    format: str
    title: str | None
    link: str | None
    entries: tuple[RawEntry, ...]
    skipped: tuple[str, ...] = ()
    rights: str | None = None
    ttl_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """The article body extracted from a page (``ingest.extract.extract_article``).

    ``text`` is plain text, paragraphs separated by one blank line; ``html`` is sanitized HTML.
    An empty ``text`` means no article was found; that is a result, not an error.
    """

    text: str
    html: str
    title: str | None = None
    byline: str | None = None
    published: datetime | None = None
    canonical_url: str | None = None
    lead_image: str | None = None
    license_url: str | None = None


@dataclass(frozen=True, slots=True)
class Body:
    """A cleaned story body: safe HTML and its plain text (paragraphs split by a blank line)."""

    html: str
    text: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why an attribution field has its value: the rule that fired and the text it matched."""

    field: str
    rule: str
    text: str


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who a story is credited to, and the body with the credit and dateline taken out once."""

    agency: str | None
    dateline: str | None
    byline: str | None
    credit_line: str | None
    body: Body
    contributors: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class SectionHit:
    """One section assignment with the rule that made it and the text that matched."""

    section: str
    rule_id: str
    matched: str


@dataclass(frozen=True, slots=True)
class StoryDraft:
    """A story fully processed by the pure stages, ready for the dedupe decision and the store."""

    source: str
    guid: str
    url: str | None
    canonical_url: str | None
    title: str
    published: datetime | None
    body: Body
    summary: str | None
    agency: str | None
    dateline: str | None
    byline: str | None
    credit_line: str | None
    sections: tuple[SectionHit, ...]
    url_key: str | None
    body_hash: str
    contributors: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    lead_image: str | None = None
    rights: str | None = None
    feed_blob: str | None = None
    page_blob: str | None = None
    warnings: tuple[str, ...] = ()
