"""The persisted near-duplicate index: fingerprints in, candidate stories out, plus relations.

``add_fingerprint`` writes a story's band values (from ``ingest.fingerprint``) in the caller's
transaction, so the index can never disagree with the story table; ``find_candidates`` probes
one index per band (``BAND_COUNT`` look-ups, independent of the number of stored stories), and
the database counts the bands each stored story shares and drops stories outside the time
window; ``load_candidates`` fetches what the near-duplicate decision needs about them, and
``near_candidates`` does both in one statement.
``add_new_story_relations`` and ``related_ids`` record and read stories that are related but not
merged. Plain SQL through SQLAlchemy Core, the same on SQLite and PostgreSQL (the ingest path's
statements run on the driver cursor through ``store.direct``).

This module does not decide whether two stories are the same (``ingest.dedupe_near`` does) and
does not compute fingerprints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, TextClause, text

from store import direct
from store.dates import as_utc as _utc
from store.schema_dedupe import BAND_COLUMNS, BAND_COUNT
from store.types import StoredCandidate

_COLS = ", ".join(BAND_COLUMNS)
_PARAMS = ", ".join(f":{c}" for c in BAND_COLUMNS)
_INSERT = text(
    f"INSERT INTO story_fingerprint (story_id, words, published, {_COLS}) "
    f"VALUES (:story_id, :words, :published, {_PARAMS})"
)
_DELETE = text("DELETE FROM story_fingerprint WHERE story_id = :story_id")
MIN_SHARED = 2  # a candidate shares at least this many band values (one is often a stock phrase)
PROBE_ROWS = 50  # stories read per band value, newest first (bounds a stock phrase's value)


def _row(
    story_id: int, bands: Sequence[int | None], words: int, published: datetime | None
) -> dict[str, object]:
    if len(bands) != BAND_COUNT:
        raise ValueError(f"expected {BAND_COUNT} band values, got {len(bands)}")
    row: dict[str, object] = {"story_id": story_id, "words": words, "published": _utc(published)}
    row.update(zip(BAND_COLUMNS, bands, strict=True))
    return row


def add_fingerprint(
    conn: Connection,
    story_id: int,
    bands: Sequence[int | None],
    *,
    words: int,
    published: datetime | None,
    replace: bool = True,
) -> None:
    """Store (or replace) the fingerprint of ``story_id`` inside the caller's transaction;
    ``replace=False`` for a story inserted in this transaction (it has none yet)."""
    if replace:
        direct.execute(conn, _DELETE, {"story_id": story_id})
    direct.execute(conn, _INSERT, _row(story_id, bands, words, published))


def add_fingerprints(
    conn: Connection,
    rows: Iterable[tuple[int, Sequence[int | None], int, datetime | None]],
) -> int:
    """Bulk insert of new fingerprints ``(story_id, bands, words, published)``; returns the count.

    For backfills and benchmarks: rows must not exist yet (no replace).
    """
    batch = [_row(sid, bands, words, published) for sid, bands, words, published in rows]
    if batch:
        conn.execute(_INSERT, batch)
    return len(batch)


def remove_fingerprint(conn: Connection, story_id: int) -> None:
    conn.execute(_DELETE, {"story_id": story_id})


_STORY_COLUMNS = "s.id, s.title, s.body_text, s.agency, s.dateline, s.published, s.source, s.byline"


def _candidates_sql(
    bands: Sequence[int | None],
    published: datetime | None,
    window: timedelta | None,
    exclude: int | None,
    limit: int,
    columns: str | None,
) -> tuple[TextClause, dict[str, object]] | None:
    """The one statement that finds and ranks the candidates (the database does the counting):

    1. ``found``: the stories holding any of the band values, the newest ``PROBE_ROWS`` per
       value (a stock phrase's value is held by thousands of old stories; the copies that
       matter are recent, and the index yields them newest first);
    2. each one's shared bands are counted on its own fingerprint row, the time window applied,
       and the best ``limit`` kept (most shared bands, then the newest).
    With ``columns``, each row also carries those columns of the story (``s``)."""
    probes = [
        (i, col, value)
        for i, (col, value) in enumerate(zip(BAND_COLUMNS, bands, strict=True))
        if value is not None
    ]
    if not probes:
        return None
    hits = " UNION ".join(
        f"SELECT * FROM (SELECT story_id FROM story_fingerprint WHERE {col} = :v{i} "
        f"ORDER BY story_id DESC LIMIT {PROBE_ROWS}) AS p{i}"
        for i, col, _value in probes
    )
    params: dict[str, object] = {f"v{i}": value for i, _col, value in probes}
    shared = " + ".join(f"CASE WHEN f.{col} = :v{i} THEN 1 ELSE 0 END" for i, col, _v in probes)
    where = [f"({shared}) >= {MIN_SHARED}"]
    when = _utc(published)
    if when is not None and window is not None:  # stories without a date are kept
        where.append("(f.published IS NULL OR f.published BETWEEN :lo AND :hi)")
        params.update(lo=when - window, hi=when + window)
    if exclude is not None:
        where.append("f.story_id <> :exclude")
        params["exclude"] = exclude
    ranked = (
        f"SELECT f.story_id AS id, ({shared}) AS shared FROM story_fingerprint f "
        f"JOIN found ON found.story_id = f.story_id WHERE {' AND '.join(where)} "
        f"ORDER BY shared DESC, id DESC LIMIT {int(limit)}"
    )
    sql = f"WITH found AS ({hits}) {ranked}"
    if columns:  # the story's columns for the few kept, not for every probe hit
        sql = (
            f"WITH found AS ({hits}), top AS ({ranked}) "
            f"SELECT {columns}, top.shared FROM top JOIN story s ON s.id = top.id "
            "ORDER BY top.shared DESC, s.id DESC"
        )
    return _statement(sql), params


@lru_cache(maxsize=1024)  # every variant (which of the 8 bands are set, 2 shapes): no eviction
def _statement(sql: str) -> TextClause:
    """One statement object per distinct SQL text (a few dozen: which bands are set varies), so
    SQLAlchemy compiles each once."""
    return text(sql)


def find_candidates(
    conn: Connection,
    bands: Sequence[int | None],
    *,
    published: datetime | None = None,
    window: timedelta | None = None,
    exclude: int | None = None,
    limit: int = 10,
) -> list[tuple[int, int]]:
    """Stored stories sharing a band with ``bands``: ``(story_id, shared_bands)``, most first.

    With ``published`` and ``window``, stories published further away are left out (stories
    without a date are kept). Ties go to the newest story id.
    """
    built = _candidates_sql(bands, published, window, exclude, limit, None)
    if built is None:
        return []
    return [(int(r.id), int(r.shared)) for r in conn.execute(built[0], built[1])]


def near_candidates(
    conn: Connection,
    bands: Sequence[int | None],
    *,
    published: datetime | None = None,
    window: timedelta | None = None,
    limit: int = 10,
) -> list[StoredCandidate]:
    """``find_candidates`` and ``load_candidates`` in one statement (the ingest hot path)."""
    built = _candidates_sql(bands, published, window, None, limit, _STORY_COLUMNS)
    if built is None:
        return []
    rows = direct.execute(conn, built[0], built[1]).fetchall()
    return [_candidate(row, int(row.shared)) for row in map(_Row._make, rows)]


class _Row(NamedTuple):
    """A candidate row read on the driver's cursor (``_STORY_COLUMNS``, then ``shared``)."""

    id: int
    title: str
    body_text: str
    agency: str | None
    dateline: str | None
    published: Any
    source: str
    byline: str | None
    shared: int


def _candidate(r: Any, shared: int) -> StoredCandidate:
    return StoredCandidate(
        story_id=r.id,
        title=r.title,
        body_text=r.body_text,
        agency=r.agency,
        dateline=r.dateline,
        published=_utc(r.published),
        shared_bands=shared,
        source=r.source,
        byline=r.byline,
    )


def load_candidates(conn: Connection, found: Sequence[tuple[int, int]]) -> list[StoredCandidate]:
    """The stories behind ``find_candidates``' result, in the same order (one look-up by key)."""
    if not found:
        return []
    ids = [sid for sid, _n in found]
    marks = ", ".join(f":i{n}" for n in range(len(ids)))
    rows = conn.execute(
        text(f"SELECT {_STORY_COLUMNS} FROM story s WHERE s.id IN ({marks})"),
        {f"i{n}": sid for n, sid in enumerate(ids)},
    ).all()
    by_id = {r.id: r for r in rows}
    return [_candidate(by_id[sid], shared) for sid, shared in found if sid in by_id]


def add_new_story_relations(
    conn: Connection, story_id: int, related: Sequence[tuple[int, float]], reason: str = "related"
) -> None:
    """Relations of a story inserted in this transaction (none can exist yet): one statement."""
    rows = [
        {"a": min(story_id, other), "b": max(story_id, other), "s": score, "r": reason}
        for other, score in related
        if other != story_id
    ]
    direct.execute_many(conn, _INSERT_RELATION, rows)


_INSERT_RELATION = text(
    "INSERT INTO story_relation (story_id, related_id, score, reason) VALUES (:a, :b, :s, :r)"
)


def related_ids(conn: Connection, story_id: int) -> list[int]:
    """Ids of the stories related to ``story_id``, ascending."""
    rows = conn.execute(
        text(
            "SELECT related_id AS other FROM story_relation WHERE story_id = :i "
            "UNION SELECT story_id AS other FROM story_relation WHERE related_id = :i"
        ),
        {"i": story_id},
    ).all()
    return sorted(r.other for r in rows)
