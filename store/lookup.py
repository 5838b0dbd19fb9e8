"""Exact look-ups of incoming feed items: is this item (or its URL, or its body) stored already?

``find_known`` answers for one item with one statement (item, migrated GUID key, URL key, body
hash, in that order of precedence); ``find_known_many`` answers for all of a feed's items with a
handful of statements (body hashes excepted: they are only known after processing). Read-only;
``store.stories`` calls ``_find_known`` again inside its write transaction, which is what makes
overlapping writers safe. Nothing here decides what a hit means (``ingest.dedupe`` does).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Connection, bindparam, select, text

from store import direct
from store.db import Database
from store.models import ItemRow, StoryRow
from store.types import Known

S = StoryRow.__table__
I = ItemRow.__table__  # type: ignore[attr-defined]  # noqa: E741


def find_known(
    db: Database,
    *,
    source: str,
    guid: str,
    url_key: str | None,
    body_hash: str | None,
    guid_key: str | None = None,
) -> Known | None:
    """The stored story this candidate is already known as, by item, URL or body hash."""
    with db.read() as conn:
        return _find_known(conn, source, guid, url_key, body_hash, guid_key)


# The exact look-ups of an item, in order of precedence, as one statement: a new item (the
# common case) misses all five, and one round trip costs less than five. Each branch is an
# index probe; the subqueries keep one row each.
_KNOWN = text(
    "SELECT pri, sid, entry_hash FROM ("
    " SELECT * FROM (SELECT 1 AS pri, story_id AS sid, entry_hash FROM story_item"
    "  WHERE source = :source AND guid = :guid LIMIT 1) AS k1"
    " UNION ALL SELECT * FROM (SELECT 2, story_id, entry_hash FROM story_item"
    "  WHERE source = :source AND guid_key = :gkey LIMIT 1) AS k2"
    " UNION ALL SELECT * FROM (SELECT 3, id, CAST(NULL AS VARCHAR) FROM story"
    "  WHERE url_key = :ukey LIMIT 1) AS k3"
    " UNION ALL SELECT * FROM (SELECT 4, story_id, CAST(NULL AS VARCHAR) FROM story_item"
    "  WHERE url_key = :ukey LIMIT 1) AS k4"
    " UNION ALL SELECT * FROM (SELECT 5, id, CAST(NULL AS VARCHAR) FROM story"
    "  WHERE body_hash = :bhash LIMIT 1) AS k5"
    ") AS known ORDER BY pri LIMIT 1"
)
_VIA = {1: "item", 2: "item", 3: "url", 4: "url", 5: "hash"}


def _find_known(
    conn: Connection,
    source: str,
    guid: str,
    url_key: str | None,
    body_hash: str | None,
    guid_key: str | None = None,
) -> Known | None:
    """Item (source+GUID, then the migrated GUID key), URL key, body hash: the first that hits."""
    row = direct.execute(
        conn,
        _KNOWN,
        {
            "source": source,
            "guid": guid,
            "gkey": guid_key or None,  # the same item under a migrated GUID (http->https...)
            "ukey": url_key or None,
            "bhash": body_hash or None,
        },
    ).fetchone()
    if row is None:
        return None
    pri, sid, entry_hash = row
    via = _VIA[int(pri)]
    return Known(story_id=int(sid), via=via, entry_hash=entry_hash if via == "item" else None)


CHUNK = 500  # keys per IN (...) list: far below every database's parameter limit


def find_known_many(
    db: Database, source: str, items: Sequence[tuple[str, str | None, str | None]]
) -> dict[str, Known]:
    """``find_known`` (without the body hash) for all of a feed's items at once.

    ``items`` are ``(guid, url_key, guid_key)``; the result maps each known GUID to what it is
    known as, with ``find_known``'s precedence: the item, its migrated GUID, the URL. A handful
    of statements per feed instead of one per item.
    """
    found: dict[str, Known] = {}
    with db.read() as conn:
        for part in _chunks(items):
            guids = [g for g, _u, _k in part]
            for row in conn.execute(_ITEMS_BY_GUID, {"source": source, "keys": guids}):
                found[row.guid] = Known(
                    story_id=row.story_id, via="item", entry_hash=row.entry_hash
                )
            by_key = {k: g for g, _u, k in part if k and g not in found}
            if by_key:
                params = {"source": source, "keys": list(by_key)}
                for row in conn.execute(_ITEMS_BY_GUID_KEY, params):
                    guid = by_key[row.guid_key]
                    if guid not in found:
                        found[guid] = Known(row.story_id, via="item", entry_hash=row.entry_hash)
            for statement in (_STORIES_BY_URL, _ITEMS_BY_URL):
                by_url: dict[str, list[str]] = {}
                for g, u, _k in part:
                    if u and g not in found:
                        by_url.setdefault(u, []).append(g)
                if by_url:
                    for row in conn.execute(statement, {"keys": list(by_url)}):
                        for guid in by_url[row.url_key]:
                            found.setdefault(guid, Known(story_id=row.story_id, via="url"))
    return found


def _chunks(
    items: Sequence[tuple[str, str | None, str | None]],
) -> Iterator[Sequence[tuple[str, str | None, str | None]]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


_ITEMS_BY_GUID = select(I.c.guid, I.c.story_id, I.c.entry_hash).where(
    I.c.source == bindparam("source"), I.c.guid.in_(bindparam("keys", expanding=True))
)
_ITEMS_BY_GUID_KEY = select(I.c.guid_key, I.c.story_id, I.c.entry_hash).where(
    I.c.source == bindparam("source"), I.c.guid_key.in_(bindparam("keys", expanding=True))
)
_STORIES_BY_URL = select(S.c.url_key, S.c.id.label("story_id")).where(
    S.c.url_key.in_(bindparam("keys", expanding=True))
)
_ITEMS_BY_URL = select(I.c.url_key, I.c.story_id).where(
    I.c.url_key.in_(bindparam("keys", expanding=True))
)
