"""Store and read stories: insert with database-enforced uniqueness, look-ups by key, listings.

Uniqueness is decided by the database (unique indexes on source+guid, normalized URL and body
hash), so two overlapping runs can never store one story twice: the loser of a race becomes an
alias of the winner. This module does not decide what is a duplicate beyond those keys (that is
``ingest.dedupe``) and renders nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from store.db import Database
from store.models import ItemRow, SectionRow, StoryRow
from store.sections import in_section, pinned_sections
from store.slugs import slugify, with_suffix
from store.types import AlsoAt, Known, NewStory, SectionAssignment, StoredStory

S = StoryRow.__table__
I = ItemRow.__table__  # type: ignore[attr-defined]  # noqa: E741
SEC = SectionRow.__table__


@dataclass(frozen=True, slots=True)
class Added:
    """Outcome of ``add_story``: ``created`` is False when it became an alias of ``story_id``."""

    story_id: int
    created: bool
    via: str | None = None


def _utc(dt: datetime | None) -> datetime | None:
    """Aware UTC for binding (naive input is taken as UTC)."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _aware(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    if isinstance(dt, str):
        dt = datetime.fromisoformat(dt)
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def find_known(
    db: Database, *, source: str, guid: str, url_key: str | None, body_hash: str | None
) -> Known | None:
    """The stored story this candidate is already known as, by item, URL or body hash."""
    with db.read() as conn:
        return _find_known(conn, source, guid, url_key, body_hash)


def _find_known(
    conn: Connection, source: str, guid: str, url_key: str | None, body_hash: str | None
) -> Known | None:
    row = conn.execute(
        select(I.c.story_id, I.c.entry_hash).where(and_(I.c.source == source, I.c.guid == guid))
    ).first()
    if row:
        return Known(story_id=row.story_id, via="item", entry_hash=row.entry_hash)
    if url_key:
        sid = conn.execute(select(S.c.id).where(S.c.url_key == url_key)).scalar()
        if sid is None:
            sid = conn.execute(select(I.c.story_id).where(I.c.url_key == url_key)).scalar()
        if sid is not None:
            return Known(story_id=sid, via="url")
    if body_hash:
        sid = conn.execute(select(S.c.id).where(S.c.body_hash == body_hash)).scalar()
        if sid is not None:
            return Known(story_id=sid, via="hash")
    return None


def add_story(db: Database, story: NewStory, *, now: datetime) -> Added:
    """Insert a new story, or record it as another outlet's copy of the one already stored."""
    for _attempt in range(3):
        try:
            with db.begin() as conn:
                known = _find_known(conn, story.source, story.guid, story.url_key, story.body_hash)
                if known is not None:
                    if known.via != "item":
                        _add_item(conn, known.story_id, story, now)
                    return Added(known.story_id, created=False, via=known.via)
                story_id = _insert_story(conn, story, now)
                _add_item(conn, story_id, story, now)
                _set_sections(conn, story_id, story.sections)
                return Added(story_id, created=True)
        except Exception as exc:  # a concurrent writer won a unique index: look again
            if not _is_integrity(exc):
                raise
    raise IntegrityError("add_story", {}, Exception("unique conflict persisted"))


def _is_integrity(exc: BaseException) -> bool:
    cur: BaseException | None = exc
    while cur is not None:
        if isinstance(cur, IntegrityError):
            return True
        cur = cur.__cause__
    return False


def _unique_slug(conn: Connection, title: str) -> str:
    base = slugify(title)
    taken = set(
        conn.execute(
            select(S.c.slug).where(or_(S.c.slug == base, S.c.slug.like(base[:70] + "-%")))
        ).scalars()
    )
    if base not in taken:
        return base
    n = 2
    while with_suffix(base, n) in taken:
        n += 1
    return with_suffix(base, n)


def _insert_story(conn: Connection, s: NewStory, now: datetime) -> int:
    values = {
        "source": s.source,
        "guid": s.guid,
        "url": s.url,
        "url_key": s.url_key,
        "canonical_url": s.canonical_url,
        "title": s.title,
        "slug": _unique_slug(conn, s.title),
        "published": _utc(s.published),
        "first_seen": _utc(now),
        "updated": _utc(s.published or now),
        "agency": s.agency,
        "dateline": s.dateline,
        "byline": s.byline,
        "credit_line": s.credit_line,
        "contributors": json.dumps(list(s.contributors)),
        "evidence": json.dumps([list(e) for e in s.evidence]),
        "body_text": s.body_text,
        "body_html": s.body_html,
        "summary": s.summary,
        "body_hash": s.body_hash,
        "lead_image": s.lead_image,
        "rights": s.rights,
        "feed_blob": s.feed_blob,
        "page_blob": s.page_blob,
    }
    return int(conn.execute(insert(S).values(**values)).inserted_primary_key[0])


def _add_item(conn: Connection, story_id: int, s: NewStory, now: datetime) -> None:
    conn.execute(
        insert(I).values(
            story_id=story_id,
            source=s.source,
            guid=s.guid,
            url=s.url,
            url_key=s.url_key,
            title=s.title,
            entry_hash=s.entry_hash,
            first_seen=_utc(now),
        )
    )


def _set_sections(conn: Connection, story_id: int, sections: Iterable[SectionAssignment]) -> None:
    conn.execute(delete(SEC).where(SEC.c.story_id == story_id))
    rows = [
        {"story_id": story_id, "section": a.section, "rule_id": a.rule_id, "matched": a.matched}
        for a in {a.section: a for a in sections}.values()
    ]
    if rows:
        conn.execute(insert(SEC), rows)


def update_story(
    db: Database, story_id: int, story: NewStory, *, now: datetime, revision: bool = True
) -> bool:
    """Replace a stored story's content; False when nothing changed.

    ``revision`` says whether a changed title or body is the source's revision (counted, and
    ``updated`` moves) or our own re-processing (``reingest``: content replaced, nothing counted).
    """
    with db.begin() as conn:
        row = conn.execute(select(S).where(S.c.id == story_id)).first()
        if row is None:
            return False
        fields = {
            "title": story.title,
            "canonical_url": story.canonical_url,
            "agency": story.agency,
            "dateline": story.dateline,
            "byline": story.byline,
            "credit_line": story.credit_line,
            "contributors": json.dumps(list(story.contributors)),
            "evidence": json.dumps([list(e) for e in story.evidence]),
            "body_text": story.body_text,
            "body_html": story.body_html,
            "summary": story.summary,
            "lead_image": story.lead_image,
            "rights": story.rights,
        }
        old_sections = {
            (r.section, r.rule_id)
            for r in conn.execute(select(SEC).where(SEC.c.story_id == story_id))
        }
        new_sections = {(a.section, a.rule_id) for a in story.sections}
        changed = {k: v for k, v in fields.items() if getattr(row, k) != v}
        if not changed and old_sections == new_sections:
            return False
        if changed:
            if revision and ("body_text" in changed or "title" in changed):
                changed["revisions"] = row.revisions + 1
                changed["updated"] = _utc(now)
            conn.execute(update(S).where(S.c.id == story_id).values(**changed))
        if old_sections != new_sections:
            _set_sections(conn, story_id, story.sections)
        if story.entry_hash:
            conn.execute(
                update(I)
                .where(and_(I.c.story_id == story_id, I.c.source == story.source))
                .values(entry_hash=story.entry_hash)
            )
        return True


def touch_item(db: Database, *, source: str, guid: str, entry_hash: str | None) -> None:
    with db.begin() as conn:
        conn.execute(
            update(I)
            .where(and_(I.c.source == source, I.c.guid == guid))
            .values(entry_hash=entry_hash)
        )


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
    order = func.coalesce(S.c.published, S.c.first_seen)
    q = select(S).order_by(order.desc(), S.c.id.desc())
    if section is not None:
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
                published=_aware(r.published),
                first_seen=_aware(r.first_seen),
                updated=_aware(r.updated),
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
