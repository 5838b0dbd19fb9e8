"""Sections: source defaults plus keyword rules, several sections per story, with reasons."""

from __future__ import annotations

from config.settings import SectionSettings
from ingest.sections import assign_sections

SECTIONS = (
    SectionSettings(name="World News", slug="world", keywords=("China", "Russia", "Ukraine")),
    SectionSettings(name="Politics", slug="politics", keywords=("State Department", "election")),
    SectionSettings(name="Stock", slug="stock", keywords=("shares", "S&P 500")),
    SectionSettings(name="Editor's Pick", slug="editors-pick"),
)
SEED_TITLE = "Blinken to raise China’s support for Russia’s defense industrial base during visit"
SEED_LEAD = (
    "US Secretary of State Antony Blinken on an upcoming visit to China is expected to raise US "
    "concerns, State Department spokesman Matthew Miller said on Tuesday."
)


def _assign(title: str, lead: str = "", defaults: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    hits = assign_sections(
        title=title, lead=lead, source="wire", source_sections=defaults, sections=SECTIONS
    )
    return [(h.section, h.rule_id) for h in hits]


def test_the_seed_story_is_world_news_and_politics() -> None:
    hits = assign_sections(
        title=SEED_TITLE, lead=SEED_LEAD, source="wire", source_sections=(), sections=SECTIONS
    )
    assert [(h.section, h.rule_id, h.matched) for h in hits] == [
        ("World News", "keyword:world", "China"),
        ("Politics", "keyword:politics", "State Department"),
    ]


def test_source_defaults_come_first_and_count_once() -> None:
    assert _assign("Shares in China rise", defaults=("world",)) == [
        ("World News", "source:wire"),
        ("Stock", "keyword:stock"),
    ]


def test_keywords_match_whole_words_only() -> None:
    assert _assign("Chinaware exports; electioneering") == []
    assert _assign("Record for the S&P 500 today") == [("Stock", "keyword:stock")]


def test_phrases_match_across_line_breaks_and_case() -> None:
    assert _assign("A note", lead="the state\n department said") == [
        ("Politics", "keyword:politics")
    ]


def test_keywords_only_look_at_title_and_lead() -> None:
    # the lead is the first paragraph; the caller passes only that
    assert _assign("Weather today", lead="Sunny.") == []
