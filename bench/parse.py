"""Feed parsing throughput: ``parse_feed`` (lxml fast path) vs its feedparser path vs feedparser.

Part 1 builds a 1000-item RSS 2.0 feed in memory (content:encoded bodies of ~2 KB with links and
inline markup, dc:creator, categories), parses it a few times with each variant and prints the
median items/s and the ratio to feedparser's defaults. Part 2 builds a small bench corpus in
memory (``bench.corpus``: RSS 2.0, Atom 1.0 and JSON Feed, summary-only and full-content) and
times ``parse_feed`` over all its feeds, fast path vs ``parse_feed_feedparser``, checking that both
give the same result. No network, no files.

Run: .venv/bin/python bench/parse.py [--items 1000] [--runs 5] [--feeds 30]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import feedparser

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import FEED_FILE, Spec, generate  # noqa: E402
from ingest.parse import parse_feed, parse_feed_feedparser  # noqa: E402


def make_feed(items: int) -> bytes:
    paragraph = (
        "<p>LONDON (Reuters) - Shares in <a href='/markets/europe'>European markets</a> rose on "
        "<em>Tuesday</em> as investors weighed central bank signals &amp; earnings.</p>"
    )
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench wire</title>'
        "<link>https://bench.example.com/</link><description>bench</description><ttl>10</ttl>"
    ]
    for i in range(items):
        parts.append(
            f"<item><title>Story number {i} &amp; more</title>"
            f"<link>https://bench.example.com/story/{i}</link>"
            f'<guid isPermaLink="false">bench-{i}</guid>'
            f"<pubDate>Wed, 17 Apr 2024 06:{i % 60:02d}:00 GMT</pubDate>"
            f"<dc:creator>Reporter {i % 17}</dc:creator><category>World</category>"
            f"<description><![CDATA[Teaser {i} with <b>bold</b>.]]></description>"
            f"<content:encoded><![CDATA[{paragraph * 8}]]></content:encoded></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--feeds", type=int, default=30, help="outlets per corpus mode in part 2")
    args = ap.parse_args()
    body = make_feed(args.items)
    url = "https://bench.example.com/feed.xml"
    headers = {"content-location": url, "content-type": "application/rss+xml"}
    variants: dict[str, Callable[[], object]] = {
        "feedparser defaults": lambda: feedparser.parse(io.BytesIO(body), response_headers=headers),
        "feedparser, our options": lambda: feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=True,
        ),
        "feedparser, no URI resolve": lambda: feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        ),
        "parse_feed, feedparser path": lambda: parse_feed_feedparser(
            body, url, "application/rss+xml"
        ),
        "parse_feed (lxml fast path)": lambda: parse_feed(body, url, "application/rss+xml"),
    }
    assert len(parse_feed(body, url).entries) == args.items
    print(f"{args.items} items, {len(body) / 1024:.0f} KiB, median of {args.runs} runs")
    baseline = None
    for name, fn in variants.items():
        fn()  # warm-up
        seconds = median_seconds(fn, args.runs)
        baseline = baseline or seconds
        print(
            f"  {name:28s} {seconds * 1000:8.1f} ms  {args.items / seconds:8.0f} items/s  "
            f"{seconds * 1000 / args.items:6.2f} ms/item  x{baseline / seconds:.2f} vs defaults"
        )
    corpus_bench(args.feeds, args.runs)


def corpus_feeds(feeds: int) -> list[tuple[str, bytes, str]]:
    """(url, body, content type) of every feed of a summary-only and a full-content corpus."""
    out = []
    for full in (False, True):
        for f in generate(Spec(feeds, 20, 1, full)):
            if f.path.rsplit("/", 1)[-1] in FEED_FILE.values():
                out.append(("http://127.0.0.1:8000" + f.path, f.body, f.content_type))
    return out


def corpus_bench(feeds: int, runs: int) -> None:
    docs = corpus_feeds(feeds)
    slow = [parse_feed_feedparser(body, url, ctype) for url, body, ctype in docs]
    fast = [parse_feed(body, url, ctype) for url, body, ctype in docs]
    assert fast == slow, "fast path and feedparser path disagree"
    items = sum(len(feed.entries) for feed in fast)
    print(f"bench corpus: {len(docs)} feeds (RSS, Atom, JSON; summary and full), {items} items")
    timings = {}
    for name, fn in (("feedparser path", parse_feed_feedparser), ("fast path", parse_feed)):
        seconds = median_seconds(lambda fn=fn: [fn(b, u, c) for u, b, c in docs], runs)
        timings[name] = seconds
        print(f"  parse_feed, {name:16s} {seconds * 1000:8.1f} ms  {items / seconds:8.0f} items/s")
    ratio = timings["feedparser path"] / timings["fast path"]
    print(f"  fast path x{ratio:.2f} vs feedparser path (same run, same output)")


if __name__ == "__main__":
    main()
