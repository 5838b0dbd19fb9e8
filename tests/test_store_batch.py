"""Many new stories in one transaction: stored in order, each with its own fate, never half."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import event

from store import blobs, stories
from store.batch import PageBlob, StoryWrite, add_stories
from store.db import Database
from store.stories import Added
from tests.conftest import NOW
from tests.test_store_stories import BASE


def _story(n: int, **changes: Any) -> StoryWrite:
    values: dict[str, Any] = {
        "guid": f"a-{n}",
        "url": f"https://a.example/story-{n}",
        "url_key": f"a.example/story-{n}",
        "title": f"Story number {n}",
        "body_hash": f"h{n}",
    }
    story = replace(BASE, **(values | changes))
    return StoryWrite(story, NOW)


def _commits(db: Database) -> list[int]:
    seen: list[int] = []
    event.listen(db.engine, "commit", lambda _conn: seen.append(1))
    return seen


def test_a_batch_is_one_transaction_and_every_story_is_stored(db: Database) -> None:
    commits = _commits(db)
    page = PageBlob(b"<html>page 1</html>", "https://a.example/story-1", "text/html")
    results = add_stories(db, [replace(_story(1), page=page), _story(2), _story(3)])
    assert len(commits) == 1
    assert all(isinstance(r, Added) and r.created for r in results)
    assert stories.count_stories(db) == 3
    digest = blobs.blob_hash(page.data)
    stored = blobs.get_blob(db, digest)
    assert stored is not None and stored.data == page.data and stored.kind == "page"


def test_a_later_story_of_the_batch_sees_an_earlier_one(db: Database) -> None:
    first = _story(1)
    other_outlet = replace(
        first.story, source="wire-b", guid="b-1", url="https://b.example/1", url_key="b.example/1"
    )  # same body hash: the second outlet's copy of story 1
    results = add_stories(db, [first, StoryWrite(other_outlet, NOW)])
    one, two = results
    assert isinstance(one, Added) and isinstance(two, Added)
    assert one.created and not two.created
    assert (two.story_id, two.via) == (one.story_id, "hash")
    assert stories.count_stories(db) == 1


def test_one_bad_story_fails_alone_and_nothing_is_half_stored(db: Database) -> None:
    bad = _story(2, title=None)  # the database refuses a story without a title
    results = add_stories(db, [_story(1), bad, _story(3)])
    assert isinstance(results[0], Added) and results[0].created
    assert isinstance(results[1], Exception)
    assert isinstance(results[2], Added) and results[2].created
    titles = sorted(s.title for s in stories.list_stories(db))
    assert titles == ["Story number 1", "Story number 3"]


def test_the_same_page_twice_is_kept_once(db: Database) -> None:
    page = PageBlob(b"<html>shared</html>", "https://a.example/p", "text/html")
    results = add_stories(db, [replace(_story(1), page=page), replace(_story(2), page=page)])
    assert all(isinstance(r, Added) and r.created for r in results)
    again = add_stories(db, [replace(_story(3), page=page)])
    assert isinstance(again[0], Added) and again[0].created
    assert blobs.get_blob(db, blobs.blob_hash(page.data)) is not None
