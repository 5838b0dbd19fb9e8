"""Editor pins, the review queue and hits per rule, on a real SQLite store."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from store import sections, stories
from store.db import Database
from store.schema_sections import STATEMENTS
from store.types import NewStory, SectionAssignment
from tests.conftest import NOW

WORLD = NewStory(
    source="wire",
    guid="w-1",
    url="https://wire.example/world/1",
    url_key="wire.example/world/1",
    canonical_url=None,
    title="China and Russia talks",
    published=NOW,
    agency="Reuters",
    dateline=None,
    byline=None,
    credit_line=None,
    body_text="Talks.",
    body_html="<p>Talks.</p>",
    body_hash="h-world",
    sections=(SectionAssignment("World News", "keyword:world", "China"),),
)
LOST = replace(
    WORLD,
    guid="w-2",
    url="https://wire.example/x/2",
    url_key="wire.example/x/2",
    title="Weather today",
    body_hash="h-lost",
    sections=(),
)


def apply_pin_schema(db: Database) -> None:
    """Create the pin table the way its migration will (statements are idempotent)."""
    with db.begin() as conn:
        for stmt in STATEMENTS:
            conn.execute(text(stmt.format(id="INTEGER PRIMARY KEY", blob="BLOB", ts="TIMESTAMP")))


@pytest.fixture
def store(db: Database) -> Database:
    apply_pin_schema(db)
    apply_pin_schema(db)  # twice: a later registered migration must not fail on it
    return db


def _sections_of(db: Database, story_id: int) -> tuple[str, ...]:
    story = stories.get_story(db, story_id)
    assert story is not None
    return story.sections


def test_a_pin_adds_the_section_to_the_story_and_to_section_listings(store: Database) -> None:
    sid = stories.add_story(store, WORLD, now=NOW).story_id
    assert sections.pin(store, sid, "Editor's Pick", now=NOW)
    assert not sections.pin(store, sid, "Editor's Pick", now=NOW)  # already pinned
    assert _sections_of(store, sid) == ("Editor's Pick", "World News")
    listed = stories.list_stories(store, section="Editor's Pick")
    assert [s.id for s in listed] == [sid]
    assert [s.id for s in stories.list_stories(store, section="World News")] == [sid]
    assert sections.pins_of(store, sid) == ["Editor's Pick"]


def test_pin_on_a_rule_section_is_listed_once(store: Database) -> None:
    sid = stories.add_story(store, WORLD, now=NOW).story_id
    sections.pin(store, sid, "World News", now=NOW)
    assert _sections_of(store, sid) == ("World News",)
    assert len(stories.list_stories(store, section="World News")) == 1


def test_pins_survive_an_update_that_replaces_rule_sections(store: Database) -> None:
    sid = stories.add_story(store, WORLD, now=NOW).story_id
    sections.pin(store, sid, "Editor's Pick", now=NOW)
    moved = replace(WORLD, sections=(SectionAssignment("Politics", "keyword:politics", "vote"),))
    assert stories.update_story(store, sid, moved, now=NOW, revision=False)
    assert _sections_of(store, sid) == ("Editor's Pick", "Politics")
    assert sections.unpin(store, sid, "Editor's Pick")
    assert not sections.unpin(store, sid, "Editor's Pick")
    assert _sections_of(store, sid) == ("Politics",)


def test_review_queue_holds_stories_in_no_section_until_pinned(store: Database) -> None:
    stories.add_story(store, WORLD, now=NOW)
    lost = stories.add_story(store, LOST, now=NOW).story_id
    queue = sections.review_queue(store)
    assert [(q.id, q.title, q.source) for q in queue] == [(lost, "Weather today", "wire")]
    assert queue[0].date == NOW
    assert sections.count_unplaced(store) == 1
    sections.pin(store, lost, "World News", now=NOW)
    assert sections.review_queue(store) == [] and sections.count_unplaced(store) == 0


def test_rule_hits_count_recorded_rules_and_pins(store: Database) -> None:
    a = stories.add_story(store, WORLD, now=NOW).story_id
    second = replace(
        WORLD, guid="w-3", url="https://wire.example/3", url_key="wire.example/3", body_hash="h3"
    )
    stories.add_story(store, second, now=NOW)
    third = replace(
        LOST,
        guid="w-4",
        url_key="wire.example/4",
        body_hash="h4",
        sections=(SectionAssignment("World News", "world-url", "/world/"),),
    )
    stories.add_story(store, third, now=NOW)
    sections.pin(store, a, "Editor's Pick", now=NOW)
    hits = [(h.rule_id, h.section, h.stories) for h in sections.rule_hits(store)]
    assert hits == [
        ("keyword:world", "World News", 2),
        ("world-url", "World News", 1),
        ("pin", "Editor's Pick", 1),
    ]


def test_without_the_pin_table_reads_still_work(db: Database) -> None:
    # until the pin migration is registered everywhere, a database may lack the table
    sid = stories.add_story(db, WORLD, now=NOW).story_id
    stories.add_story(db, LOST, now=NOW)
    assert _sections_of(db, sid) == ("World News",)
    assert len(stories.list_stories(db, section="World News")) == 1
    assert [q.title for q in sections.review_queue(db)] == ["Weather today"]
    assert [h.rule_id for h in sections.rule_hits(db)] == ["keyword:world"]
