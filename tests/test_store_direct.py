"""store.direct: Core statements on the driver's cursor behave exactly as through SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.exc import IntegrityError

from store import direct
from store.db import Database
from store.errors import StorageError
from store.models import StoryRow

S = StoryRow.__table__
WHEN = datetime(2024, 4, 17, 9, 30, 5, 123456, tzinfo=UTC)


def _values(n: int) -> dict[str, object]:
    return {
        "source": "wire",
        "guid": f"g{n}",
        "title": f"Story {n}",
        "slug": f"story-{n}",
        "published": WHEN,
        "first_seen": WHEN,
        "updated": WHEN,
        "story_date": WHEN,
    }


def test_a_direct_insert_stores_what_core_stores(db: Database) -> None:
    # Same datetimes (SQLite stores them as text through SQLAlchemy's processor), same column
    # defaults (revisions, body_text...), same id back from RETURNING.
    with db.begin() as conn:
        core_id = conn.execute(insert(S).returning(S.c.id), _values(1)).scalar_one()
        cursor = direct.execute(conn, insert(S).returning(S.c.id), _values(2))
        direct_id = cursor.fetchone()[0]
    assert direct_id == core_id + 1
    with db.read() as conn:
        rows = {r.guid: r._asdict() for r in conn.execute(select(S))}
        raw = dict(conn.execute(text("SELECT guid, published FROM story")).all())
    one, two = rows["g1"], rows["g2"]
    for row in (one, two):
        row.pop("id"), row.pop("guid"), row.pop("title"), row.pop("slug")
    assert one == two
    assert two["revisions"] == 0 and two["body_text"] == "" and two["contributors"] == "[]"
    assert raw["g1"] == raw["g2"]  # byte for byte the same stored value


def test_parameters_bound_by_the_statement_itself_are_kept(db: Database) -> None:
    with db.begin() as conn:
        for n in range(3):
            direct.execute(conn, insert(S), _values(n))
    probe = select(S.c.guid).where(S.c.source == bindparam("source")).order_by(S.c.id).limit(2)
    with db.read() as conn:
        assert direct.execute(conn, probe, {"source": "wire"}).fetchall() == [("g0",), ("g1",)]
        with pytest.raises(KeyError, match="source"):
            direct.execute(conn, probe, {})


def test_a_unique_violation_is_sqlalchemys_integrity_error_and_rolls_back(db: Database) -> None:
    statement = insert(S)
    # Database.begin translates it, as it does any SQLAlchemy error.
    with pytest.raises(StorageError, match="IntegrityError"), db.begin() as conn:
        direct.execute(conn, statement, _values(1))
        direct.execute(conn, statement, _values(1))  # same source and guid
    with db.read() as conn:
        assert conn.execute(select(S.c.id)).all() == []  # the whole transaction rolled back
    with db.engine.begin() as conn, pytest.raises(IntegrityError):
        direct.execute_many(conn, statement, [_values(5), _values(5)])


def test_execute_many_writes_every_row_in_the_callers_transaction(db: Database) -> None:
    with db.begin() as conn:
        direct.execute_many(conn, insert(S), [_values(n) for n in range(4)])
        direct.execute_many(conn, insert(S), [])  # nothing to do is fine
        assert conn.execute(select(S.c.guid).order_by(S.c.id)).scalars().all() == [
            "g0",
            "g1",
            "g2",
            "g3",
        ]


def test_expanding_in_lists_are_refused(db: Database) -> None:
    statement = select(S.c.id).where(S.c.guid.in_(bindparam("keys", expanding=True)))
    with db.read() as conn, pytest.raises(ValueError, match="expanding"):
        direct.execute(conn, statement, {"keys": ["a"]})
