"""The operator status page: per-source health, stories per day, an inline SVG hourly chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lxml import etree
from lxml import html as lxml_html

from config.settings import Settings
from publish import chart, listings
from publish.listings import Section
from publish.site import build_site
from publish.status import summarize
from store.types import SourceState, StoredStory

NOW = datetime(2024, 4, 18, 12, 40, tzinfo=UTC)
SECTIONS = [Section("World", "world"), Section("Tech & <Science>", "tech")]
LOOKUP = {s.name: s for s in SECTIONS} | {s.slug: s for s in SECTIONS}


def story(i: int, hours_ago: float, source: str, sections: tuple[str, ...]) -> StoredStory:
    seen = NOW - timedelta(hours=hours_ago)
    return StoredStory(
        id=i, source=source, guid=str(i), url=None, canonical_url=None, title=f"T{i}",
        slug=f"t-{i}", published=seen, first_seen=seen, updated=seen, agency=None,
        dateline=None, byline=None, credit_line=None, sections=sections, body_text="",
        body_html="",
    )  # fmt: skip


STORIES = [
    story(1, 0.1, "a", ("World",)),
    story(2, 0.5, "a", ("World", "tech")),
    story(3, 5, "b", ("Tech & <Science>",)),
    story(4, 30, "a", ("World",)),
    story(5, 24 * 5, "b", ("World",)),  # in the week, outside the chart
    story(6, 24 * 9, "a", ("World",)),  # outside both
]
STATES = {
    "a": SourceState("a", last_success=NOW - timedelta(minutes=5), health="ok"),
    "b": SourceState(
        "b", last_error="fetch: b: HTTP 503", last_error_at=NOW, error_count=3, health="failing"
    ),
}


def test_summarize_counts_per_hour_per_section_and_per_source() -> None:
    data = summarize(STORIES, STATES, ["a", "b", "c"], SECTIONS, LOOKUP, NOW, days=2)
    assert data.as_of == datetime(2024, 4, 18, 13, tzinfo=UTC)
    assert len(data.hours) == 48 and data.hours[-1] == datetime(2024, 4, 18, 12, tzinfo=UTC)
    world, tech = data.counts
    assert world[-1] == 2 and tech[-1] == 1  # stories 1 and 2 in the 12:00 hour
    assert tech[-6] == 1  # story 3, five hours earlier (07:00)
    assert sum(world) == 3 and sum(tech) == 2
    per = {s.name: s.stories_week for s in data.sources}
    assert per == {"a": 3, "b": 2, "c": 0}
    b = next(s for s in data.sources if s.name == "b")
    assert b.health == "failing" and b.error_count == 3 and b.last_success is None


def test_chart_is_valid_escaped_svg_with_one_line_per_section() -> None:
    data = summarize(STORIES, STATES, ["a", "b"], SECTIONS, LOOKUP, NOW)
    svg = etree.fromstring(chart.hourly_chart(data).encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert svg.get("role") == "img"
    lines = svg.findall("s:polyline", ns)
    assert len(lines) == 2
    assert len(lines[0].get("points").split()) == 72
    assert svg.find("s:title", ns).text == "Stories ingested per hour, per section"
    assert "Tech & <Science>" in etree.tostring(svg).decode().replace("&amp;", "&").replace(
        "&lt;", "<"
    ).replace("&gt;", ">")


def test_status_page_renders_in_the_site() -> None:
    settings = Settings.model_validate(
        {
            "sections": [
                {"name": "World", "slug": "world"},
                {"name": "Tech & <Science>", "slug": "tech"},
            ],
            "sources": [{"name": "a", "url": "https://a.example/rss"}],
        }
    )
    lookup = listings.section_lookup(settings.sections)
    data = summarize(STORIES, STATES, ["a"], SECTIONS, lookup, NOW)
    pages = {p.path: p.content for p in build_site(STORIES, settings, NOW, status=data)}
    doc = lxml_html.fromstring(pages["status/index.html"])
    rows = doc.xpath("(//table)[1]/tbody/tr")
    assert [r.xpath("string(th)") for r in rows] == ["a", "b"]
    assert "HTTP 503" in rows[1].text_content() and "failing" in rows[1].text_content()
    assert doc.xpath("string((//table)[1]/tbody/tr[1]/td[last()])") == "0.4"  # 3 stories / 7 days
    assert len(doc.xpath("//svg")) == 1 and not doc.xpath("//script[not(@type)]")
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex, nofollow"]
    assert b"Disallow: /status/" in pages["robots.txt"]
