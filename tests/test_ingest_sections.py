"""Sections: source defaults, keywords and ordered rules of every kind, with their reasons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from config import ConfigError, load_settings
from config.settings import SectionRule, SectionSettings, Settings
from ingest.sections import SectionVerdict, StoryFacts, assign_sections, explain_sections
from tests.conftest import DATA

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


# --- the rules engine: every kind of rule, weights, exclusions, fallback, cap -----------------

GOLDEN = DATA / "sections"


def _golden_settings() -> Settings:
    return load_settings(GOLDEN / "rules.toml")


def _golden_hits(settings: Settings, case: dict[str, Any]) -> list[list[str]]:
    hits = assign_sections(
        title=case["title"],
        lead=case["lead"],
        source=case["source"],
        source_sections=next(s for s in settings.sources if s.name == case["source"]).sections,
        sections=settings.sections,
        urls=case["urls"],
        tags=case["tags"],
        agency=case["agency"],
        max_sections=settings.sectioning.max_per_story,
    )
    return [[h.section, h.rule_id, h.matched] for h in hits]


def test_golden_cases_cover_every_kind_of_rule() -> None:
    settings = _golden_settings()
    cases = json.loads((GOLDEN / "stories.json").read_text(encoding="utf-8"))
    expected = json.loads((GOLDEN / "expected.json").read_text(encoding="utf-8"))
    assert [c["case"] for c in cases] == [e["case"] for e in expected]
    got = [{"case": c["case"], "sections": _golden_hits(settings, c)} for c in cases]
    assert got == expected
    kinds = {r.kind for s in settings.sections for r in s.rules}
    assert kinds == {"keyword", "regex", "category", "url", "agency", "source"}


def _facts(**kw: Any) -> StoryFacts:
    base: dict[str, Any] = {"title": "", "lead": "", "source": "wire"}
    return StoryFacts(**(base | kw))


def _verdict(verdicts: tuple[SectionVerdict, ...], name: str) -> SectionVerdict:
    return next(v for v in verdicts if v.section == name)


def test_explain_shows_near_misses_exclusions_and_the_cap() -> None:
    settings = _golden_settings()
    near = explain_sections(
        _facts(title="Parliament to vote on budget", lead="Calm."), sections=settings.sections
    )
    politics = _verdict(near, "Politics")
    assert (politics.status, politics.score, politics.threshold) == ("below-threshold", 0.5, 1.0)
    assert [(r.rule_id, r.matched) for r in politics.fired] == [("politics-vote-title", "vote")]
    assert _verdict(near, "Stock").status == "no-match"

    excluded = explain_sections(
        _facts(title="China wins", tags=("Sports",)), sections=settings.sections
    )
    world = _verdict(excluded, "World News")
    assert world.status == "excluded" and world.hit is None
    assert [(r.rule_id, r.exclude) for r in world.fired] == [
        ("keyword:world", False),
        ("world-not-sports", True),
    ]

    capped = explain_sections(
        _facts(title="China shares; election nears"), sections=settings.sections, max_sections=1
    )
    assert [v.status for v in capped[:3]] == ["assigned", "capped", "capped"]


def test_without_a_cap_every_qualifying_section_is_kept() -> None:
    settings = _golden_settings()
    hits = assign_sections(
        title="China shares; election nears",
        lead="",
        source="wire",
        source_sections=(),
        sections=settings.sections,
    )
    assert [h.section for h in hits] == ["World News", "Politics", "Stock"]


def test_the_heaviest_rule_is_recorded_first_on_ties() -> None:
    sections = (
        SectionSettings(
            name="World",
            slug="world",
            keywords=("Gaza",),
            rules=(
                SectionRule(id="w-url", kind="url", match=("/world/",), weight=2.0),
                SectionRule(id="w-tag", kind="category", match=("World",), weight=2.0),
            ),
        ),
    )
    hits = assign_sections(
        title="Gaza talks",
        lead="",
        source="s",
        source_sections=(),
        sections=sections,
        urls=("https://x.example/world/gaza",),
        tags=("World",),
    )
    assert [(h.rule_id, h.matched) for h in hits] == [("w-url", "/world/")]


def test_agency_rule_matches_the_canonical_name_case_insensitively() -> None:
    sections = (
        SectionSettings(
            name="Wire",
            slug="wire",
            rules=(SectionRule(id="afp", kind="agency", match=("afp",)),),
        ),
    )

    def hits(agency: str | None) -> list[str]:
        found = assign_sections(
            title="x", lead="", source="s", source_sections=(), sections=sections, agency=agency
        )
        return [h.matched for h in found]

    assert hits("AFP") == ["AFP"]
    assert hits("Reuters") == [] and hits(None) == []


# --- config: rules are validated when the file loads -------------------------------------------

RULE = '[[sections]]\nname = "World"\nslug = "world"\n[[sections.rules]]\n'


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        (
            'id = "w-re"\nkind = "regex"\nmatch = ["ok", "(unclosed"]\n',
            "sections[0] (World).rules[0].match: rule 'w-re': invalid regular expression "
            "'(unclosed'",
        ),
        ('id = "w"\nkind = "url"\nmatch = "/w/"\npattern = "x"\n', "rules[0].pattern: unknown key"),
        ('id = "w"\nkind = "topic"\nmatch = "x"\n', "rules[0].kind"),
        ('id = "w"\nkind = "category"\nmatch = "x"\nfield = "title"\n', "field applies only"),
        ('id = "w"\nkind = "url"\nmatch = "/w/"\nexclude = true\nweight = 2\n', "no weight"),
        ('id = "w"\nkind = "url"\nmatch = []\n', "non-empty"),
        ('id = "W W"\nkind = "url"\nmatch = "/w/"\n', "must be a rule id"),
        ('kind = "url"\nmatch = "/w/"\n', "rules[0].id: required key is missing"),
        ('id = "w"\nkind = "source"\nmatch = "nobody"\n', "unknown source 'nobody'"),
        ('id = "keyword:world"\nkind = "url"\nmatch = "/w/"\n', "reserved prefix"),
        (
            'id = "w"\nkind = "url"\nmatch = "/w/"\n[[sections.rules]]\nid = "w"\nkind = "url"\n'
            'match = "/x/"\n',
            "'w' is not unique",
        ),
    ],
)
def test_bad_rules_are_refused_naming_the_key(tmp_path: Path, rule: str, fragment: str) -> None:
    path = tmp_path / "wirefeed.toml"
    path.write_text(RULE + rule, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert fragment in str(err.value)


def test_rule_defaults_and_one_string_match() -> None:
    rule = SectionRule(id="r", kind="keyword", match="Gaza")  # type: ignore[arg-type]
    assert (rule.match, rule.score, rule.where, rule.exclude, rule.fallback) == (
        ("Gaza",),
        1.0,
        "both",
        False,
        False,
    )
    assert SectionSettings(name="A", slug="a").threshold == 1.0
    assert Settings().sectioning.max_per_story is None
