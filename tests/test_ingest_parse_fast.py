"""The lxml fast path (ingest.parse_xml / ingest.parse_html) must give exactly what the feedparser
path gives: every fixture is parsed both ways and compared field by field; unusual documents must
take the feedparser path (``read_fast`` returns None)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedparser.urls import resolve_relative_uris

from bench.corpus import FEED_FILE, Spec, build_corpus
from bench.parse import make_feed
from ingest.parse import parse_feed, parse_feed_feedparser
from ingest.parse_html import _resolve_subset, resolve_html
from ingest.parse_xml import read_fast

DATA = Path(__file__).parent / "data"
NOW = datetime(2024, 4, 18, 12, 0, tzinfo=UTC)
FIXTURES = sorted((DATA / "parse_fast").iterdir()) + sorted((DATA / "parse").glob("*.xml"))
FAST = {"rss_full.xml", "atom_full.xml", "rss20.xml"}  # fixtures the fast path must take
URL = "https://feeds.example.com/dir/feed.xml"


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
@pytest.mark.parametrize("content_type", [None, "application/rss+xml; charset=utf-8"])
def test_fast_path_equals_feedparser_path(path: Path, content_type: str | None) -> None:
    body = path.read_bytes()
    fast = parse_feed(body, URL, content_type, now=NOW)
    slow = parse_feed_feedparser(body, URL, content_type, now=NOW)
    assert fast == slow
    assert (read_fast(body, URL, content_type) is not None) == (path.name in FAST)


def test_rich_rss_fixture_reads_as_expected() -> None:
    feed = parse_feed((DATA / "parse_fast" / "rss_full.xml").read_bytes(), URL, now=NOW)
    first = feed.entries[0]
    assert feed.ttl_minutes == 15 and feed.title == "World & Wire"
    assert first.link == "https://news.example.com/stories/2024/one.html?a=1&b=2"
    assert first.authors == ("Jane Doe", "John Roe")
    assert first.tags == ("Markets", "World", "Economy")
    assert 'href="https://news.example.com/m?x=1&amp;y=2"' in (first.content_html or "")
    assert feed.entries[1].link == "https://news.example.com/permalink/2"
    assert feed.entries[2].summary_html is None  # same text as the content


def test_corpus_feeds_take_the_fast_path_and_match() -> None:
    for full in (False, True):
        _, files = build_corpus(Spec(6, 5, 7, full))
        feeds = [f for f in files.values() if f.path.rsplit("/", 1)[-1] in FEED_FILE.values()]
        for f in feeds:
            url = "http://127.0.0.1:8000" + f.path
            assert parse_feed(f.body, url, f.content_type) == parse_feed_feedparser(
                f.body, url, f.content_type
            )
            if not f.path.endswith(".json"):
                assert read_fast(f.body, url, f.content_type) is not None, f.path


def test_bench_feed_matches() -> None:
    body = make_feed(30)
    assert read_fast(body, URL, None) is not None
    assert parse_feed(body, URL) == parse_feed_feedparser(body, URL)


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A'
        b"</title></item><item><tit",  # truncated
        b'<rss version="2.0"><channel><item><title>A &nbsp; B</title></item></channel></rss>',
        b'<rss version="0.91"><channel><item><title>A</title></item></channel></rss>',
        b'<rss version="2.0" xmlns:x="http://unknown.example/ns"><channel><item><title>A</title>'
        b"<x:y>z</x:y></item></channel></rss>",
        b'<rss version="2.0"><channel><item><title>A</title><source url="http://s/">S</source>'
        b"</item></channel></rss>",
        b'<!DOCTYPE rss><rss version="2.0"><channel><item><title>A</title></item></channel></rss>',
        b'<rss version="2.0"><channel><item><title>A</title><description>one</description>'
        b"<description>two</description></item></channel></rss>",
        b'<rss version="2.0"><channel><item><title>A<b>bold</b></title></item></channel></rss>',
        b"<html><body><p>no feed</p></body></html>",
    ],
)
def test_unusual_documents_fall_back_to_feedparser(body: bytes) -> None:
    assert read_fast(body, URL, None) is None
    try:
        slow = parse_feed_feedparser(body, URL)
    except Exception as exc:  # the same error both ways
        with pytest.raises(type(exc)):
            parse_feed(body, URL)
        return
    assert parse_feed(body, URL) == slow


def test_html_resolution_matches_feedparser_on_random_fragments() -> None:
    pieces = ["<p>", "</p>", "<a href='/x?a=1'>", '<a HREF="../y" title="t">', "</a>", "<br>",
              "<br/>", "<P/>", '<img src="i.png" alt=\'a"b\' />', "text ", " & ", "&amp;",
              "&nbsp;", "&foo;", "&#39;", "&#150;", "&#X41;", '<div class="c"/>', "<!-- c -->",
              "</B>", "a > b", "<input disabled>", "é", '<a rel="NoFollow" href="javascript:x">',
              '<q cite=" /c ">', "<x-y>", '<a href="&#34;q">']  # fmt: skip
    rng = random.Random(5)
    fast = 0
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        for ctype in ("text/html", "application/xhtml+xml"):
            want = resolve_relative_uris(text, "https://ex.com/a/b/f.xml", "utf-8", ctype)
            assert resolve_html(text, "https://ex.com/a/b/f.xml", ctype) == want, text
            fast += _resolve_subset(text, "https://ex.com/a/b/f.xml", ctype) is not None
    assert fast > 500  # the subset really is exercised, not always handed to feedparser
