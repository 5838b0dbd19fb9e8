"""Open the database: engine, connection settings and schema upgrade.

SQLite gets WAL, foreign keys and a busy timeout on every connection; PostgreSQL uses psycopg.
``open_database`` migrates the schema to the latest version before returning. This module runs no
application queries.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from store.errors import StorageError
from store.migrations import migrate

BUSY_TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class Database:
    """A handle on one database: its URL and engine. Cheap to pass around."""

    url: str
    engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One short write transaction; commits on success, rolls back on any error."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def _error(self, exc: SQLAlchemyError) -> StorageError:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return StorageError(f"database {self.safe_url}: {exc.__class__.__name__}: {detail}")

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def open_database(url: str, *, migrate_schema: bool = True) -> Database:
    """Connect to ``url``, apply pending migrations, and return the handle."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            parent = Path(path).parent
            if not parent.exists():
                raise StorageError(f"database {url}: directory {parent} does not exist")
            # SQLite needs to write the file and, for WAL, create files beside it.
            target = Path(path) if Path(path).exists() else parent
            if not os.access(target, os.W_OK) or not os.access(parent, os.W_OK):
                raise StorageError(
                    f"database {path} is read-only (the file or its directory cannot be "
                    "written); Wirefeed needs to write its database"
                )
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
    try:
        engine = create_engine(url, **kwargs)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StorageError(f"database {url}: cannot open: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        # SQLAlchemy's pysqlite driver opens transactions lazily; make BEGIN explicit so that
        # write transactions take the lock up front instead of failing on upgrade.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            dbapi_conn.isolation_level = None

    db = Database(url=url, engine=engine)
    if migrate_schema:
        with db.begin() as conn:
            migrate(conn)
    return db
