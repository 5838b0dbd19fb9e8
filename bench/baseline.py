"""The sequential baseline: what a user writes instead of Wirefeed (issue 9's yardstick).

One reused ``httpx.Client``; for each feed, ``feedparser.parse`` of its bytes; for each entry,
download the page, ``trafilatura.extract`` it, insert into SQLite (``sqlite3``) with a UNIQUE
link, committing each row. feedparser does not read JSON Feed, so JSON feeds go through
``json.loads`` (the few lines a user adds when one of their sources is JSON). With
``fetch_pages=False`` (full-content feeds) it stores the feed's own content instead.
``run_baseline`` returns the stories stored and the seconds taken.

It deliberately does no dedupe beyond the unique link, no cleaning, no attribution, no sections,
no conditional requests and no publishing: it is the plain loop, not a straw man made slower.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import httpx
import trafilatura

SCHEMA = """CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY, link TEXT NOT NULL UNIQUE, title TEXT, published TEXT, body TEXT
)"""


def _json_entries(data: bytes) -> list[dict[str, Any]]:
    """JSON Feed items in feedparser's shape (link, title, published, content, summary)."""
    return [
        {
            "link": item.get("url"),
            "title": item.get("title"),
            "published": item.get("date_published"),
            "content": [{"value": item.get("content_html") or item.get("content_text")}],
            "summary": item.get("summary"),
        }
        for item in json.loads(data).get("items", [])
    ]


@dataclass(frozen=True, slots=True)
class BaselineResult:
    stories: int
    seconds: float
    items: int  # feed entries seen
    failed: int  # pages that could not be fetched or extracted


def run_baseline(
    feed_urls: Sequence[str], db_path: Path, *, fetch_pages: bool = True
) -> BaselineResult:
    """Ingest every feed once, sequentially; the clock runs from the first request to the end."""
    conn = sqlite3.connect(db_path)
    conn.execute(SCHEMA)
    conn.commit()
    stored = items = failed = 0
    started = time.perf_counter()
    with httpx.Client(timeout=20.0, follow_redirects=True) as client:
        for url in feed_urls:
            data = client.get(url).content
            entries = _json_entries(data) if data.lstrip()[:1] == b"{" else None
            for entry in entries if entries is not None else feedparser.parse(data).entries:
                items += 1
                link = entry.get("link")
                if not link:
                    failed += 1
                    continue
                if fetch_pages:
                    resp = client.get(link)
                    body = trafilatura.extract(resp.text) if resp.status_code == 200 else None
                else:
                    content = entry.get("content") or [{}]
                    body = content[0].get("value") or entry.get("summary")
                if not body:
                    failed += 1
                    continue
                cur = conn.execute(
                    "INSERT OR IGNORE INTO stories (link, title, published, body) VALUES (?,?,?,?)",
                    (link, entry.get("title"), entry.get("published"), body),
                )
                conn.commit()
                stored += cur.rowcount
    seconds = time.perf_counter() - started
    conn.close()
    return BaselineResult(stored, seconds, items, failed)
