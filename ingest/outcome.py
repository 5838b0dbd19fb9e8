"""What an ingest pass reports per source, and the mapping of a draft onto the store's input.

``SourceResult`` is the one line per source that the CLI prints and the service logs.
``to_new_story`` maps the pure stages' ``StoryDraft`` onto ``store.types.NewStory`` (plain data).
Nothing here does I/O.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime

from config.settings import SourceSettings
from ingest.fingerprint import Fingerprint
from ingest.types import StoryDraft
from store.types import NewStory, SectionAssignment


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What one pass did for one source; ``line()`` is what the CLI prints."""

    source: str
    status: str  # "ok", "not-modified", "error", "skipped"
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str | None = None
    problems: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated or self.duplicate)

    def line(self) -> str:
        if self.status == "error":
            return f"{self.source}: error: {self.error}"
        if self.status == "skipped":
            return f"{self.source}: skipped: {self.error}"
        if self.status == "not-modified":
            return f"{self.source}: not modified"
        text = (
            f"{self.source}: {self.new} new, {self.updated} updated, {self.duplicate} duplicate, "
            f"{self.unchanged} unchanged"
        )
        if self.failed:
            text += f", {self.failed} failed"
        return text + f" ({self.seconds:.2f} s)"


@dataclass
class _Counts:
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    unchanged: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)


def to_new_story(
    draft: StoryDraft,
    *,
    entry_hash_value: str | None,
    guid_key: str | None = None,
    fingerprint: Fingerprint | None = None,
) -> NewStory:
    """Map the ingest draft onto the store's input type."""
    return NewStory(
        guid_key=guid_key,
        fingerprint=fingerprint.bands if fingerprint is not None else None,
        fingerprint_words=fingerprint.words if fingerprint is not None else 0,
        source=draft.source,
        guid=draft.guid,
        url=draft.url,
        url_key=draft.url_key,
        canonical_url=draft.canonical_url,
        title=draft.title,
        published=draft.published,
        agency=draft.agency,
        dateline=draft.dateline,
        byline=draft.byline,
        credit_line=draft.credit_line,
        body_text=draft.body.text,
        body_html=draft.body.html,
        body_hash=draft.body_hash,
        sections=tuple(SectionAssignment(h.section, h.rule_id, h.matched) for h in draft.sections),
        summary=draft.summary,
        contributors=draft.contributors,
        evidence=tuple((e.field, e.rule, e.text) for e in draft.evidence),
        lead_image=draft.lead_image,
        rights=draft.rights,
        entry_hash=entry_hash_value,
        feed_blob=draft.feed_blob,
        page_blob=draft.page_blob,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


def default_owner() -> str:
    """This process's name on leases: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class Item:
    """What every item of one fetched feed shares."""

    source: SourceSettings
    feed_blob: str
    site_names: tuple[str, ...]
    rights: str | None
    now: datetime
