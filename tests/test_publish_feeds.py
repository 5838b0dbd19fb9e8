"""RSS, Atom and JSON Feed parse back (with feedparser) with the right items and fields."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
from lxml import etree

from config.settings import Settings
from publish import feeds
from publish.site import build_site
from store.types import StoredStory

NOW = datetime(2024, 4, 18, tzinfo=UTC)
T0 = datetime(2024, 4, 17, 12, 0, tzinfo=UTC)
BASE = "https://n.example/"


def story(id: int, hours_ago: float, **kw: Any) -> StoredStory:
    when = T0 - timedelta(hours=hours_ago)
    fields: dict[str, Any] = {
        "id": id,
        "source": "reuters-world",
        "guid": f"g{id}",
        "url": f"https://www.reuters.com/{id}?a=1&b=2",
        "canonical_url": None,
        "title": f"Story {id} & <friends>",
        "slug": f"story-{id}",
        "published": when,
        "first_seen": when,
        "updated": when,
        "agency": "Reuters",
        "dateline": "LONDON",
        "byline": None,
        "credit_line": "— Reuters",
        "sections": ("World",),
        "body_text": f"Body of story {id}.",
        "body_html": f"<p>Body of <b>story {id}</b>.</p>",
    }
    fields.update(kw)
    return StoredStory(**fields)


def site(stories: list[StoredStory], feed_items: int = 3) -> dict[str, bytes]:
    settings = Settings.model_validate(
        {
            "publish": {"site_title": "Wire & Co", "base_url": BASE, "feed_items": feed_items},
            "sections": [
                {"name": "World", "slug": "world"},
                {"name": "Business", "slug": "business"},
            ],
        }
    )
    return {p.path: p.content for p in build_site(stories, settings, NOW)}


STORIES = [
    story(1, 1, byline="Jane Doe", credit_line="By Jane Doe, Reuters"),
    story(2, 2, sections=("World", "Business"), revisions=1, updated=T0 + timedelta(hours=3)),
    story(3, 3, summary="A summary with <b>tags</b> & ampersands."),
    story(4, 4, sections=("Business",)),
    story(5, 5, url="javascript:alert(1)"),
]


def test_rss_parses_back_with_the_right_items() -> None:
    parsed = feedparser.parse(site(STORIES)["feed.xml"])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Wire & Co"
    assert parsed.feed.link == BASE
    entries = parsed.entries
    # RSS titles lose angle brackets (readers may render them as HTML); the text stays
    assert [e.title for e in entries] == [f"Story {i} & ‹friends›" for i in (1, 2, 3)]
    first = entries[0]
    assert first.link == f"{BASE}2024/04/17/story-1/"
    assert first.id == first.link
    assert first.published_parsed[:5] == (2024, 4, 17, 11, 0)
    assert first.author == "Jane Doe"
    assert first.source.href == "https://www.reuters.com/1?a=1&b=2"
    assert first.source.title == "Reuters"
    assert "<b>story 1</b>" in first.content[0].value
    assert [t.term for t in entries[1].tags] == ["World", "Business"]
    assert entries[1].updated_parsed[:4] == (2024, 4, 17, 15)  # revised after publication
    assert entries[2].summary == "A summary with <b>tags</b> & ampersands."  # text, escaped


def test_section_rss_has_only_its_stories() -> None:
    parsed = feedparser.parse(site(STORIES)["section/business/feed.xml"])
    assert not parsed.bozo
    assert [e.title.split(" &")[0] for e in parsed.entries] == ["Story 2", "Story 4"]
    assert parsed.feed.link == f"{BASE}section/business/"


def test_unsafe_original_url_is_left_out() -> None:
    parsed = feedparser.parse(site(STORIES, feed_items=10)["feed.xml"])
    last = parsed.entries[-1]
    assert last.title.startswith("Story 5")
    assert "source" not in last


def test_atom_parses_back() -> None:
    parsed = feedparser.parse(site(STORIES)["atom.xml"])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.link for e in parsed.entries] == [f"{BASE}2024/04/17/story-{i}/" for i in (1, 2, 3)]
    via = [lk.href for lk in parsed.entries[0].links if lk.rel == "via"]
    assert via == ["https://www.reuters.com/1?a=1&b=2"]
    assert parsed.entries[0].author == "Jane Doe"


def test_json_feed_is_valid_json_feed_1_1() -> None:
    doc = json.loads(site(STORIES)["feed.json"])
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["feed_url"] == f"{BASE}feed.json"
    assert [i["id"] for i in doc["items"]] == [f"{BASE}2024/04/17/story-{i}/" for i in (1, 2, 3)]
    assert doc["items"][0]["external_url"] == "https://www.reuters.com/1?a=1&b=2"
    assert doc["items"][0]["authors"] == [{"name": "Jane Doe"}]


def test_control_characters_do_not_break_xml() -> None:
    item = feeds.feed_item(story(9, 0, title="Bell\x07 and \x00null"), f"{BASE}x/", ["World"])
    info = feeds.FeedInfo("T", "D", BASE, f"{BASE}feed.xml")
    for doc in (feeds.rss(info, [item]), feeds.atom(info, [item])):
        root = etree.fromstring(doc)
        assert "Bell and null" in etree.tostring(root, encoding="unicode")


def test_feeds_do_not_depend_on_the_clock() -> None:
    settings_pages = site(STORIES)
    settings = Settings.model_validate(
        {
            "publish": {"site_title": "Wire & Co", "base_url": BASE, "feed_items": 3},
            "sections": [
                {"name": "World", "slug": "world"},
                {"name": "Business", "slug": "business"},
            ],
        }
    )
    later = {p.path: p.content for p in build_site(STORIES, settings, NOW + timedelta(days=9))}
    for name in ("feed.xml", "atom.xml", "feed.json", "sitemap.xml"):
        assert later[name] == settings_pages[name]


def test_rss_titles_carry_no_angle_brackets() -> None:
    from publish.feeds import rss_title

    assert rss_title("<script>alert(1)</script> Profits > forecast") == (
        "‹script›alert(1)‹/script› Profits › forecast"
    )
