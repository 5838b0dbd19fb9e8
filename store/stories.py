"""Store stories: insert with database-enforced uniqueness, aliases, updates.

Uniqueness is decided by the database (unique indexes on source+guid, normalized URL and body
hash), so two overlapping runs can never store one story twice: the loser of a race becomes an
alias of the winner. ``add_story_in`` works inside a caller's transaction (``store.batch`` puts
many stories in one). The exact look-ups live in ``store.lookup`` and the listings in
``store.reading``; both are re-exported here. This module does not decide what is a duplicate
beyond those keys (that is ``ingest.dedupe``) and renders nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from store import direct, fingerprints
from store.dates import as_utc as _utc
from store.db import Database
from store.errors import StorageError
from store.lookup import _find_known, find_known, find_known_many
from store.models import ItemRow, SectionRow, StoryRow
from store.reading import count_stories, get_story, list_stories, story_details
from store.slugs import slugify, with_suffix
from store.types import NearMatch, NewStory, SectionAssignment, StoredCandidate

__all__ = [
    "Added",
    "add_story",
    "add_story_in",
    "count_stories",
    "find_known",
    "find_known_many",
    "get_story",
    "list_stories",
    "story_details",
    "touch_item",
    "update_story",
]

S = StoryRow.__table__
I = ItemRow.__table__  # type: ignore[attr-defined]  # noqa: E741
SEC = SectionRow.__table__


@dataclass(frozen=True, slots=True)
class Added:
    """Outcome of ``add_story``: ``created`` is False when it became an alias of ``story_id``."""

    story_id: int
    created: bool
    via: str | None = None


def add_story(
    db: Database,
    story: NewStory,
    *,
    now: datetime,
    near: Callable[[Sequence[StoredCandidate]], NearMatch] | None = None,
    prefer: Callable[[StoredCandidate], bool] | None = None,
    window: timedelta | None = None,
) -> Added:
    """Insert a new story, or record it as another outlet's copy of the one already stored.

    ``add_story_in`` in a transaction of its own, tried again when a concurrent writer won a
    unique index in between (the retry then finds the winner's story).
    """
    for _attempt in range(3):
        try:
            with db.begin() as conn:
                return add_story_in(conn, story, now=now, near=near, prefer=prefer, window=window)
        except Exception as exc:  # a concurrent writer won a unique index: look again
            if not _is_integrity(exc):
                raise
    raise StorageError(f"could not store {story.source} {story.guid}: unique keys kept conflicting")


def add_story_in(
    conn: Connection,
    story: NewStory,
    *,
    now: datetime,
    near: Callable[[Sequence[StoredCandidate]], NearMatch] | None = None,
    prefer: Callable[[StoredCandidate], bool] | None = None,
    window: timedelta | None = None,
) -> Added:
    """``add_story`` inside the caller's write transaction (``store.batch`` puts many in one).

    Exact keys first (item, migrated GUID, URL, body hash); then the stories sharing a
    fingerprint band (published within ``window``) go to ``near``, the caller's pure
    near-duplicate decision, inside the same write transaction, so two writers cannot both store
    one story. A copy that is better (``near``'s verdict, or ``prefer(stored)`` for an exact
    duplicate) becomes the published one; the other stays listed in ``also_at``.
    """
    known = _find_known(
        conn, story.source, story.guid, story.url_key, story.body_hash, story.guid_key
    )
    if known is not None and known.via == "url" and _rekey(conn, story):
        return Added(known.story_id, created=False, via="item")
    if known is not None:
        if known.via != "item":
            _add_item(conn, known.story_id, story, now)
            held = fingerprints.load_candidates(conn, [(known.story_id, 0)])
            if prefer is not None and held and prefer(held[0]):
                _make_canonical(conn, known.story_id, story)
        return Added(known.story_id, created=False, via=known.via)
    match = NearMatch()
    if near is not None and story.fingerprint is not None:
        found = fingerprints.near_candidates(
            conn, story.fingerprint, published=story.published or now, window=window
        )
        match = near(found)
    if match.story_id is not None:
        _add_item(conn, match.story_id, story, now)
        if match.replace:
            _make_canonical(conn, match.story_id, story)
        return Added(match.story_id, created=False, via="near")
    story_id, story_date = _insert_story(conn, story, now)
    _add_item(conn, story_id, story, now)
    _set_sections(conn, story_id, story.sections, new_date=story_date)
    _index(conn, story_id, story, new=True)
    fingerprints.add_new_story_relations(conn, story_id, match.related)
    return Added(story_id, created=True)


def _is_integrity(exc: BaseException) -> bool:
    cur: BaseException | None = exc
    while cur is not None:
        if isinstance(cur, IntegrityError):
            return True
        cur = cur.__cause__
    return False


# Built once: executing a prebuilt statement skips building and keying it again per story.
_INSERT_STORY = insert(S).returning(S.c.id)
_INSERT_ITEM = insert(I)
_INSERT_SECTION = insert(SEC)
_SLUG_TAKEN = select(S.c.id).where(S.c.slug == bindparam("slug")).limit(1)
_SLUGS_TAKEN = select(S.c.slug).where(S.c.slug.in_(bindparam("slugs", expanding=True)))
SLUG_PROBES = 16  # suffixed forms probed per statement after the plain slug is found taken


def _unique_slug(conn: Connection, title: str) -> str:
    """The title's slug, or its first free suffixed form (``-2``, ``-3``...).

    Only equality probes on the unique slug index, so a taken slug costs a few index look-ups
    whatever the number of stored stories (a ``LIKE 'prefix%'`` cannot use that index).
    """
    base = slugify(title)
    if direct.execute(conn, _SLUG_TAKEN, {"slug": base}).fetchone() is None:  # the usual case
        return base
    n = 2
    while True:
        forms = [with_suffix(base, k) for k in range(n, n + SLUG_PROBES)]
        n += SLUG_PROBES
        taken = set(conn.execute(_SLUGS_TAKEN, {"slugs": forms}).scalars())
        for form in forms:
            if form not in taken:
                return form


def _insert_story(conn: Connection, s: NewStory, now: datetime) -> tuple[int, datetime]:
    """Insert the story row; returns its id and its ``story_date``."""
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
        "story_date": _utc(s.published or now),
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
    story_id = int(direct.execute(conn, _INSERT_STORY, values).fetchone()[0])
    return story_id, values["story_date"]


def _rekey(conn: Connection, s: NewStory) -> bool:
    """The source's own item at this URL came back under a new GUID (a feed whose GUIDs change
    on every fetch, or move): give the item the new GUID instead of storing it again."""
    row = conn.execute(
        select(I.c.id, I.c.guid, I.c.story_id)
        .where(I.c.source == s.source, I.c.url_key == s.url_key)
        .limit(1)
    ).first()
    if row is None:
        return False
    conn.execute(update(I).where(I.c.id == row.id).values(guid=s.guid, guid_key=s.guid_key))
    conn.execute(
        update(S)
        .where(S.c.id == row.story_id, S.c.source == s.source, S.c.guid == row.guid)
        .values(guid=s.guid)
    )
    return True


def _add_item(conn: Connection, story_id: int, s: NewStory, now: datetime) -> None:
    direct.execute(
        conn,
        _INSERT_ITEM,
        {
            "story_id": story_id,
            "source": s.source,
            "guid": s.guid,
            "guid_key": s.guid_key,
            "url": s.url,
            "url_key": s.url_key,
            "title": s.title,
            "entry_hash": s.entry_hash,
            "first_seen": _utc(now),
        },
    )


def _index(conn: Connection, story_id: int, s: NewStory, *, new: bool = False) -> None:
    """(Re)write the story's near-duplicate fingerprint, if it has one."""
    if s.fingerprint is None:
        if not new:
            fingerprints.remove_fingerprint(conn, story_id)
        return
    fingerprints.add_fingerprint(
        conn,
        story_id,
        s.fingerprint,
        words=s.fingerprint_words,
        published=s.published,
        replace=not new,
    )


_CONTENT = (
    "title",
    "canonical_url",
    "agency",
    "dateline",
    "byline",
    "credit_line",
    "body_text",
    "body_html",
    "summary",
    "lead_image",
    "rights",
)


def _content(s: NewStory) -> dict[str, Any]:
    values = {name: getattr(s, name) for name in _CONTENT}
    values["contributors"] = json.dumps(list(s.contributors))
    values["evidence"] = json.dumps([list(e) for e in s.evidence])
    return values


def _make_canonical(conn: Connection, story_id: int, s: NewStory) -> None:
    """A better copy becomes the published one: its source, link and content; same story id.

    Its URL key and body hash are taken over only where no other story holds them (they are
    unique); the story keeps its old ones otherwise.
    """
    values = _content(s) | {
        "source": s.source,
        "guid": s.guid,
        "url": s.url,
        "feed_blob": s.feed_blob,
        "page_blob": s.page_blob,
    }
    for key, value in (("url_key", s.url_key), ("body_hash", s.body_hash)):
        column = S.c[key]
        if (
            value is None
            or conn.execute(select(S.c.id).where(column == value, S.c.id != story_id)).first()
        ):
            continue
        values[key] = value
    conn.execute(update(S).where(S.c.id == story_id).values(**values))
    _set_sections(conn, story_id, s.sections)
    _index(conn, story_id, s)


_STORY_DATE = select(S.c.story_date).where(S.c.id == bindparam("id"))


def _set_sections(
    conn: Connection,
    story_id: int,
    sections: Iterable[SectionAssignment],
    *,
    new_date: datetime | None = None,
) -> None:
    """Replace the story's section rows; ``new_date`` is a just-inserted story's date (it has
    no rows yet, and its date need not be read back)."""
    if new_date is None:
        conn.execute(delete(SEC).where(SEC.c.story_id == story_id))
        date = conn.execute(_STORY_DATE, {"id": story_id}).scalar()
    else:
        date = new_date
    rows = [
        {
            "story_id": story_id,
            "section": a.section,
            "rule_id": a.rule_id,
            "matched": a.matched,
            "story_date": date,
        }
        for a in {a.section: a for a in sections}.values()
    ]
    direct.execute_many(conn, _INSERT_SECTION, rows)


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
        fields = _content(story)
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
            if "body_text" in changed:
                _index(conn, story_id, story)
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
