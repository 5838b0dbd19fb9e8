"""SQLModel table definitions: the shape of every table, private to the store package.

The migrations in ``store.migrations`` create and change these tables; a test checks that the
migrated schema and these models agree. Nothing outside ``store`` imports this module.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class SchemaVersion(SQLModel, table=True):
    __tablename__ = "schema_version"
    version: int = Field(primary_key=True)
    applied_at: datetime


class SourceRow(SQLModel, table=True):
    __tablename__ = "source_state"
    name: str = Field(primary_key=True)
    etag: str | None = None
    last_modified: str | None = None
    next_due: datetime | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    error_count: int = 0
    health: str = "new"
    final_url: str | None = None
    lease_owner: str | None = None
    lease_until: datetime | None = None
    permanent_errors: int = 0
    moved_to: str | None = None
    moved_count: int = 0
    health_reason: str | None = None


class HostRow(SQLModel, table=True):
    """A host that asked us (429/503 with Retry-After) not to come back before a time."""

    __tablename__ = "host_state"
    host: str = Field(primary_key=True)
    not_before: datetime
    reason: str = ""


class BlobRow(SQLModel, table=True):
    __tablename__ = "raw_blob"
    hash: str = Field(primary_key=True)
    kind: str
    url: str | None = None
    content_type: str | None = None
    fetched_at: datetime
    size: int
    data: bytes


class StoryRow(SQLModel, table=True):
    __tablename__ = "story"
    id: int | None = Field(default=None, primary_key=True)
    source: str
    guid: str
    url: str | None = None
    url_key: str | None = None
    canonical_url: str | None = None
    title: str
    slug: str
    published: datetime | None = None
    first_seen: datetime
    updated: datetime
    agency: str | None = None
    dateline: str | None = None
    byline: str | None = None
    credit_line: str | None = None
    contributors: str = "[]"
    evidence: str = "[]"
    body_text: str = ""
    body_html: str = ""
    summary: str | None = None
    body_hash: str | None = None
    lead_image: str | None = None
    rights: str | None = None
    revisions: int = 0
    feed_blob: str | None = None
    page_blob: str | None = None
    story_date: datetime | None = None


class ItemRow(SQLModel, table=True):
    """Every feed item ever seen, mapped to the one story it belongs to."""

    __tablename__ = "story_item"
    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(foreign_key="story.id")
    source: str
    guid: str
    url: str | None = None
    url_key: str | None = None
    title: str | None = None
    entry_hash: str | None = None
    first_seen: datetime
    guid_key: str | None = None


class SectionRow(SQLModel, table=True):
    __tablename__ = "story_section"
    story_id: int = Field(foreign_key="story.id", primary_key=True)
    section: str = Field(primary_key=True)
    rule_id: str
    matched: str = ""
    story_date: datetime | None = None


class RevisionRow(SQLModel, table=True):
    __tablename__ = "story_revision"
    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(foreign_key="story.id")
    seen_at: datetime
    kind: str
    title: str
    body_text: str
    diff: str = ""
