"""Publisher speed: a full build of a large site, then incremental publishes into it.

Generates ``--stories`` synthetic stories in memory (six sections, ~2 KB bodies, titles from a
small vocabulary so related-story matching has work to do), then:

1. full build: ``publish_stories(..., full=True)`` into an empty directory (plan, render, write
   every file with fsync): seconds, files, pages per second;
2. no-change publish: the same stories again (what a tick with nothing new costs);
3. incremental publish after ``--new`` new stories: seconds, pages rendered, files written;
4. incremental publish after one story is edited and one removed.

Stories come from memory, not from the store: the store's ``list_stories`` cost is separate
(printed too when ``--with-load`` is given, which fills a SQLite file first and takes longer).

Run: .venv/bin/python -m bench.publish [--stories 100000] [--new 100] [--out DIR]
(``python bench/publish.py`` works too: the script's own directory is taken off sys.path so
this file does not shadow the ``publish`` package.)
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # run as a script: bench/ must not shadow the publish package

import argparse
import dataclasses
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta

from config.settings import Settings
from publish.run import publish_stories
from publish.types import PublishReport
from store.types import StoredStory

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
SECTIONS = ["World", "Politics", "Business", "Technology", "Science", "Sports"]
_WORDS = """
    china russia trade tariff market energy oil election minister court police storm flood
    climate bank rates inflation vaccine football league coach player merger shares profit
    satellite launch rocket drought wildfire protest parliament budget strike union airline
    harbour ferry council senate treaty summit border refugee drone chip software outage
"""
VOCAB = _WORDS.split()


def make_story(i: int, rng: random.Random, when: datetime) -> StoredStory:
    title = " ".join(rng.choice(VOCAB) for _ in range(7)).capitalize() + f" {i}"
    paragraphs = [" ".join(rng.choice(VOCAB) for _ in range(45)) for _ in range(6)]
    secs = (SECTIONS[i % 6],) if i % 5 else (SECTIONS[i % 6], SECTIONS[(i + 1) % 6])
    return StoredStory(
        id=i, source=f"wire-{i % 4}", guid=f"g{i}", url=f"https://wire{i % 4}.example/{i}",
        canonical_url=None, title=title, slug="", published=when, first_seen=when,
        updated=when, agency="Reuters", dateline="LONDON", byline=None,
        credit_line="— Reuters", sections=secs, body_text="\n\n".join(paragraphs),
        body_html="".join(f"<p>{p}</p>" for p in paragraphs),
    )  # fmt: skip


def corpus(n: int, seed: int = 1) -> list[StoredStory]:
    rng = random.Random(seed)
    start = NOW - timedelta(minutes=5 * n)
    return [make_story(i, rng, start + timedelta(minutes=5 * i)) for i in range(1, n + 1)]


def settings(out: Path) -> Settings:
    return Settings.model_validate(
        {
            "publish": {"output_dir": str(out), "items_per_page": 20, "feed_items": 30},
            "sections": [{"name": s, "slug": s.lower()} for s in SECTIONS],
            "sources": [
                {"name": f"wire-{k}", "url": f"https://wire{k}.example/rss",
                 "policy": "excerpt" if k == 3 else "full"}
                for k in range(4)
            ],
        }
    )  # fmt: skip


def timed(label: str, fn: object, *args: object, **kw: object) -> tuple[float, PublishReport]:
    t0 = time.perf_counter()
    report = fn(*args, **kw)  # type: ignore[operator]
    took = time.perf_counter() - t0
    print(
        f"{label:<34} {took:8.2f} s  rendered {report.pages_rendered:>7}  "
        f"written {report.files_written:>7}  unchanged {report.files_unchanged:>7}  "
        f"removed {report.files_removed:>3}"
    )
    return took, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--out", help="output directory (default: a temporary one, removed)")
    args = parser.parse_args()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="wf-bench-")) / "site"
    t0 = time.perf_counter()
    stories = corpus(args.stories)
    print(f"generated {len(stories)} stories in {time.perf_counter() - t0:.1f} s; output {out}")
    cfg = settings(out)
    try:
        full_s, full = timed("full build", publish_stories, stories, cfg, full=True, now=NOW)
        print(f"  -> {full.files_written / full_s:,.0f} files/s ({full.files_written} files)")
        same_s, _ = timed("publish, nothing changed", publish_stories, stories, cfg, now=NOW)
        rng = random.Random(2)
        fresh = [
            make_story(args.stories + k, rng, NOW + timedelta(minutes=k))
            for k in range(1, args.new + 1)
        ]
        grown = stories + fresh
        inc_s, inc = timed(f"publish after {args.new} new stories", publish_stories, grown, cfg,
                           now=NOW + timedelta(hours=2))  # fmt: skip
        middle = len(grown) // 2
        edited = [dataclasses.replace(s, title="Edited " + s.title) if i == middle else s
                  for i, s in enumerate(grown) if i != middle + 7]  # fmt: skip
        _, _ = timed("publish after 1 edit + 1 removal", publish_stories, edited, cfg,
                          now=NOW + timedelta(hours=2))  # fmt: skip
        print(
            f"incremental vs full: {inc_s:.2f} s vs {full_s:.1f} s "
            f"({full_s / inc_s:.0f}x faster), {inc.files_written} files written "
            f"of {inc.files_written + inc.files_unchanged}; nothing-changed run {same_s:.2f} s"
        )
    finally:
        if not args.out:
            shutil.rmtree(out.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
