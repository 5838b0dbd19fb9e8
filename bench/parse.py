"""Feed parsing throughput: ``parse_feed`` vs feedparser with our options vs feedparser defaults.

Builds a 1000-item RSS 2.0 feed in memory (content:encoded bodies of ~2 KB with links and inline
markup, dc:creator, categories), parses it a few times with each variant and prints the median
items/s and the ratio to feedparser's defaults. No network, no files.

Run: .venv/bin/python bench/parse.py [--items 1000] [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

import feedparser

from ingest.parse import parse_feed


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
        "parse_feed (whole stage)": lambda: parse_feed(body, url, "application/rss+xml"),
    }
    assert len(parse_feed(body, url).entries) == args.items
    print(f"{args.items} items, {len(body) / 1024:.0f} KiB, median of {args.runs} runs")
    baseline = None
    for name, fn in variants.items():
        fn()  # warm-up
        seconds = median_seconds(fn, args.runs)
        baseline = baseline or seconds
        print(
            f"  {name:26s} {seconds * 1000:8.1f} ms  {args.items / seconds:8.0f} items/s  "
            f"{seconds * 1000 / args.items:6.2f} ms/item  x{baseline / seconds:.2f} vs defaults"
        )


if __name__ == "__main__":
    main()
