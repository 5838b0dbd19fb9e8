"""Per-source state: validators, due times, errors and health, one row per configured source.

The scheduler reads due sources from here and the pipeline records each fetch's outcome. This
module stores state; the policy (intervals, back-off, health transitions) lives with its callers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from store.dates import as_utc as _utc
from store.db import Database
from store.models import HostRow, SourceRow
from store.types import SourceState

T = SourceRow.__table__  # type: ignore[attr-defined]
_FIELDS = tuple(SourceState.__dataclass_fields__)


def _state(row: Any) -> SourceState:
    values = {f: getattr(row, f) for f in _FIELDS}
    for key, value in values.items():
        if isinstance(value, datetime):
            values[key] = _utc(value)
    return SourceState(**values)


def get_state(db: Database, name: str) -> SourceState:
    """The stored state of ``name``, or a fresh one (due at once) if it was never seen."""
    with db.read() as conn:
        row = conn.execute(select(T).where(T.c.name == name)).first()
    return SourceState(name=name) if row is None else _state(row)


def all_states(db: Database) -> dict[str, SourceState]:
    """Every stored source state, by name, in one query."""
    with db.read() as conn:
        return {row.name: _state(row) for row in conn.execute(select(T))}


def save_state(db: Database, state: SourceState, *, attempt_at: datetime | None = None) -> None:
    """Insert or replace the row for ``state.name``."""
    values = {k: (_utc(v) if isinstance(v, datetime) else v) for k, v in asdict(state).items()}
    values["lease_owner"] = values["lease_until"] = None  # done with it: release any lease
    if attempt_at is not None:
        values["last_attempt"] = _utc(attempt_at)
    with db.begin() as conn:
        done = conn.execute(update(T).where(T.c.name == state.name).values(**values)).rowcount
        if not done:
            conn.execute(insert(T).values(**values))


def reset_source(db: Database, name: str) -> bool:
    """Make ``name`` healthy and due now; False if it has no state."""
    with db.begin() as conn:
        return bool(
            conn.execute(
                update(T)
                .where(T.c.name == name)
                .values(
                    error_count=0,
                    permanent_errors=0,
                    health="new",
                    health_reason="reset by the operator",
                    next_due=None,
                    last_error=None,
                )
            ).rowcount
        )


H = HostRow.__table__  # type: ignore[attr-defined]


def host_not_before(db: Database, host: str) -> datetime | None:
    """Until when ``host`` asked not to be contacted (None: no such request on record)."""
    with db.read() as conn:
        value = conn.execute(select(H.c.not_before).where(H.c.host == host)).scalar()
    return _utc(value)


def delay_host(db: Database, host: str, until: datetime, reason: str) -> None:
    """Record that ``host`` must not be contacted before ``until`` (keeps the later time)."""
    current = host_not_before(db, host)
    if current is not None and current >= until:
        return
    with db.begin() as conn:
        done = conn.execute(
            update(H).where(H.c.host == host).values(not_before=_utc(until), reason=reason)
        ).rowcount
        if not done:
            conn.execute(insert(H).values(host=host, not_before=_utc(until), reason=reason))


def claim_due(
    db: Database,
    names: Iterable[str],
    *,
    now: datetime,
    owner: str,
    lease: timedelta,
    limit: int,
) -> list[str]:
    """Atomically lease up to ``limit`` due sources of ``names`` to ``owner``; returns them.

    A source is claimable when it is due and not leased (or its lease expired, e.g. its node
    died). PostgreSQL skips rows other nodes are claiming (``FOR UPDATE SKIP LOCKED``); SQLite's
    write lock (``BEGIN IMMEDIATE``) serializes claims. ``save_state`` releases the lease.
    """
    wanted = list(names)
    if not wanted:
        return []
    with db.begin() as conn:
        have = set(conn.execute(select(T.c.name).where(T.c.name.in_(wanted))).scalars())
        missing = [{"name": n} for n in wanted if n not in have]
        if missing:
            dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            conn.execute(dialect_insert(T).values(missing).on_conflict_do_nothing())
        query = (
            select(T.c.name)
            .where(
                T.c.name.in_(wanted),
                or_(T.c.next_due.is_(None), T.c.next_due <= _utc(now)),
                or_(T.c.lease_until.is_(None), T.c.lease_until < _utc(now)),
            )
            .order_by(T.c.next_due.is_not(None), T.c.next_due, T.c.name)
            .limit(limit)
        )
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        claimed = list(conn.execute(query).scalars())
        if claimed:
            conn.execute(
                update(T)
                .where(T.c.name.in_(claimed))
                .values(lease_owner=owner, lease_until=_utc(now + lease))
            )
    return claimed
