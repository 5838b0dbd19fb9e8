"""Bad text and hostile markup at the stage level: parse, clean and extract, one promise per test.

The end-to-end run (tests/test_hostile_feeds.py) shows the same attacks through the CLI; these
tests pin each defence to the stage that owns it, so a regression names its module.
"""

from __future__ import annotations

import json

import pytest

from ingest.clean import clean_html
from ingest.clean_text import remove_invisible, replace_surrogates
from ingest.extract import extract_article
from ingest.parse import MAX_ITEMS, parse_feed
from tests.hostile_checks import CONTROL_CHARS, unsafe_in_html

RSS_ITEM = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
    b"<item><title>%s</title><link>%s</link><guid>g1</guid><description>%s</description>"
    b"<author>a@example.org (%s)</author><category>%s</category></item></channel></rss>"
)


def _rss(title: bytes, link: bytes = b"https://example.org/1", desc: bytes = b"d") -> bytes:
    return RSS_ITEM % (title, link, desc, title, title)


def _jsonfeed(**item: object) -> bytes:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [item]}
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    "ref",
    [b"&#x110000;", b"&#99999999999999999999;", b"&#xD800;", b"&#55357;", b"&#0;", b"&#x1b;",
     b"&#" + b"9" * 5000 + b";"],
)  # fmt: skip
def test_forbidden_character_references_never_crash_the_parser(ref: bytes) -> None:
    # Before: ValueError / OverflowError / UnicodeEncodeError out of feedparser's loose parser,
    # which no caller catches (the whole ingest run died).
    feed = parse_feed(_rss(b"A" + ref + b"B", desc=b"x" + ref), "https://example.org/feed")
    [entry] = feed.entries
    assert entry.title.startswith("A") and entry.title.endswith("B")
    entry.title.encode("utf-8")
    assert not set(entry.title) & CONTROL_CHARS


def test_titles_authors_and_tags_lose_controls_bidi_overrides_and_surrogates() -> None:
    nasty = "Ctrl\x01\x07 esc\x1b[31m \u202eevil\u202c \u2066iso\u2069 end".encode()
    [entry] = parse_feed(_rss(nasty), "https://example.org/feed").entries
    for text in (entry.title, *entry.authors, *entry.tags):
        assert not set(text) & CONTROL_CHARS, repr(text)
        assert "evil" in text and text.endswith("end")
    body = _jsonfeed(
        id="1\x00",
        url="https://example.org/1",
        title="J\x00 \x1b[2J \ud800lone \u202eRTL end",
        authors=[{"name": "Eve\x1b[31m \u202eliar"}],
        tags=["t\x00ag"],
    )
    [item] = parse_feed(body, "https://example.org/feed").entries
    for text in (item.title, item.guid or "", *item.authors, *item.tags):
        text.encode("utf-8")
        assert not set(text) & CONTROL_CHARS, repr(text)
    assert item.title == "J [2J \ufffdlone RTL end" and item.tags == ("tag",)


def test_newlines_in_titles_become_spaces() -> None:
    [entry] = parse_feed(_rss(b"one\nINFO forged\r\nthree"), "https://example.org/f").entries
    assert entry.title == "one INFO forged three"


@pytest.mark.parametrize(
    "link",
    [b"javascript:alert(1)", b" JaVaScRiPt:alert(1)", b"data:text/html,&lt;script&gt;x",
     b"vbscript:msgbox(1)", b"file:///etc/passwd"],
)  # fmt: skip
def test_item_links_that_are_not_http_are_dropped(link: bytes) -> None:
    [entry] = parse_feed(_rss(b"Title", link=link), "https://example.org/feed").entries
    assert entry.link is None
    atom = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>urn:x:1</id>'
        b'<title>T</title><link rel="alternate" href="' + link.strip() + b'"/></entry></feed>'
    )
    assert parse_feed(atom, "https://example.org/feed").entries[0].link is None
    body = _jsonfeed(id="1", url=link.decode().strip(), title="T")
    assert parse_feed(body, "https://example.org/feed").entries[0].link is None


def test_http_links_are_kept() -> None:
    [entry] = parse_feed(_rss(b"T", link=b"https://example.org/a?b=1"), "https://x.org/f").entries
    assert entry.link == "https://example.org/a?b=1"


def _items(n: int, template: bytes) -> bytes:
    return b"".join(template % (i, i) for i in range(n))


@pytest.mark.parametrize(
    "head,template,tail",
    [
        (b'<rss version="2.0"><channel><title>R</title>',
         b"<item><title>I %d</title><guid>g%d</guid></item>\n", b"</channel></rss>"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>',
         b"<entry><id>urn:x:%d</id><title>E %d</title></entry>", b"</feed>"),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
         b'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://x.org/"><title>R</title>'
         b"<link>https://x.org/</link></channel>",
         b'<item rdf:about="https://x.org/%d"><title>R %d</title></item>', b"</rdf:RDF>"),
    ],
)  # fmt: skip
def test_a_feed_with_too_many_items_is_cut_before_parsing(
    head: bytes, template: bytes, tail: bytes
) -> None:
    feed = parse_feed(head + _items(MAX_ITEMS + 500, template) + tail, "https://x.org/f")
    assert len(feed.entries) == MAX_ITEMS
    assert feed.entries[-1].title.endswith(str(MAX_ITEMS - 1))  # the first ones, in order
    assert feed.skipped == (
        f"feed has {MAX_ITEMS + 500} entries: only the first {MAX_ITEMS} were read (max_items)",
    )
    small = parse_feed(head + _items(3, template) + tail, "https://x.org/f", max_items=2)
    assert len(small.entries) == 2 and "has 3 entries" in small.skipped[0]
    exact = parse_feed(head + _items(5, template) + tail, "https://x.org/f", max_items=5)
    assert len(exact.entries) == 5 and exact.skipped == ()


def test_a_json_feed_with_too_many_items_is_cut() -> None:
    items = [{"id": str(i), "title": f"t{i}"} for i in range(MAX_ITEMS + 1)]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    feed = parse_feed(body, "https://x.org/f")
    assert len(feed.entries) == MAX_ITEMS and "has 1001 entries" in feed.skipped[0]


def test_a_lone_surrogate_does_not_truncate_the_body() -> None:
    # lxml silently dropped everything after a lone surrogate.
    body = clean_html("<p>before \ud800 after</p><p>second</p>", "https://x.org/")
    assert body.text == "before \ufffd after\n\nsecond"
    page = "<html><body><article><p>" + "Words here. " * 40 + "\udfff tail end.</p></article>"
    assert extract_article(page, "https://x.org/a").text.endswith("tail end.")


def test_invisible_characters_include_bidi_isolates_and_surrogates() -> None:
    assert remove_invisible("a\u2066b\u2067c\u2068d\u2069e\u202ef\ud800g") == "abcdefg"
    assert remove_invisible("\u200dzwj \u200fRLM stay") == "\u200dzwj \u200fRLM stay"
    assert replace_surrogates("x\udc80y") == "x\ufffdy"


def test_page_metadata_never_keeps_script_urls() -> None:
    page = (
        '<html><head><link rel="canonical" href="javascript:alert(1)">'
        '<meta property="og:image" content="data:image/svg+xml,<svg onload=alert(2)>">'
        "</head><body><article><p>" + "Text. " * 60 + "</p></article></body></html>"
    )
    article = extract_article(page, "https://x.org/a")
    assert article.canonical_url is None and article.lead_image is None
    good = page.replace("javascript:alert(1)", "/canonical")
    assert extract_article(good, "https://x.org/a").canonical_url == "https://x.org/canonical"


def test_a_page_50_mb_deep_in_nested_tags_is_extracted_without_raising() -> None:
    depth = 50_000_000 // 22
    page = (
        "<html><body><article><p>" + "Lead words. " * 30 + "</p>"
        + "<div><span>" * depth + "bottom" + "</span></div>" * depth + "</article></body></html>"
    )  # fmt: skip
    assert len(page) > 50_000_000
    article = extract_article(page, "https://x.org/deep")
    assert unsafe_in_html(article.html) == []
    body = clean_html(page[:5_000_000], "https://x.org/deep")
    assert not set(body.text) & CONTROL_CHARS
