"""Errors of the store package.

    StorageError           base: the database cannot be opened, migrated, read or written
    └── SchemaError        the database's schema is newer than this code, or a migration failed

Driver exceptions (SQLAlchemy, sqlite3, psycopg) are wrapped with ``raise ... from exc``.
"""

from __future__ import annotations


class StorageError(Exception):
    """The database could not do what was asked; the message says what and where."""


class SchemaError(StorageError):
    """The schema version is unknown to this code, or upgrading it failed."""
