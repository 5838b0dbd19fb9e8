"""Queries of the sections engine: editor pins, the review queue and hits per rule.

Pins live in ``story_pin`` (``store.schema_sections``), apart from the rule-made rows of
``story_section`` that every re-ingest rewrites; ``store.stories`` adds pinned sections when it
reads stories. This module decides nothing about which section a story belongs in (that is
``ingest.sections``) and prints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
)

from store.dates import as_utc as _utc
from store.db import Database
from store.models import SectionRow, StoryRow

S = StoryRow.__table__
SEC = SectionRow.__table__
PIN = Table(
    "story_pin",
    MetaData(),
    Column("story_id", Integer, primary_key=True),
    Column("section", String, primary_key=True),
    Column("pinned_at", DateTime(timezone=True), nullable=False),
)
PIN_RULE = "pin"  # the rule id shown for a pinned section


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A story waiting in the review queue: no rule placed it and no editor pinned it."""

    id: int
    source: str
    title: str
    url: str | None
    agency: str | None
    date: datetime


@dataclass(frozen=True, slots=True)
class RuleHits:
    """How many stored stories a rule placed in a section."""

    rule_id: str
    section: str
    stories: int


def pin(db: Database, story_id: int, section: str, *, now: datetime) -> bool:
    """Pin a story to a section; False when it was already pinned there."""
    with db.begin() as conn:
        found = conn.execute(
            select(PIN.c.story_id).where(and_(PIN.c.story_id == story_id, PIN.c.section == section))
        ).first()
        if found:
            return False
        when = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
        conn.execute(insert(PIN).values(story_id=story_id, section=section, pinned_at=when))
        return True


def unpin(db: Database, story_id: int, section: str) -> bool:
    """Remove a pin; False when there was none."""
    with db.begin() as conn:
        result = conn.execute(
            delete(PIN).where(and_(PIN.c.story_id == story_id, PIN.c.section == section))
        )
        return bool(result.rowcount)


def pins_of(db: Database, story_id: int) -> list[str]:
    """The sections a story is pinned to, by name."""
    with db.read() as conn:
        return pinned_sections(conn, [story_id]).get(story_id, [])


def pinned_sections(conn: Connection, story_ids: list[int]) -> dict[int, list[str]]:
    """story id -> sections it is pinned to (for ``store.stories`` when it reads stories)."""
    if not story_ids:
        return {}
    out: dict[int, list[str]] = {}
    rows = conn.execute(
        select(PIN.c.story_id, PIN.c.section)
        .where(PIN.c.story_id.in_(story_ids))
        .order_by(PIN.c.story_id, PIN.c.section)
    )
    for r in rows:
        out.setdefault(r.story_id, []).append(r.section)
    return out


def in_section(db: Database, story_id: ColumnElement[Any], section: str) -> ColumnElement[bool]:
    """A filter on ``story_id``: the story is in ``section``, placed by a rule or pinned."""
    placed = story_id.in_(select(SEC.c.story_id).where(SEC.c.section == section))
    return or_(placed, story_id.in_(select(PIN.c.story_id).where(PIN.c.section == section)))


def _unplaced(conn: Connection) -> ColumnElement[bool]:
    no_rule = ~exists().where(SEC.c.story_id == S.c.id)
    return and_(no_rule, ~exists().where(PIN.c.story_id == S.c.id))


def review_queue(db: Database, *, limit: int | None = None) -> list[Unplaced]:
    """Stories in no section at all, newest first: what an editor has to look at."""
    date = func.coalesce(S.c.published, S.c.first_seen)
    q = select(S.c.id, S.c.source, S.c.title, S.c.url, S.c.agency, date.label("date"))
    with db.read() as conn:
        q = q.where(_unplaced(conn)).order_by(date.desc(), S.c.id.desc())
        if limit is not None:
            q = q.limit(limit)
        return [
            Unplaced(r.id, r.source, r.title, r.url, r.agency, _utc(r.date))
            for r in conn.execute(q)
        ]


def count_unplaced(db: Database) -> int:
    """How many stories wait in the review queue."""
    with db.read() as conn:
        q = select(func.count()).select_from(S).where(_unplaced(conn))
        return int(conn.execute(q).scalar() or 0)


def rule_hits(db: Database) -> list[RuleHits]:
    """Stories placed per (rule, section), most first; pins counted under the rule ``pin``."""
    q = (
        select(SEC.c.rule_id, SEC.c.section, func.count().label("n"))
        .group_by(SEC.c.rule_id, SEC.c.section)
        .order_by(func.count().desc(), SEC.c.rule_id, SEC.c.section)
    )
    with db.read() as conn:
        hits = [RuleHits(r.rule_id, r.section, int(r.n)) for r in conn.execute(q)]
        pins = select(PIN.c.section, func.count().label("n")).group_by(PIN.c.section)
        hits += [RuleHits(PIN_RULE, r.section, int(r.n)) for r in conn.execute(pins)]
    return hits
