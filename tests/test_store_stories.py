"""Storing stories: one row per story whatever the race, aliases for other outlets, listings."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import text

from store import blobs, sources, stories
from store.db import Database
from store.slugs import MAX_LEN, slugify
from store.types import NewStory, SectionAssignment, SourceState
from tests.conftest import NOW

BASE = NewStory(
    source="wire-a",
    guid="a-1",
    url="https://a.example/story-1",
    url_key="a.example/story-1",
    canonical_url="https://a.example/story-1",
    title="Blinken to raise China's support for Russia",
    published=NOW - timedelta(hours=1),
    agency="Reuters",
    dateline="WASHINGTON",
    byline=None,
    credit_line="— Reuters",
    body_text="US Secretary of State Antony Blinken ...",
    body_html="<p>US Secretary of State Antony Blinken ...</p>",
    body_hash="h1",
    sections=(SectionAssignment("World News", "source:wire-a"),),
    entry_hash="e1",
)


def test_new_story_is_stored_with_sections(db: Database) -> None:
    added = stories.add_story(db, BASE, now=NOW)
    assert added.created
    [story] = stories.list_stories(db)
    assert (story.title, story.agency, story.dateline, story.sections) == (
        BASE.title,
        "Reuters",
        "WASHINGTON",
        ("World News",),
    )
    assert story.slug == "blinken-to-raise-chinas-support-for-russia"
    assert story.published == BASE.published
    assert story.also_at == ()


def test_same_item_twice_is_stored_once(db: Database) -> None:
    first = stories.add_story(db, BASE, now=NOW)
    second = stories.add_story(db, BASE, now=NOW)
    assert not second.created and second.story_id == first.story_id and second.via == "item"
    assert stories.count_stories(db) == 1


def test_other_outlet_same_body_becomes_also_at(db: Database) -> None:
    first = stories.add_story(db, BASE, now=NOW)
    copy = replace(
        BASE, source="outlet-b", guid="b-9", url="https://b.example/x", url_key="b.example/x"
    )
    second = stories.add_story(db, copy, now=NOW)
    assert (second.created, second.story_id, second.via) == (False, first.story_id, "hash")
    [story] = stories.list_stories(db)
    assert [(a.source, a.url) for a in story.also_at] == [("outlet-b", "https://b.example/x")]
    # the alias is remembered: the same item again is known by its own identity
    again = stories.find_known(db, source="outlet-b", guid="b-9", url_key=None, body_hash=None)
    assert again is not None and again.via == "item"


def test_same_url_from_another_feed_is_a_duplicate(db: Database) -> None:
    stories.add_story(db, BASE, now=NOW)
    copy = replace(BASE, source="wire-b", guid="zzz", body_hash="other")
    assert stories.add_story(db, copy, now=NOW).via == "url"


def test_slugs_are_unique(db: Database) -> None:
    for i in range(3):
        stories.add_story(
            db,
            replace(BASE, guid=f"g{i}", url_key=f"k{i}", body_hash=f"h{i}"),
            now=NOW,
        )
    slugs = sorted(s.slug for s in stories.list_stories(db))
    base = "blinken-to-raise-chinas-support-for-russia"
    assert slugs == [base, base + "-2", base + "-3"]


def test_long_titles_get_unique_slugs_too(db: Database) -> None:
    # The suffix of a slug at the length limit replaces its end: "-2" must still be found
    # when the third copy looks for a free name (it once was not: the third failed to store).
    title = "The world health organization tracks vaccine rollout as winter flu season begins early"
    for i in range(4):
        added = stories.add_story(
            db,
            replace(BASE, guid=f"g{i}", url_key=f"k{i}", body_hash=f"h{i}", title=title),
            now=NOW,
        )
        assert added.created
    slugs = [s.slug for s in stories.list_stories(db)]
    assert len(set(slugs)) == 4 and all(len(slug) <= MAX_LEN for slug in slugs)


def test_a_title_used_many_times_gets_the_next_free_number(db: Database) -> None:
    # More copies than one statement probes, and a gap left by a deleted story is reused.
    count = stories.SLUG_PROBES + 4
    for i in range(count):
        stories.add_story(
            db, replace(BASE, guid=f"g{i}", url_key=f"k{i}", body_hash=f"h{i}"), now=NOW
        )
    base = "blinken-to-raise-chinas-support-for-russia"
    slugs = {s.slug for s in stories.list_stories(db)}
    assert slugs == {base} | {f"{base}-{n}" for n in range(2, count + 1)}
    with db.begin() as conn:
        conn.execute(
            text("DELETE FROM story_item WHERE story_id IN (SELECT id FROM story WHERE slug = :s)"),
            {"s": f"{base}-5"},
        )
        conn.execute(
            text(
                "DELETE FROM story_section WHERE story_id IN (SELECT id FROM story WHERE slug = :s)"
            ),
            {"s": f"{base}-5"},
        )
        conn.execute(text("DELETE FROM story WHERE slug = :s"), {"s": f"{base}-5"})
    stories.add_story(db, replace(BASE, guid="again", url_key="ka", body_hash="ha"), now=NOW)
    assert f"{base}-5" in {s.slug for s in stories.list_stories(db)}


def test_slugify_is_safe_whatever_the_title() -> None:
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("\x00\x1b\u202e") == "story"
    assert slugify("\x1b[31mRed\x00") == "31mred"
    assert slugify("Ünïcödé — “quotes”") == "unicode-quotes"
    assert len(slugify("word " * 100)) <= MAX_LEN
    assert slugify("") == "story"


def test_update_counts_a_revision_only_for_a_real_change(db: Database) -> None:
    sid = stories.add_story(db, BASE, now=NOW).story_id
    assert not stories.update_story(db, sid, BASE, now=NOW)
    later = NOW + timedelta(hours=2)
    assert stories.update_story(db, sid, replace(BASE, body_text="New text."), now=later)
    story = stories.get_story(db, sid)
    assert story is not None and story.revisions == 1 and story.updated == later
    # reprocessing (reingest) replaces content without counting a revision
    assert stories.update_story(
        db, sid, replace(BASE, body_text="Third."), now=later, revision=False
    )
    story = stories.get_story(db, sid)
    assert story is not None and story.revisions == 1 and story.body_text == "Third."


def test_listing_by_section_is_newest_first(db: Database) -> None:
    for i in range(3):
        stories.add_story(
            db,
            replace(
                BASE,
                guid=f"g{i}",
                url_key=f"k{i}",
                body_hash=f"h{i}",
                title=f"Story {i}",
                published=NOW + timedelta(minutes=i),
                sections=(SectionAssignment("Politics" if i else "World News", "kw"),),
            ),
            now=NOW,
        )
    assert [s.title for s in stories.list_stories(db, section="Politics")] == [
        "Story 2",
        "Story 1",
    ]


def test_blobs_are_content_addressed(db: Database) -> None:
    one = blobs.put_blob(db, b"<rss/>", kind="feed", url="u", content_type="x", now=NOW)
    two = blobs.put_blob(db, b"<rss/>", kind="feed", url="u", content_type="x", now=NOW)
    assert one == two
    got = blobs.get_blob(db, one)
    assert got is not None and got.data == b"<rss/>" and got.kind == "feed"


def test_source_state_round_trip_and_claims(db: Database) -> None:
    lease = timedelta(minutes=10)
    claimed = sources.claim_due(db, ["a", "b"], now=NOW, owner="n1", lease=lease, limit=10)
    assert claimed == ["a", "b"]  # never seen: due at once
    # leased sources are not handed to another node until the lease expires
    assert sources.claim_due(db, ["a", "b"], now=NOW, owner="n2", lease=lease, limit=10) == []
    sources.save_state(db, SourceState(name="a", etag='"x"', next_due=NOW + timedelta(minutes=5)))
    assert sources.get_state(db, "a").etag == '"x"'
    soon = NOW + timedelta(minutes=1)  # "a" is done but not due again; "b" is still leased
    assert sources.claim_due(db, ["a", "b"], now=soon, owner="n2", lease=lease, limit=10) == []
    later = NOW + timedelta(minutes=11)  # "a" is due, "b"'s lease expired (its node died)
    both = sources.claim_due(db, ["a", "b"], now=later, owner="n2", lease=lease, limit=10)
    assert both == ["b", "a"]  # never-fetched first, then by due time
    assert sources.reset_source(db, "a")
    assert sources.get_state(db, "a").next_due is None


def test_a_feeds_items_are_looked_up_together_with_the_same_precedence(db: Database) -> None:
    stories.add_story(db, replace(BASE, guid_key="/story-1"), now=NOW)  # wire-a, a-1
    other = replace(
        BASE,
        source="wire-b",
        guid="b-1",
        url="https://b.example/2",
        url_key="b.example/2",
        body_hash="h2",
        title="Another story",
    )
    stories.add_story(db, other, now=NOW)
    items = [
        ("a-1", "nowhere.example/x", None),  # its own item, whatever its URL says
        ("a-1-moved", None, "/story-1"),  # the same item under a migrated GUID
        ("a-9", "b.example/2", None),  # a new GUID at another outlet's URL
        ("a-10", "new.example/y", "/y"),  # not known at all
    ]
    found = stories.find_known_many(db, "wire-a", items)
    one_by_one = {
        guid: stories.find_known(
            db, source="wire-a", guid=guid, url_key=ukey, body_hash=None, guid_key=gkey
        )
        for guid, ukey, gkey in items
    }
    assert found == {guid: known for guid, known in one_by_one.items() if known is not None}
    assert {guid: k.via for guid, k in found.items()} == {
        "a-1": "item",
        "a-1-moved": "item",
        "a-9": "url",
    }
    assert found["a-1"].entry_hash == "e1"
