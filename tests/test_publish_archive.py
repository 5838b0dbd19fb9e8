"""Stable pagination: archive pages keep their stories when new ones arrive or old ones expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from publish.archive import FRONT, section_listings
from publish.listings import Section
from store.types import StoredStory

WORLD = Section("World", "world")
T0 = datetime(2024, 4, 17, 12, 0, tzinfo=UTC)


def story(i: int) -> StoredStory:
    when = T0 + timedelta(hours=i)  # higher id = newer
    return StoredStory(
        id=i, source="s", guid=str(i), url=None, canonical_url=None, title=f"S{i}", slug="",
        published=when, first_seen=when, updated=when, agency=None, dateline=None, byline=None,
        credit_line=None, sections=("World",), body_text="", body_html="",
    )  # fmt: skip


def newest_first(n: int) -> list[StoredStory]:
    return [story(i) for i in range(n, 0, -1)]


def layout(n: int, per: int = 3, shown: set[int] | None = None) -> dict[int, list[int]]:
    items = newest_first(n)
    ids = shown if shown is not None else {s.id for s in items}
    return {p.number: [s.id for s in p.stories] for p in section_listings(WORLD, items, ids, per)}


def test_front_holds_the_newest_and_archives_count_from_the_oldest() -> None:
    assert layout(0) == {FRONT: []}
    assert layout(2) == {FRONT: [2, 1]}
    assert layout(5) == {FRONT: [5, 4, 3, 2, 1]}  # per..2*per-1 on the front
    assert layout(7) == {FRONT: [7, 6, 5, 4], 1: [3, 2, 1]}
    assert layout(10) == {FRONT: [10, 9, 8, 7], 2: [6, 5, 4], 1: [3, 2, 1]}


def test_a_new_story_changes_only_the_front_until_a_page_is_sealed() -> None:
    before = layout(10)
    after = layout(11)
    assert {k: v for k, v in after.items() if k != FRONT} == {
        k: v for k, v in before.items() if k != FRONT
    }
    sealed = layout(12)
    assert sealed[1] == before[1] and sealed[2] == before[2] and sealed[3] == [9, 8, 7]


def test_pager_links_skip_pages_with_nothing_left() -> None:
    pages = section_listings(WORLD, newest_first(10), {10, 9, 8, 7, 2}, 3)
    assert [(p.number, p.newer, p.older) for p in pages] == [(FRONT, None, 1), (1, FRONT, None)]
    assert [s.id for s in pages[1].stories] == [2]


def test_expired_stories_empty_their_pages_without_shifting_others() -> None:
    all_ids = set(range(1, 11))
    assert layout(10, shown=all_ids - {1, 2}) == {FRONT: [10, 9, 8, 7], 2: [6, 5, 4], 1: [3]}
