"""Read stored stories: listings, one story, internal details, counts.

Everything here is a query; writes are in ``store.stories`` (which re-exports these functions, so
callers keep using ``store.stories.list_stories``). Sections include editor pins.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, select

from store.dates import as_utc as _utc
from store.db import Database
from store.models import ItemRow, SectionRow, StoryRow
from store.sections import PIN, in_section, pinned_sections
from store.types import AlsoAt, StoredStory

S = StoryRow.__table__  # type: ignore[attr-defined]
I = ItemRow.__table__  # type: ignore[attr-defined]  # noqa: E741
SEC = SectionRow.__table__  # type: ignore[attr-defined]


def list_stories(
    db: Database,
    *,
    section: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
    ids: Sequence[int] | None = None,
) -> list[StoredStory]:
    """Stored stories, newest first (by published date, else first seen)."""
    if section is not None and source is None and since is None and ids is None:
        ids = section_ids(db, section, limit=limit)  # an index range, however large the store
        limit = None
    q = select(S).order_by(S.c.story_date.desc(), S.c.id.desc())
    if section is not None and ids is None:
        q = q.where(in_section(db, S.c.id, section))  # sections engine: rule-placed or pinned
    if source is not None:
        q = q.where(S.c.source == source)
    if since is not None:
        q = q.where(S.c.first_seen >= _utc(since))
    if ids is not None:
        q = q.where(S.c.id.in_(list(ids)))
    if limit is not None:
        q = q.limit(limit)
    with db.read() as conn:
        rows = conn.execute(q).all()
        return _hydrate(conn, rows)


def section_ids(db: Database, section: str, *, limit: int | None = None) -> list[int]:
    """Ids of a section's stories, newest first: rule-placed (indexed by date) and pinned."""
    placed = (
        select(SEC.c.story_id, SEC.c.story_date)
        .where(SEC.c.section == section)
        .order_by(SEC.c.story_date.desc(), SEC.c.story_id.desc())
    )
    pinned = (
        select(S.c.id, S.c.story_date)
        .where(S.c.id.in_(select(PIN.c.story_id).where(PIN.c.section == section)))
        .order_by(S.c.story_date.desc(), S.c.id.desc())
    )
    if limit is not None:
        placed, pinned = placed.limit(limit), pinned.limit(limit)
    with db.read() as conn:
        rows = {r[0]: r[1] for r in conn.execute(placed)}
        rows.update({r[0]: r[1] for r in conn.execute(pinned)})
    far_past = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(rows, key=lambda i: (_utc(rows[i]) or far_past, i), reverse=True)
    return ordered[:limit] if limit is not None else ordered


def get_story(db: Database, story_id: int) -> StoredStory | None:
    found = list_stories(db, ids=[story_id])
    return found[0] if found else None


def story_details(db: Database, story_id: int) -> dict[str, Any] | None:
    """Internal fields for ``stories show``: evidence, contributors, section rules, blobs."""
    with db.read() as conn:
        row = conn.execute(select(S).where(S.c.id == story_id)).first()
        if row is None:
            return None
        rules = conn.execute(
            select(SEC.c.section, SEC.c.rule_id, SEC.c.matched).where(SEC.c.story_id == story_id)
        ).all()
        return {
            "contributors": json.loads(row.contributors),
            "evidence": json.loads(row.evidence),
            "section_rules": [list(r) for r in rules],
            "feed_blob": row.feed_blob,
            "page_blob": row.page_blob,
            "url_key": row.url_key,
            "body_hash": row.body_hash,
        }


def count_stories(db: Database, *, source: str | None = None, since: datetime | None = None) -> int:
    q = select(func.count()).select_from(S)
    if source is not None:
        q = q.where(S.c.source == source)
    if since is not None:
        q = q.where(S.c.first_seen >= _utc(since))
    with db.read() as conn:
        return int(conn.execute(q).scalar() or 0)


def _hydrate(conn: Connection, rows: Sequence[Row[Any]]) -> list[StoredStory]:
    ids = [r.id for r in rows]
    sections: dict[int, list[str]] = {i: [] for i in ids}
    also: dict[int, list[AlsoAt]] = {i: [] for i in ids}
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        for r in conn.execute(
            select(SEC.c.story_id, SEC.c.section)
            .where(SEC.c.story_id.in_(chunk))
            .order_by(SEC.c.story_id, SEC.c.section)
        ):
            sections[r.story_id].append(r.section)
        for sid, pinned in pinned_sections(conn, chunk).items():  # sections engine: editor pins
            sections[sid] = sorted(set(sections[sid]) | set(pinned))
        for r in conn.execute(
            select(I.c.story_id, I.c.source, I.c.guid, I.c.url, I.c.title)
            .where(I.c.story_id.in_(chunk))
            .order_by(I.c.id)
        ):
            also[r.story_id].append(AlsoAt(source=r.source, url=r.url, title=r.title))
    out = []
    for r in rows:
        own = [a for a in also[r.id] if a.source != r.source]
        out.append(
            StoredStory(
                id=r.id,
                source=r.source,
                guid=r.guid,
                url=r.url,
                canonical_url=r.canonical_url,
                title=r.title,
                slug=r.slug,
                published=_utc(r.published),
                first_seen=_utc(r.first_seen),
                updated=_utc(r.updated),
                agency=r.agency,
                dateline=r.dateline,
                byline=r.byline,
                credit_line=r.credit_line,
                sections=tuple(sections[r.id]),
                body_text=r.body_text,
                body_html=r.body_html,
                summary=r.summary,
                also_at=tuple(own),
                revisions=r.revisions,
                lead_image=r.lead_image,
                rights=r.rights,
            )
        )
    return out
