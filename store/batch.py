"""Many new stories in one write transaction, with each story's fate its own.

Ingest produces stories faster than one transaction per story can take them: each commit is a
round trip (and an fsync on SQLite's WAL checkpoints), and most of a small transaction's cost is
fixed. ``add_stories`` stores a batch of ``StoryWrite`` (the article page to keep, then the
story, exactly as ``store.stories.add_story`` would) in one transaction, in order, so a later
story of the batch sees the earlier ones: two copies of one story in the same batch still meet
in the near-duplicate check.

If anything in the batch fails (a concurrent writer won a unique index, a story the database
refuses), the transaction rolls back as a whole and every write of the batch is tried again in a
transaction of its own: the good ones are stored, the bad one fails alone with its own error.
A batch is never half stored. This module decides nothing about duplicates (``add_story_in``'s
callbacks do) and does not group the writes (the caller does).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from store import blobs, stories
from store.db import Database
from store.stories import Added
from store.types import NearMatch, NewStory, StoredCandidate

log = logging.getLogger("wirefeed.store")


@dataclass(frozen=True, slots=True)
class PageBlob:
    """The raw article page a story was extracted from, kept for replay."""

    data: bytes
    url: str | None
    content_type: str | None
    packed: tuple[str, bytes] | None = None  # (hash, compressed), when a worker made them


@dataclass(frozen=True, slots=True)
class StoryWrite:
    """One ``add_story`` call, and the page to keep before it."""

    story: NewStory
    now: datetime
    near: Callable[[Sequence[StoredCandidate]], NearMatch] | None = None
    prefer: Callable[[StoredCandidate], bool] | None = None
    window: timedelta | None = None
    page: PageBlob | None = None


def add_stories(db: Database, writes: Sequence[StoryWrite]) -> list[Added | Exception]:
    """Store ``writes`` in one transaction; one result per write, in order (an exception for a
    write that could not be stored)."""
    if not writes:
        return []
    if len(writes) > 1:
        try:
            with db.begin() as conn:
                return [_write(conn, w) for w in writes]
        except Exception as exc:  # retried one by one below, so each write gets its own fate
            log.debug("batch of %d rolled back (%s); storing one by one", len(writes), exc)
    return [_alone(db, w) for w in writes]


def _write(conn: Connection, w: StoryWrite) -> Added:
    _keep_page(conn, w)
    return stories.add_story_in(
        conn, w.story, now=w.now, near=w.near, prefer=w.prefer, window=w.window
    )


def _alone(db: Database, w: StoryWrite) -> Added | Exception:
    """One write in its own transactions (the page, then the story with its retries)."""
    try:
        with db.begin() as conn:
            _keep_page(conn, w)
        return stories.add_story(
            db, w.story, now=w.now, near=w.near, prefer=w.prefer, window=w.window
        )
    except Exception as exc:  # the caller reports it against this story only
        return exc


def _keep_page(conn: Connection, w: StoryWrite) -> None:
    """The page the story was extracted from, before the story that refers to it."""
    if w.page is not None:
        blobs.put_blob_in(
            conn,
            w.page.data,
            kind="page",
            url=w.page.url,
            content_type=w.page.content_type,
            now=w.now,
            packed=w.page.packed,
        )
