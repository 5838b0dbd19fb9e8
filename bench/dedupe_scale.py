"""Dedupe decisions against 1,000,000 stored fingerprints: time per decision and index size.

Usage: ``python bench/dedupe_scale.py [--stories 1000000] [--lookups 1000] [--db PATH]`` (or
``python bench/dedupe.py --scale ...``). Builds a SQLite file with the real schema (migrations 1-2
plus ``store.schema_dedupe``), bulk-loads ``--stories`` synthetic fingerprints (uniform random
31-bit band values, publication dates spread over two years) and the labelled set's base stories
with their real texts and fingerprints, then times ``--lookups`` full decisions for the set's
edited copies: fingerprint the new body, probe the index (``store.fingerprints.find_candidates``),
load the candidates, confirm each with ``same_story``. Prints median and p95 per step, the
database size, the fingerprint table and index sizes (SQLite ``dbstat`` when compiled in), and
the decisions' hit rate.

Caveat printed with the figures: uniform synthetic band values collide with nothing, so the
candidate lists here hold only the true copies; real bodies share boilerplate shingles (the
labelled set's mean is printed by ``bench/dedupe.py``). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, event, text  # noqa: E402

from bench.dedupe import load_set  # noqa: E402
from ingest.dedupe_near import WINDOW, Candidate, same_story  # noqa: E402
from ingest.fingerprint import BANDS, fingerprint  # noqa: E402
from store import fingerprints  # noqa: E402
from store.migrations import migrate  # noqa: E402
from store.schema_dedupe import STATEMENTS  # noqa: E402

BATCH = 50_000
TYPES = {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB", "ts": "TIMESTAMP"}


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered):.3f} ms  p95 {p95:.3f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: temporary)")
    args = parser.parse_args(argv)
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory()
        args.db = Path(tmp.name) / "scale.db"
    if args.db.exists():
        args.db.unlink()
    engine = create_engine(f"sqlite:///{args.db}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: object, _record: object) -> None:
        cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA cache_size = -262144")  # 256 MB, as an operator would set
        cur.close()

    docs, pairs = load_set()
    stored = sorted({p.a for p in pairs})  # the originals; their edited copies are the queries
    queries = sorted({p.b for p in pairs if p.label == "same"})
    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        migrate(conn, target=2)
        for stmt in STATEMENTS:
            conn.execute(text(stmt.format(**TYPES)))
    with engine.begin() as conn:
        for first in range(1, args.stories + 1, BATCH):
            rows = []
            for sid in range(first, min(first + BATCH, args.stories + 1)):
                bands = [rng.getrandbits(31) for _ in range(BANDS)]
                when = start + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
                rows.append((sid, bands, rng.randint(150, 900), when))
            fingerprints.add_fingerprints(conn, rows)
    load_s = time.perf_counter() - t0
    ids: dict[str, int] = {}
    with engine.begin() as conn:
        for n, doc_id in enumerate(stored, start=args.stories + 1):
            d = docs[doc_id]
            conn.execute(
                text(
                    "INSERT INTO story (id, source, guid, title, slug, published, first_seen, "
                    "updated, agency, dateline, body_text) VALUES (:id, 'wire', :g, :t, :g, :p, "
                    ":p, :p, :a, :d, :b)"
                ),
                {
                    "id": n,
                    "g": doc_id,
                    "t": d.title,
                    "p": d.published,
                    "a": d.agency,
                    "d": d.dateline,
                    "b": d.body_text,
                },
            )
            fp = fingerprint(d.body_text)
            fingerprints.add_fingerprint(conn, n, fp.bands, words=fp.words, published=d.published)
            ids[doc_id] = n
    total, t_fp, t_probe, t_verify = [], [], [], []
    matched = 0
    candidates_seen = 0
    with engine.connect() as conn:
        for i in range(args.lookups):
            q = docs[queries[i % len(queries)]]
            a = time.perf_counter()
            fp = fingerprint(q.body_text)
            b = time.perf_counter()
            found = fingerprints.find_candidates(
                conn, fp.bands, published=q.published, window=WINDOW
            )
            rows = fingerprints.load_candidates(conn, found)
            c = time.perf_counter()
            best = None
            for r in rows:
                cand = Candidate(r.title, r.body_text, r.agency, r.dateline, r.published)
                verdict = same_story(q, cand)
                if verdict.same and (best is None or verdict.score > best[0]):
                    best = (verdict.score, r.story_id)
            d_ = time.perf_counter()
            matched += best is not None
            candidates_seen += len(found)
            t_fp.append((b - a) * 1000)
            t_probe.append((c - b) * 1000)
            t_verify.append((d_ - c) * 1000)
            total.append((d_ - a) * 1000)
        sizes = {}
        try:
            for name, size in conn.execute(
                text(
                    "SELECT name, SUM(pgsize) FROM dbstat WHERE name LIKE '%fp%' "
                    "OR name = 'story_fingerprint' GROUP BY name"
                )
            ):
                sizes[name] = int(size)
        except Exception:  # dbstat not compiled into this SQLite
            sizes = {}
    engine.dispose()
    db_bytes = sum(
        os.path.getsize(p) for p in (args.db, Path(f"{args.db}-wal")) if os.path.exists(p)
    )
    print(f"stored fingerprints: {args.stories:,} synthetic + {len(stored)} real stories")
    print(f"bulk load: {load_s:.1f} s ({args.stories / load_s:,.0f} rows/s, 8 indexes live)")
    print(f"decisions: {args.lookups}, confirmed same: {matched} ({matched / args.lookups:.1%})")
    print(f"candidates per look-up: mean {candidates_seen / args.lookups:.2f}")
    print(f"  per decision : {_ms(total)}")
    print(f"  fingerprint  : {_ms(t_fp)}")
    print(f"  index probes : {_ms(t_probe)} ({BANDS} index look-ups + 1 load by key)")
    print(f"  confirm      : {_ms(t_verify)}")
    print(f"database file: {db_bytes / 1e6:.1f} MB")
    if sizes:
        table = sizes.get("story_fingerprint", 0)
        index = sum(v for k, v in sizes.items() if k != "story_fingerprint")
        print(
            f"fingerprint table {table / 1e6:.1f} MB + indexes {index / 1e6:.1f} MB "
            f"= {(table + index) / 1e6:.1f} MB ({(table + index) / max(1, args.stories):.0f} "
            "bytes per story)"
        )
    print(
        "caveat: synthetic band values are uniform, so they add no false candidates; real "
        "boilerplate does (see bench/dedupe.py's candidates per look-up)"
    )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
