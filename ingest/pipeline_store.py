"""The orchestrator's database side: every store call an ingest pass makes, in one place.

``ingest.pipeline`` decides the flow (what to fetch, what to process, in which order) and makes
the one-line store calls itself (a feed's look-up, the batched writes of ``store.batch``); this
module holds the store work that takes more than a call: raw bytes kept for replay, a site's
stored pages for its template, the revision path of a changed item, and the source's state
after a fetch.
With ``ingest.pipeline`` it is the only part of ``ingest`` that imports the store; the pure
stages never do. It fetches nothing and runs no stage.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from config.settings import SourceSettings
from ingest import health
from ingest.clean import decode_html
from ingest.extract_template import template_keys
from ingest.outcome import _Counts
from ingest.revisions import classify_revision, may_record
from ingest.types import Fetched, NotModified, ParsedFeed
from store import blobs, revisions, sources, stories
from store.db import Database
from store.errors import StorageError
from store.types import NewStory, SourceState

log = logging.getLogger("wirefeed.ingest")


def keep(db: Database, got: Fetched, kind: str, now: datetime) -> str:
    """Store the raw bytes (content-addressed) so that reingest can replay them."""
    return blobs.put_blob(
        db, got.body, kind=kind, url=got.final_url, content_type=got.content_type, now=now
    )


def site_page_keys(db: Database, site: str, *, limit: int) -> list[tuple[str, set[str]]]:
    """``(hash, block keys)`` of a site's most recently stored article pages."""
    pages = blobs.recent_pages(db, site, limit=limit)
    return [(b.hash, template_keys(decode_html(b.data, b.content_type))) for b in pages]


def stored_page(db: Database, story_id: int) -> Fetched | None:
    """The article page a stored story was extracted from, as it was fetched."""
    details = stories.story_details(db, story_id) or {}
    digest = details.get("page_blob")
    blob = blobs.get_blob(db, str(digest)) if digest else None
    if blob is None:
        return None
    url = blob.url or ""
    return Fetched(url, url, 200, blob.data, content_type=blob.content_type)


def update_story(
    db: Database,
    src: SourceSettings,
    story_id: int,
    story: NewStory,
    now: datetime,
    counts: _Counts,
) -> str:
    """A known item whose feed entry changed: classify, cap, record, apply."""
    old = stories.get_story(db, story_id)
    if old is None or old.source != src.name:  # an alias of another outlet's story
        stories.touch_item(db, source=src.name, guid=story.guid, entry_hash=story.entry_hash)
        return "unchanged"
    rev = classify_revision(old.title, old.body_text, story.title, story.body_text)
    if rev.kind == "cosmetic":
        stories.update_story(db, story_id, story, now=now, revision=False)
        return "unchanged"
    recent = revisions.recent_times(db, story_id, now=now, within=timedelta(hours=24))
    if not may_record(recent, now):
        counts.problems.append(f"{story.url}: revision cap reached; change not applied")
        stories.touch_item(db, source=src.name, guid=story.guid, entry_hash=story.entry_hash)
        return "unchanged"
    revisions.add_revision(
        db,
        story_id,
        seen_at=now,
        kind=rev.kind,
        title=old.title,
        body=old.body_text,
        diff=rev.diff,
    )
    stories.update_story(db, story_id, story, now=now, revision=rev.bumps_updated)
    return "updated"


def record_success(
    db: Database,
    src: SourceSettings,
    state: SourceState,
    got: Fetched | NotModified,
    feed: ParsedFeed | None,
    now: datetime,
    requested: str,
) -> None:
    sources.save_state(db, health.on_success(state, src, got, feed, now, requested), attempt_at=now)


def record_error(
    db: Database, src: SourceSettings, state: SourceState, exc: Exception, now: datetime
) -> None:
    new = health.on_error(state, src, exc, now)
    if new.health != state.health:
        log.warning("%s: health %s -> %s (%s)", src.name, state.health, new.health, exc)
    try:
        sources.save_state(db, new, attempt_at=now)
    except StorageError as store_exc:
        log.error("%s: could not record the error: %s", src.name, store_exc)
