"""Raw inputs (feed and page bytes), content-addressed and compressed, for replay by reingest.

``put_blob`` returns the SHA-256 of the bytes; storing the same bytes twice stores them once.
This module does not interpret the bytes.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from store import direct
from store.dates import as_utc
from store.db import Database
from store.models import BlobRow

B = BlobRow.__table__  # type: ignore[attr-defined]
# An insert that does nothing when the hash is stored already, per dialect (built once).
_KEEP_ONCE: dict[str, Any] = {
    "sqlite": sqlite_insert(B).on_conflict_do_nothing(index_elements=["hash"]),
    "postgresql": pg_insert(B).on_conflict_do_nothing(index_elements=["hash"]),
}


@dataclass(frozen=True, slots=True)
class Blob:
    hash: str
    kind: str
    url: str | None
    content_type: str | None
    fetched_at: datetime
    data: bytes


def blob_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack(data: bytes) -> bytes:
    """The stored form of raw bytes: fast compression (they are kept for replay, not served)."""
    return zlib.compress(data, 1)


def put_blob(
    db: Database,
    data: bytes,
    *,
    kind: str,
    url: str | None,
    content_type: str | None,
    now: datetime,
    packed: tuple[str, bytes] | None = None,
) -> str:
    """Store ``data`` once under its hash and return the hash.

    ``packed`` is ``(hash, compressed bytes)`` when a worker process computed them already.
    """
    with db.begin() as conn:
        return put_blob_in(
            conn, data, kind=kind, url=url, content_type=content_type, now=now, packed=packed
        )


def put_blob_in(
    conn: Connection,
    data: bytes,
    *,
    kind: str,
    url: str | None,
    content_type: str | None,
    now: datetime,
    packed: tuple[str, bytes] | None = None,
) -> str:
    """``put_blob`` inside the caller's write transaction: one statement, a no-op when the
    bytes are stored already (by anyone, even a concurrent writer)."""
    digest = packed[0] if packed else blob_hash(data)
    row = {
        "hash": digest,
        "kind": kind,
        "url": url,
        "content_type": content_type,
        "fetched_at": now.astimezone(UTC),
        "size": len(data),
        "data": packed[1] if packed else pack(data),
    }
    statement = _KEEP_ONCE.get(conn.dialect.name)
    if statement is None:  # pragma: no cover - the two supported databases have one above
        if conn.execute(select(B.c.hash).where(B.c.hash == digest)).first():
            return digest
        statement = B.insert()
    direct.execute(conn, statement, row)
    return digest


def get_blob(db: Database, digest: str) -> Blob | None:
    with db.read() as conn:
        row = conn.execute(select(B).where(B.c.hash == digest)).first()
    return None if row is None else _blob(row)


def recent_pages(db: Database, prefix: str, *, limit: int) -> list[Blob]:
    """The most recently fetched article pages whose URL starts with ``prefix`` (a site)."""
    query = (
        select(B)
        .where(B.c.kind == "page", B.c.url >= prefix, B.c.url < prefix + "\U0010ffff")
        .order_by(B.c.fetched_at.desc())
        .limit(limit)
    )
    with db.read() as conn:
        rows = conn.execute(query).all()
    return [_blob(r) for r in rows if r.url and r.url.startswith(prefix)]


def _blob(row: Any) -> Blob:
    return Blob(
        hash=row.hash,
        kind=row.kind,
        url=row.url,
        content_type=row.content_type,
        fetched_at=as_utc(row.fetched_at),
        data=zlib.decompress(row.data),
    )
