"""DDL for near-duplicate clustering and GUID migrations (to be registered as migration 3).

``STATEMENTS`` uses the ``{id}``/``{blob}``/``{ts}`` placeholders of ``store.migrations`` and only
plain SQL that SQLite and PostgreSQL both accept (no ``WITHOUT ROWID``, no dialect-only index
types):

- ``story_fingerprint``: one row per story, one column per MinHash band (``b0``..``b7``, 31-bit
  integers from ``ingest.fingerprint``) and one plain B-tree index per column, so finding the
  candidates of a new story is ``BAND_COUNT`` index probes however many stories are stored. A row
  with only NULL bands marks a story too short to fingerprint (so a backfill skips it).
- ``story_relation``: stories about the same event that must not be merged (two agencies, a
  follow-up), stored once per ordered pair.
- ``story_item.guid_key``: the secondary per-source key of ``ingest.dedupe.guid_key``.

This module holds statements only; ``store.fingerprints`` reads and writes the tables.
"""

from __future__ import annotations

BAND_COUNT = 8  # must equal ingest.fingerprint.BANDS (a test checks it)
BAND_COLUMNS = tuple(f"b{i}" for i in range(BAND_COUNT))

STATEMENTS: list[str] = [
    "CREATE TABLE story_fingerprint (\n"
    "        story_id INTEGER PRIMARY KEY REFERENCES story(id) ON DELETE CASCADE,\n"
    "        words INTEGER NOT NULL, published {ts},\n"
    "        " + ", ".join(f"{c} INTEGER" for c in BAND_COLUMNS) + ")",
    *(f"CREATE INDEX ix_fp_{c} ON story_fingerprint ({c})" for c in BAND_COLUMNS),
    """CREATE TABLE story_relation (
        story_id INTEGER NOT NULL REFERENCES story(id) ON DELETE CASCADE,
        related_id INTEGER NOT NULL REFERENCES story(id) ON DELETE CASCADE,
        score REAL NOT NULL, reason VARCHAR NOT NULL DEFAULT '',
        PRIMARY KEY (story_id, related_id))""",
    "CREATE INDEX ix_relation_related ON story_relation (related_id)",
    "ALTER TABLE story_item ADD COLUMN guid_key VARCHAR",
    "CREATE INDEX ix_item_source_guid_key ON story_item (source, guid_key)",
]
