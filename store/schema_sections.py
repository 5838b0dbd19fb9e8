"""Schema of the sections engine's own tables: editor pins (to be registered as migration 4).

``STATEMENTS`` uses the ``{id}``/``{blob}``/``{ts}`` placeholders of ``store.migrations``. Every
statement is idempotent (``IF NOT EXISTS``) so that a test database that applied them by hand
upgrades cleanly once the migration is registered. Section assignments made by rules stay in
``story_section`` (migration 1); this module adds only what rules cannot recompute: pins.
"""

from __future__ import annotations

STATEMENTS: list[str] = [
    # A section an editor put a story in by hand. Kept apart from story_section, which every
    # re-ingest rewrites from the rules, so that a pin survives any change of rules or content.
    """CREATE TABLE IF NOT EXISTS story_pin (
        story_id INTEGER NOT NULL REFERENCES story(id) ON DELETE CASCADE,
        section VARCHAR NOT NULL,
        pinned_at {ts} NOT NULL,
        PRIMARY KEY (story_id, section))""",
    "CREATE INDEX IF NOT EXISTS ix_pin_section ON story_pin (section, story_id)",
]
