"""One rule for datetimes in and out of the database: aware, in UTC.

Databases differ (SQLite keeps no offset, PostgreSQL converts), so every value the store binds
or reads passes through ``as_utc``: naive values are taken as UTC, strings are parsed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


@overload
def as_utc(value: datetime | str) -> datetime: ...
@overload
def as_utc(value: datetime | str | None) -> datetime | None: ...
def as_utc(value: datetime | str | None) -> datetime | None:
    """``value`` as an aware UTC datetime (None stays None)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
