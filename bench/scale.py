"""Scale figures: a store of 1,000,000 stories, the look-ups that must stay index-fast on it.

Usage: ``python bench/scale.py [--stories 1000000] [--body-chars 2400] [--db PATH]``

Builds a SQLite database with the real schema (all migrations), bulk-loads ``--stories``
synthetic stories (each with its feed item and one to three sections; bodies of about
``--body-chars`` characters, the size of a 400-word wire story, in text and in HTML), then times:

- the exact-key dedupe look-up of an incoming item (``store.stories.find_known``: item, GUID
  key, URL, body hash), for known and for new items;
- one section's newest 20 stories (``store.reading.section_ids``, then the full
  ``store.stories.list_stories`` with hydration);

and prints the database size per 100,000 stories. The near-duplicate decision at this size is
``bench/dedupe_scale.py``; publishing into a 100,000-story site is ``bench/publish.py``.
Budgets (stated here, checked by eye): each look-up well under 5 ms at the median. Not part of
the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from store import stories  # noqa: E402
from store.db import Database, open_database  # noqa: E402
from store.reading import section_ids  # noqa: E402

SECTIONS = ("World News", "Politics", "Investing", "Stock", "Technology", "Science", "Health")
BATCH = 20_000
START = datetime(2024, 1, 1, tzinfo=UTC)


def _body(rng: random.Random, chars: int) -> str:
    words = ("minister", "said", "market", "shares", "talks", "rose", "fell", "agency", "court")
    out: list[str] = []
    size = 0
    while size < chars:
        word = rng.choice(words)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)


def load(db: Database, count: int, body_chars: int) -> float:
    """Bulk-load ``count`` stories with items and sections; returns seconds."""
    rng = random.Random(20261128)
    body = _body(rng, body_chars)
    html = "<p>" + body + "</p>"
    started = time.perf_counter()
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        for first in range(1, count + 1, BATCH):
            ids = range(first, min(first + BATCH, count + 1))
            story_rows, item_rows, section_rows = [], [], []
            for i in ids:
                when = (START + timedelta(minutes=i)).strftime("%Y-%m-%d %H:%M:%S.000000")
                source = f"source-{i % 300}"
                story_rows.append(
                    (
                        i,
                        source,
                        f"g{i}",
                        f"https://news{i % 300}.example/{i}",
                        f"news{i % 300}.example/{i}",
                        f"Story number {i}",
                        f"story-number-{i}",
                        when,
                        when,
                        when,
                        when,
                        f"{i:x}" + body[:40],
                        body,
                        html,
                    )
                )
                item_rows.append((i, i, source, f"g{i}", f"g{i}", f"news{i % 300}.example/{i}"))
                for k in range(1 + i % 3):
                    section_rows.append((i, SECTIONS[(i + k) % len(SECTIONS)], "bench", when))
            cur.executemany(
                "INSERT INTO story (id, source, guid, url, url_key, title, slug, published, "
                "first_seen, updated, story_date, body_hash, body_text, body_html) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                story_rows,
            )
            cur.executemany(
                "INSERT INTO story_item (id, story_id, source, guid, guid_key, url_key, "
                "first_seen) VALUES (?,?,?,?,?,?,'2024-01-01 00:00:00.000000')",
                item_rows,
            )
            cur.executemany(
                "INSERT INTO story_section (story_id, section, rule_id, story_date) "
                "VALUES (?,?,?,?)",
                section_rows,
            )
            raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - started


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stories", type=int, default=1_000_000)
    ap.add_argument("--body-chars", type=int, default=2400)
    ap.add_argument("--db", type=Path)
    args = ap.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="wirefeed-scale-")) / "scale.db"
    db = open_database(f"sqlite:///{path}")
    have = stories.count_stories(db)
    seconds = load(db, args.stories, args.body_chars) if have == 0 else 0.0
    raw = db.engine.raw_connection()
    try:
        raw.execute("ANALYZE")
        raw.commit()
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    size = os.path.getsize(path)
    rng = random.Random(7)
    n = args.stories

    def known() -> object:
        i = rng.randint(1, n)
        return stories.find_known(
            db, source=f"source-{i % 300}", guid=f"g{i}", url_key=None, body_hash=None
        )

    def unknown() -> object:
        i = rng.randint(n + 1, 2 * n)
        return stories.find_known(
            db,
            source=f"source-{i % 300}",
            guid=f"g{i}",
            url_key=f"elsewhere.example/{i}",
            body_hash=f"{i:x}new",
            guid_key=f"/{i}",
        )

    print(f"Wirefeed scale bench: {n:,} stories in SQLite at {path}")
    if seconds:
        print(f"load: {seconds:.1f} s ({n / seconds:,.0f} stories/s with items and sections)")
    print(
        f"database: {size / 2**20:,.0f} MiB, {size / 2**20 / (n / 100_000):,.0f} MiB per 100k "
        f"stories (bodies of ~{args.body_chars} characters, stored as text and HTML)"
    )
    for label, fn, runs in (
        ("exact dedupe look-up, known item", known, 2000),
        ("exact dedupe look-up, new item (all 5 keys miss)", unknown, 2000),
        ("section listing ids, newest 20", lambda: section_ids(db, "Science", limit=20), 300),
        (
            "section listing, 20 stories hydrated",
            lambda: stories.list_stories(db, section="Science", limit=20),
            300,
        ),
    ):
        median, p95 = timed(fn, runs)
        print(f"{label:52s} median {median:6.3f} ms   p95 {p95:6.3f} ms")
    db.close()


if __name__ == "__main__":
    main()
