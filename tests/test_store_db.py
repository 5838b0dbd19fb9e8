"""The database: pragmas, versioned migrations, and an in-place upgrade that keeps the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

import store.models  # noqa: F401 - registers the tables on SQLModel.metadata
from store.db import Database, open_database
from store.errors import SchemaError, StorageError
from store.migrations import LATEST, current_version, migrate
from tests import pgcluster


def test_sqlite_connection_settings(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite pragmas")
    with db.read() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_fresh_database_is_at_the_latest_version(db: Database) -> None:
    with db.read() as conn:
        assert current_version(conn) == LATEST


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.read() as conn:
        inspector = inspect(conn)
        for table in SQLModel.metadata.sorted_tables:
            have = {c["name"] for c in inspector.get_columns(table.name)}
            assert have == {c.name for c in table.columns}, table.name


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    return pgcluster.new_database(request.getfixturevalue("pg_server"))


def test_version_1_database_upgrades_in_place_without_data_loss(empty_url: str) -> None:
    url = empty_url
    engine = create_engine(url)
    with engine.begin() as conn:
        migrate(conn, target=1)
        conn.execute(
            text(
                "INSERT INTO story (source, guid, title, slug, first_seen, updated, body_text) "
                "VALUES ('wire', 'g1', 'Old story', 'old-story', '2025-01-01', '2025-01-01', "
                "'kept')"
            )
        )
        assert not inspect(conn).has_table("story_revision")
    engine.dispose()

    upgraded = open_database(url)
    with upgraded.read() as conn:
        assert current_version(conn) == LATEST
        assert inspect(conn).has_table("story_revision")
        row = conn.execute(text("SELECT title, body_text FROM story WHERE guid = 'g1'")).one()
        assert tuple(row) == ("Old story", "kept")
    upgraded.close()


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    open_database(url).close()
    again = open_database(url)
    with again.begin() as conn:
        assert migrate(conn) == []
        versions = conn.execute(text("SELECT COUNT(*) FROM schema_version")).scalar()
    assert versions == LATEST
    again.close()


def test_database_from_a_newer_wirefeed_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    open_database(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schema_version VALUES (999, '2030-01-01')"))
    engine.dispose()
    with pytest.raises(StorageError, match="newer than this Wirefeed"):
        open_database(url)
    assert issubclass(SchemaError, StorageError)


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        open_database(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}")
