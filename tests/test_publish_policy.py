"""Source policy: excerpt and headline sources never show more than allowed, anywhere."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from config.settings import Settings
from publish.policy import SourcePolicy, apply_policy, excerpt_paragraphs, word_count
from publish.site import build_site
from store.types import StoredStory

NOW = datetime(2024, 4, 18, tzinfo=UTC)
LIMIT = 12


def words(source: str) -> list[str]:
    return [f"{source}{n:03d}" for n in range(1, 301)]


WORDS = words("cut")


def story(i: int, source: str, **kw: Any) -> StoredStory:
    when = NOW - timedelta(hours=i)
    own = words(source)
    paras = [" ".join(own[k : k + 7]) for k in range(0, len(own), 7)]
    fields: dict[str, Any] = {
        "id": i, "source": source, "guid": f"g{i}", "url": f"https://{source}.example/{i}",
        "canonical_url": None, "title": f"Headline {i} from {source}", "slug": f"s-{i}",
        "published": when, "first_seen": when, "updated": when, "agency": "Wire",
        "dateline": None, "byline": "Ann Writer", "credit_line": "By Ann Writer, Wire",
        "sections": ("World",), "body_text": "\n\n".join(paras),
        "body_html": "".join(f"<p>{p}</p>" for p in paras),
        "summary": " ".join(own[:40]), "lead_image": "https://img.example/x.jpg",
        "rights": "Story rights line",
    }  # fmt: skip
    fields.update(kw)
    return StoredStory(**fields)


SETTINGS = Settings.model_validate(
    {
        "publish": {"base_url": "https://n.example/", "feed_items": 10},
        "sections": [{"name": "World", "slug": "world"}],
        "sources": [
            {"name": "cut", "url": "https://cut.example/rss", "policy": "excerpt",
             "excerpt_words": LIMIT, "rights": "© Cut Agency, excerpt by permission"},
            {"name": "bare", "url": "https://bare.example/rss", "policy": "headline"},
            {"name": "open", "url": "https://open.example/rss"},
        ],
    }
)  # fmt: skip
STORIES = [story(1, "cut"), story(2, "bare"), story(3, "open")]


@pytest.fixture(scope="module")
def pages() -> dict[str, bytes]:
    return {p.path: p.content for p in build_site(STORIES, SETTINGS, NOW)}


def page_of(pages: dict[str, bytes], i: int) -> bytes:
    (path,) = [p for p in pages if p.startswith("2024/") and f"/s-{i}/" in p]
    return pages[path]


def feeds(pages: dict[str, bytes]) -> dict[str, bytes]:
    return {p: c for p, c in pages.items() if p.endswith(("feed.xml", "atom.xml", "feed.json"))}


def test_excerpt_paragraphs_counts_words_across_paragraphs() -> None:
    assert excerpt_paragraphs("a b c\n\nd e f", 4) == (["a b c", "d"], True)
    assert excerpt_paragraphs("a b\n\nc", 3) == (["a b", "c"], False)
    assert excerpt_paragraphs("", 3) == ([], False)
    cut = apply_policy(STORIES[0], SourcePolicy("excerpt", LIMIT))
    assert word_count(cut.body_text) == LIMIT and cut.summary is None and cut.lead_image is None


def test_excerpt_page_stops_at_the_limit(pages: dict[str, bytes]) -> None:
    content = page_of(pages, 1)
    doc = lxml_html.fromstring(content)
    body = " ".join(p.text_content() for p in doc.xpath("//div[@class='story-body']/p"))
    assert word_count(body) == LIMIT
    assert WORDS[LIMIT - 1].encode() in content and WORDS[LIMIT].encode() not in content
    assert "This is an excerpt" in doc.xpath("string(//p[@class='policy-note'])")
    assert not doc.xpath("//img")


def test_no_feed_item_of_an_excerpt_source_goes_past_the_limit(pages: dict[str, bytes]) -> None:
    found = feeds(pages)
    assert len(found) == 6
    for path, content in found.items():
        assert WORDS[LIMIT].encode() not in content, path  # the 13th word never appears
        assert WORDS[LIMIT - 1].encode() in content, path  # but the excerpt does
        if path.endswith(".json"):
            (item,) = [i for i in json.loads(content)["items"] if "cut" in i["title"]]
            htmls = [item["content_html"], item["summary"]]
        else:
            parsed = feedparser.parse(content)
            (entry,) = [e for e in parsed.entries if "cut" in e.title]
            htmls = [c["value"] for c in entry.get("content", [])] + [entry.summary]
        for html in htmls:
            text = lxml_html.fromstring(f"<div>{html}</div>").text_content()
            assert sum(1 for w in text.split() if w.startswith("cut0")) <= LIMIT, path


def test_headline_source_shows_title_credit_and_link_only(pages: dict[str, bytes]) -> None:
    content = page_of(pages, 2)
    doc = lxml_html.fromstring(content)
    assert b"bare001" not in content
    assert not doc.xpath("//div[@class='story-body']") and not doc.xpath("//img")
    assert doc.xpath("string(//p[@class='credit'])") == "By Ann Writer, Wire"
    assert doc.xpath("//p[@class='policy-note']/a/@href") == ["https://bare.example/2"]
    for path, content in feeds(pages).items():
        assert b"bare001" not in content, path
        assert b"Headline 2 from bare" in content and b"https://bare.example/2" in content, path


def test_every_story_has_credit_and_original_and_feeds_carry_source_and_rights(
    pages: dict[str, bytes],
) -> None:
    for i in (1, 2, 3):
        doc = lxml_html.fromstring(page_of(pages, i))
        assert doc.xpath("string(//p[@class='credit'])") == "By Ann Writer, Wire"
        assert f"https://{STORIES[i - 1].source}.example/{i}" in doc.xpath("//a/@href")
    assert b"Cut Agency, excerpt by permission" in page_of(pages, 1)  # source rights win
    assert b"Story rights line" in page_of(pages, 3)
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "a": "http://www.w3.org/2005/Atom"}
    rss = etree.fromstring(pages["feed.xml"])
    rights = {i.findtext("title"): i.findtext("dc:rights", namespaces=ns) for i in rss.iter("item")}
    assert rights["Headline 1 from cut"] == "© Cut Agency, excerpt by permission"
    assert rights["Headline 3 from open"] == "Story rights line"
    sources = {i.findtext("title"): i.find("source").get("url") for i in rss.iter("item")}
    assert sources["Headline 1 from cut"] == "https://cut.example/rss"
    atom = etree.fromstring(pages["atom.xml"])
    assert {e.findtext("a:rights", namespaces=ns) for e in atom.iterfind("a:entry", ns)} == {
        "© Cut Agency, excerpt by permission",
        "Story rights line",
    }
    items = json.loads(pages["feed.json"])["items"]
    assert {it["_wirefeed"]["credit"] for it in items} == {"By Ann Writer, Wire"}
    assert {it["external_url"] for it in items} == {s.url for s in STORIES}
