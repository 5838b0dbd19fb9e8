"""Run the ingest write path's statements on the driver's cursor, inside SQLAlchemy's transaction.

Every statement is still built with SQLAlchemy Core (same tables, same SQL on SQLite and
PostgreSQL) and compiled by SQLAlchemy, once per dialect; after that, ``execute`` hands the SQL
and the parameters straight to a DB-API cursor of the connection the caller's transaction runs
on. That skips SQLAlchemy's per-execution machinery (execution context, parameter dictionaries,
events, result wrapping: 25-60 us a statement), which the ingest path paid about eight times per
stored story. Nothing else changes:

- the parameters pass through the bind processors SQLAlchemy would apply (datetimes on SQLite);
- a driver error comes out as SQLAlchemy's own exception (``IntegrityError`` and so on), so
  callers that retry on a lost unique-index race see what they saw before;
- the statement runs in the caller's transaction: commit and rollback are SQLAlchemy's.

It is for statements whose results need no type processing (integers, untyped ``text()``
columns): rows come back as plain tuples. Statements with expanding ``IN`` parameters are
refused (their SQL changes with the list length); use ``Connection.execute`` for those and for
everything that is not hot.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.expression import Executable

_MISSING = object()


@dataclass(frozen=True, slots=True)
class _Bind:
    key: str  # the caller's parameter name
    default: Any  # a literal bound by the statement itself (LIMIT 1), else _MISSING
    process: Callable[[Any], Any] | None


@dataclass(frozen=True, slots=True)
class Compiled:
    """One statement compiled for one dialect: its SQL and how to lay out its parameters."""

    statement: Executable  # held: while cached, no other statement can reuse its id
    sql: str
    positional: bool
    names: tuple[str, ...]  # bind names, in SQL order when positional
    order: tuple[_Bind, ...]  # the binds of ``names``, in that order
    plain: bool  # no bind needs a processor

    def args(self, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        """The driver's parameters for ``params`` (a sequence, or a dict for named styles)."""
        get = params.get
        values = [get(bind.key, bind.default) for bind in self.order]
        if _MISSING in values:
            missing = next(b.key for b, v in zip(self.order, values, strict=True) if v is _MISSING)
            raise KeyError(f"no value for parameter {missing!r}")
        if not self.plain:
            for i, bind in enumerate(self.order):
                if bind.process is not None and values[i] is not None:
                    values[i] = bind.process(values[i])
        return values if self.positional else dict(zip(self.names, values, strict=True))


_CACHE: dict[tuple[int, str, tuple[str, ...]], Compiled] = {}
CACHE_SIZE = 4096


def compiled(conn: Connection, statement: Executable, keys: Sequence[str] = ()) -> Compiled:
    """``statement`` compiled for ``conn``'s dialect (``keys``: an INSERT's columns), cached."""
    dialect = conn.dialect
    cache_key = (id(statement), dialect.name, tuple(keys))
    found = _CACHE.get(cache_key)
    if found is not None:
        return found
    done = statement.compile(dialect=dialect, column_keys=list(keys) if keys else None)
    binds: dict[str, _Bind] = {}
    for name, bind in done.binds.items():
        if not isinstance(bind, BindParameter) or bind.expanding:
            raise ValueError(f"store.direct cannot run a statement with {name!r} expanding")
        default = _MISSING if bind.value is None and bind.callable is None else bind.effective_value
        if default is _MISSING and keys:
            default = _column_default(statement, bind.key)
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        binds[name] = _Bind(bind.key, default, process)
    positional = bool(done.positional)
    names = tuple(done.positiontup or ()) if positional else tuple(binds)
    order = tuple(binds[name] for name in names)
    plain = all(bind.process is None for bind in order)
    result = Compiled(statement, done.string, positional, names, order, plain)
    if len(_CACHE) >= CACHE_SIZE:  # statements are module constants: this never fills up
        _CACHE.clear()
    _CACHE[cache_key] = result
    return result


def execute(conn: Connection, statement: Executable, params: Mapping[str, Any]) -> Any:
    """Run ``statement`` with ``params``; returns the DB-API cursor (fetch rows from it)."""
    done = compiled(conn, statement, _keys(statement, params))
    args = done.args(params)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(done.sql, args)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _wrapped(conn, done.sql, args, exc) from exc
    return cursor


def execute_many(
    conn: Connection, statement: Executable, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Run ``statement`` once per row of ``rows`` (all with the same keys), in one call."""
    if not rows:
        return
    done = compiled(conn, statement, _keys(statement, rows[0]))
    args = [done.args(row) for row in rows]
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(done.sql, args)
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _wrapped(conn, done.sql, args, exc) from exc
    finally:
        cursor.close()


def _column_default(statement: Executable, key: str) -> Any:
    """An INSERT's value for a column the caller left out: its scalar default (the model's
    ``revisions = 0``), as SQLAlchemy would fill it in."""
    table = getattr(statement, "table", None)
    column = table.c.get(key) if table is not None else None
    default = getattr(column, "default", None)
    if default is None:
        return _MISSING
    if not default.is_scalar:
        raise ValueError(f"store.direct cannot compute the default of column {key!r}")
    return default.arg


def _keys(statement: Executable, params: Mapping[str, Any]) -> tuple[str, ...]:
    """An INSERT without explicit values takes its columns from the parameters."""
    return tuple(params) if getattr(statement, "is_insert", False) else ()


def _wrapped(conn: Connection, sql: str, args: Any, exc: Exception) -> DBAPIError:
    return DBAPIError.instance(  # type: ignore[no-any-return]
        sql,
        args,
        exc,
        conn.dialect.loaded_dbapi.Error,
        hide_parameters=True,
        dialect=conn.dialect,
    )
