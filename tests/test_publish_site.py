"""The whole site built from a fixture of five stories: golden pages, links, accessibility.

Golden files live in tests/data/publish/expected/; regenerate them after a deliberate template
change with ``WIREFEED_REGEN_GOLDEN=1 pytest tests/test_publish_site.py`` and review the diff.
"""

from __future__ import annotations

import itertools
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from config.settings import Settings
from publish.linkcheck import check_links
from publish.site import build_site
from publish.types import Page
from publish.write import write_site
from store.types import AlsoAt, StoredStory

DATA = Path(__file__).parent / "data" / "publish"
NOW = datetime(2024, 4, 18, tzinfo=UTC)
STORY_1 = (
    "2024/04/17/blinken-to-raise-chinas-support-for-russias-defense-industrial-base/index.html"
)


def load_fixture(output_dir: Path | str = "site") -> tuple[list[StoredStory], Settings]:
    data = json.loads((DATA / "stories.json").read_text("utf-8"))
    raw_settings = data["settings"]
    raw_settings["publish"]["output_dir"] = str(output_dir)
    stories = []
    for raw in data["stories"]:
        fields: dict[str, Any] = dict(raw)
        for key in ("published", "first_seen", "updated"):
            fields[key] = datetime.fromisoformat(raw[key]) if raw[key] else None
        fields["sections"] = tuple(raw["sections"])
        fields["also_at"] = tuple(AlsoAt(**a) for a in raw.get("also_at", []))
        stories.append(StoredStory(**fields))
    return stories, Settings.model_validate(raw_settings)


@pytest.fixture(scope="module")
def pages() -> dict[str, bytes]:
    stories, settings = load_fixture()
    built = build_site(stories, settings, NOW)
    assert len({p.path for p in built}) == len(built)
    return {p.path: p.content for p in built}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    stories, settings = load_fixture(out)
    write_site(build_site(stories, settings, NOW), out)
    return out


def golden(name: str, actual: bytes) -> None:
    path = DATA / "expected" / name
    if os.environ.get("WIREFEED_REGEN_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
    assert actual.decode("utf-8") == path.read_text("utf-8")


def test_golden_story_page(pages: dict[str, bytes]) -> None:
    golden("story_blinken.html", pages[STORY_1])


def test_golden_section_rss(pages: dict[str, bytes]) -> None:
    golden("section_world_feed.xml", pages["section/world/feed.xml"])


def test_build_is_deterministic(pages: dict[str, bytes]) -> None:
    stories, settings = load_fixture()
    again = build_site(list(reversed(stories)), settings, datetime(2030, 1, 1, tzinfo=UTC))
    assert {p.path: p.content for p in again} == pages


def test_expected_files_exist(pages: dict[str, bytes]) -> None:
    for path in [
        "index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "feed.xml",
        "atom.xml",
        "feed.json",
        "static/style.css",
        "section/world/index.html",
        "section/world/page/1/index.html",
        "section/world/feed.xml",
        "section/science/index.html",
        "2024/04/15/comet-makes-closest-approach/index.html",  # published None -> first_seen
    ]:
        assert path in pages, path
    assert "section/world/page/2/index.html" not in pages  # 4 world stories, 2 per page
    assert not any(p.startswith("section/unconfigured") for p in pages)


def test_story_pages_come_before_listings() -> None:
    stories, settings = load_fixture()
    paths = [p.path for p in build_site(stories, settings, NOW)]
    last_story = max(i for i, p in enumerate(paths) if p.startswith("2024/"))
    first_listing = min(i for i, p in enumerate(paths) if p.startswith("section/") or "feed" in p)
    assert last_story < first_listing
    assert paths.index("index.html") > last_story


def _doc(content: bytes) -> Any:
    return lxml_html.fromstring(content)


def test_story_page_shows_attribution(pages: dict[str, bytes]) -> None:
    doc = _doc(pages["2024/04/16/taiwan-submarine-project-chief-quits/index.html"])
    assert doc.xpath("string(//h1)") == (
        "Taiwan submarine project chief quits; ministry says plans to proceed"
    )
    assert doc.xpath("string(//p[@class='credit'])") == "By Yimou Lee, Reuters"
    assert doc.xpath("string(//span[@class='dateline'])") == "TAIPEI"
    assert "16 April 2024" in doc.xpath("string(//p[@class='story-meta'])")
    assert "Updated" in doc.xpath("string(//p[@class='story-meta'])")  # revisions=2, later update
    original = doc.xpath("//p[@class='original']/a")[0]
    assert original.get("href") == "https://www.reuters.com/world/taiwan-submarine-2024-04-16/"
    assert original.text_content() == "Read the original at reuters.com"


def test_story_without_credit_line_builds_one(pages: dict[str, bytes]) -> None:
    doc = _doc(pages["2024/04/15/comet-makes-closest-approach/index.html"])
    assert doc.xpath("string(//p[@class='credit'])") == "— AFP"
    assert "Updated" not in doc.xpath("string(//p[@class='story-meta'])")


def test_story_page_navigation(pages: dict[str, bytes]) -> None:
    doc = _doc(pages[STORY_1])
    also = doc.xpath("//section[@class='also']//a")
    assert [(a.text, a.get("href")) for a in also] == [
        ("AP News", "https://apnews.com/article/blinken-china-visit")
    ]
    filed = [a.text for a in doc.xpath("//p[@class='filed']/a")]
    assert filed == ["World News", "Politics"]
    prev = doc.xpath("//nav[@class='prevnext']/a[@rel='prev']")[0]
    assert prev.get("href") == (
        "../../../../2024/04/16/us-to-hit-iran-with-new-sanctions-says-yellen/index.html"
    )
    assert not doc.xpath("//nav[@class='prevnext']/a[@rel='next']")  # newest in World News
    related = [a.text for a in doc.xpath("//ul[contains(@class,'related')]//h3/a")]
    assert related[0] == "China and Russia trade in machine tools draws Ukraine war scrutiny"


def test_section_listing_newest_first_and_paginated(pages: dict[str, bytes]) -> None:
    titles = []
    for path in ["section/world/index.html", "section/world/page/1/index.html"]:
        doc = _doc(pages[path])
        titles += [a.text for a in doc.xpath("//ul[@class='items']/li/h2/a")]
    assert titles == [
        "Blinken to raise China's support for Russia's defense industrial base during visit",
        "US to hit Iran with new sanctions, says Yellen",
        "Taiwan submarine project chief quits; ministry says plans to proceed",
        "China and Russia trade in machine tools draws Ukraine war scrutiny",
    ]
    page1 = _doc(pages["section/world/page/1/index.html"])
    assert page1.xpath("//nav[@class='pager']/a[@rel='prev']/@href") == [
        "../../../../section/world/index.html"
    ]
    assert not page1.xpath("//nav[@class='pager']/a[@rel='next']")
    front = _doc(pages["section/world/index.html"])
    assert front.xpath("//nav[@class='pager']/a[@rel='next']/@href") == [
        "../../section/world/page/1/index.html"
    ]


def test_head_metadata_on_every_page(pages: dict[str, bytes]) -> None:
    for path, content in pages.items():
        if not path.endswith(".html"):
            continue
        doc = _doc(content)
        canonical = doc.xpath("//link[@rel='canonical']/@href")
        assert len(canonical) == 1 and canonical[0].startswith("https://news.example.org/"), path
        assert not canonical[0].endswith("index.html"), path
        assert doc.xpath("//meta[@name='description']/@content")[0].strip(), path
        for prop in ("og:title", "og:type", "og:url", "og:description"):
            assert doc.xpath(f"//meta[@property='{prop}']/@content"), (path, prop)
    assert _doc(pages[STORY_1]).xpath("//link[@rel='canonical']/@href") == [
        "https://news.example.org/2024/04/17/"
        "blinken-to-raise-chinas-support-for-russias-defense-industrial-base/"
    ]


def test_json_ld_on_story_pages(pages: dict[str, bytes]) -> None:
    doc = _doc(pages[STORY_1])
    (script,) = doc.xpath("//script[@type='application/ld+json']")
    data = json.loads(script.text)
    assert data["@type"] == "NewsArticle"
    assert data["headline"].startswith("Blinken to raise China")
    assert data["author"] == [{"@type": "Organization", "name": "Reuters"}]
    assert data["datePublished"] == "2024-04-17T09:30:00+00:00"


def test_accessible_structure(pages: dict[str, bytes]) -> None:
    for path, content in pages.items():
        if not path.endswith(".html"):
            continue
        doc = _doc(content)
        assert doc.get("lang") == "en", path
        assert len(doc.xpath("//h1")) == 1, path
        for landmark in ("header", "nav", "main", "footer"):
            assert doc.xpath(f"//{landmark}"), (path, landmark)
        assert len(doc.xpath("//main")) == 1, path
        levels = [int(el.tag[1]) for el in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert levels[0] == 1, path
        for a, b in itertools.pairwise(levels):
            assert b <= a + 1, (path, levels)


def test_every_internal_link_resolves(written: Path) -> None:
    assert check_links(written, "https://news.example.org/") == []
    html_files = list(written.rglob("*.html"))
    assert len(html_files) >= 12


def test_robots_and_sitemap(pages: dict[str, bytes]) -> None:
    assert b"Sitemap: https://news.example.org/sitemap.xml" in pages["robots.txt"]
    from lxml import etree

    root = etree.fromstring(pages["sitemap.xml"])
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = root.xpath("//s:loc/text()", namespaces=ns)
    assert "https://news.example.org/" in locs
    assert "https://news.example.org/section/world/page/1/" in locs
    assert f"https://news.example.org/{STORY_1.removesuffix('index.html')}" in locs
    assert len(locs) == len(set(locs))


def test_large_sitemap_is_split_into_an_index(monkeypatch: pytest.MonkeyPatch) -> None:
    from lxml import etree

    from publish import outputs

    monkeypatch.setattr(outputs, "SITEMAP_MAX", 4)
    stories, settings = load_fixture()
    built = {p.path: p.content for p in build_site(stories, settings, NOW)}
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = etree.fromstring(built["sitemap.xml"])
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    names = [u.rsplit("/", 1)[1] for u in index.xpath("//s:loc/text()", namespaces=ns)]
    locs = [
        loc
        for name in names
        for loc in etree.fromstring(built[name]).xpath("//s:loc/text()", namespaces=ns)
    ]
    # listing pages: home + world (2 pages) + politics + business + science = 6 URLs; the
    # 5 stories go by id into files of 4, so new stories only ever change the last file
    assert names == ["sitemap-pages.xml", "sitemap-1.xml", "sitemap-2.xml"]
    assert len(locs) == len(set(locs)) == 11


def test_empty_site_still_builds(tmp_path: Path) -> None:
    _, settings = load_fixture(tmp_path)
    built: list[Page] = build_site([], settings, NOW)
    write_site(built, tmp_path)
    assert check_links(tmp_path, "https://news.example.org/") == []
    assert b"No stories in World News yet" in (tmp_path / "section/world/index.html").read_bytes()
