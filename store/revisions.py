"""Revision history of stored stories: one row per recorded change, with its kind and diff.

The pipeline decides what a change is (``ingest.revisions``: cosmetic, correction, substantive)
and whether it may be recorded (the per-story cap); this module stores and lists the rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from store.dates import as_utc as _utc
from store.db import Database
from store.models import RevisionRow

R = RevisionRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class StoredRevision:
    story_id: int
    seen_at: datetime
    kind: str
    title: str
    diff: str


def add_revision(
    db: Database, story_id: int, *, seen_at: datetime, kind: str, title: str, body: str, diff: str
) -> None:
    """Record the version of the story as it was *before* the change, with the change's diff."""
    with db.begin() as conn:
        conn.execute(
            insert(R).values(
                story_id=story_id,
                seen_at=_utc(seen_at),
                kind=kind,
                title=title,
                body_text=body,
                diff=diff,
            )
        )


def recent_times(
    db: Database, story_id: int, *, now: datetime, within: timedelta
) -> list[datetime]:
    """When the story's recorded changes happened, within ``within`` before ``now``."""
    with db.read() as conn:
        rows = conn.execute(
            select(R.c.seen_at).where(R.c.story_id == story_id, R.c.seen_at >= _utc(now - within))
        ).scalars()
        return [_utc(t) for t in rows]


def list_revisions(db: Database, story_id: int) -> list[StoredRevision]:
    """A story's recorded changes, oldest first."""
    with db.read() as conn:
        rows = conn.execute(
            select(R).where(R.c.story_id == story_id).order_by(R.c.seen_at, R.c.id)
        ).all()
    return [StoredRevision(r.story_id, _utc(r.seen_at), r.kind, r.title, r.diff) for r in rows]
