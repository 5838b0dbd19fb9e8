"""The bench's corpus, server and baseline: deterministic, valid, served, and comparable.

Correctness only: the speed figures live in ``bench/e2e.py``; nothing here is timed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import feedparser
import httpx
import pytest

from bench.baseline import run_baseline
from bench.corpus import Spec, build_corpus, load_manifest, write_corpus
from bench.e2e import build_settings
from bench.server import DirSite, MemorySite, RunningServer, serve_in_thread
from ingest.pipeline import ingest
from store.db import open_database

TINY = Spec(feeds=3, items=3, seed=7, carried=0.0)
AGENCY_MARKS = ("(Reuters)", "(AP)", "(AFP)", "(Bloomberg)", "(dpa)", "With inputs from AFP")


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    _, one = build_corpus(TINY)
    _, two = build_corpus(TINY)
    _, other = build_corpus(Spec(feeds=3, items=3, seed=8, carried=0.0))
    assert {p: f.body for p, f in one.items()} == {p: f.body for p, f in two.items()}
    assert {p: f.body for p, f in one.items()} != {p: f.body for p, f in other.items()}


def test_feeds_are_valid_and_mixed_and_carry_summaries_only() -> None:
    manifest, files = build_corpus(TINY)
    assert [f.format for f in manifest.feeds] == ["rss", "atom", "json"]
    for info in manifest.feeds:
        body = files[info.path].body
        if info.format == "json":
            data = json.loads(body)
            assert data["version"] == "https://jsonfeed.org/version/1.1"
            items = data["items"]
            assert all("summary" in i and "content_html" not in i for i in items)
            links = [i["url"] for i in items]
        else:
            parsed = feedparser.parse(body)
            assert not parsed.bozo, parsed.get("bozo_exception")
            assert parsed.version == ("rss20" if info.format == "rss" else "atom10")
            assert all("content" not in e for e in parsed.entries)
            links = [e.link for e in parsed.entries]
        assert len(links) == TINY.items
        for link in links:  # every item links to a page of the corpus
            assert link.startswith("{base}/")
            assert link.removeprefix("{base}").split("?")[0] in files


def test_full_content_feeds_carry_the_body() -> None:
    manifest, files = build_corpus(Spec(feeds=3, items=2, seed=7, full_content=True))
    rss = feedparser.parse(files[manifest.feeds[0].path].body)
    assert all(len(e.content[0].value) > 500 for e in rss.entries)
    data = json.loads(files[manifest.feeds[2].path].body)
    assert all(len(i["content_html"]) > 500 for i in data["items"])


def test_pages_are_news_pages_of_60_to_120_kb_with_wire_credits() -> None:
    _, files = build_corpus(Spec(feeds=6, items=5, seed=3))
    pages = [f for f in files.values() if f.path.endswith(".html")]
    assert len(pages) == 30
    for page in pages:
        assert 60_000 <= len(page.body) <= 120 * 1024, (page.path, len(page.body))
        html = page.body.decode()
        for chrome in ("<nav", "<footer", "<script", "<style", "You may also like", "Comments"):
            assert chrome in html
    credited = [p for p in pages if any(m in p.body.decode() for m in AGENCY_MARKS)]
    assert len(credited) >= len(pages) * 0.6


def test_about_a_fifth_of_items_are_carried_with_edits_and_tracking_links() -> None:
    manifest, files = build_corpus(Spec(feeds=10, items=10, seed=5))
    assert 0.1 <= manifest.carried / manifest.items <= 0.3
    data = [json.loads(files[f.path].body) for f in manifest.feeds if f.format == "json"]
    links = [i["url"] for d in data for i in d["items"]]
    assert any("utm_source=" in link for link in links)
    assert any("Mr. " in f.body.decode() or "Ms. " in f.body.decode() for f in files.values())


@pytest.fixture()
def tiny_server(tmp_path: Path) -> Iterator[tuple[RunningServer, Path]]:
    write_corpus(TINY, tmp_path / "corpus")
    server = serve_in_thread(DirSite.open(tmp_path / "corpus"))
    try:
        yield server, tmp_path
    finally:
        server.close()


def test_server_answers_200_then_304_and_404(tiny_server: tuple[RunningServer, Path]) -> None:
    server, tmp = tiny_server
    feed = load_manifest(tmp / "corpus").feeds[0]
    with httpx.Client() as client:
        first = client.get(server.base_url + feed.path)
        assert first.status_code == 200
        assert first.headers["content-type"].startswith("application/rss+xml")
        assert b"{base}" not in first.content and server.base_url.encode() in first.content
        again = client.get(
            server.base_url + feed.path, headers={"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304 and again.content == b""
        assert client.get(server.base_url + "/nope.html").status_code == 404
    assert server.stats() == {"feed 200": 1, "feed 304": 1, "page 404": 1}


def test_memory_site_serves_the_same_bytes() -> None:
    _, files = build_corpus(TINY)
    path = next(p for p in files if p.endswith(".html"))
    server = serve_in_thread(MemorySite(files))
    try:
        got = httpx.get(server.base_url + path + "?utm_source=x").content
    finally:
        server.close()
    assert got == files[path].body.replace(b"{base}", server.base_url.encode())


def test_baseline_and_pipeline_store_the_same_stories(
    tiny_server: tuple[RunningServer, Path],
) -> None:
    server, tmp = tiny_server
    manifest = load_manifest(tmp / "corpus")
    urls = [server.base_url + f.path for f in manifest.feeds]
    base = run_baseline(urls, tmp / "baseline.db")
    assert (base.stories, base.items, base.failed) == (9, 9, 0)
    (tmp / "ours").mkdir()
    settings = build_settings(manifest, server.base_url, tmp / "ours")
    db = open_database(settings.database.url)
    try:
        results = ingest(db, settings)
    finally:
        db.close()
    assert [r.status for r in results] == ["ok"] * 3
    assert sum(r.new for r in results) == base.stories
    assert server.stats()["page 200"] == 2 * 9  # each contender fetched every page once


def test_fetch_bench_fetches_every_page_through_both_transports() -> None:
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "bench/fetch.py", "--pages", "30", "--rounds", "1"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert out.startswith("30 pages of ")
    assert "ingest.transport (default)" in out and "httpx's own transport" in out
    assert "ratio of CPU per page, httpx's / ours: " in out
