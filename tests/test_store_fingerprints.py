"""The persisted near-duplicate index, relations and the guid_key column (store.fingerprints)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import inspect, text

from ingest.fingerprint import fingerprint
from store import fingerprints, stories
from store.db import Database
from store.schema_dedupe import BAND_COUNT
from store.types import NewStory
from tests.conftest import NOW

BODY = (
    "Rescue teams worked through the night to reach 11 miners trapped after part of a coal mine "
    "collapsed in northern Turkey, officials said, as relatives gathered at the pit entrance. "
    "The collapse occurred at a depth of 350 meters in a privately operated mine in Zonguldak."
)
STORY = NewStory(
    source="wire-a",
    guid="a-1",
    url=None,
    url_key=None,
    canonical_url=None,
    title="Miners trapped in Turkey",
    published=NOW,
    agency="Reuters",
    dateline="ANKARA",
    byline=None,
    credit_line=None,
    body_text=BODY,
    body_html="",
    body_hash=None,
)


def _story(db: Database, n: int, body: str = BODY, hours: int = 0) -> int:
    new = replace(STORY, guid=f"g{n}", title=f"Story {n}", body_text=body)
    new = replace(new, published=NOW + timedelta(hours=hours))
    return stories.add_story(db, new, now=NOW).story_id


def _index(db: Database, story_id: int, body: str, hours: int = 0) -> None:
    fp = fingerprint(body)
    with db.begin() as conn:
        fingerprints.add_fingerprint(
            conn, story_id, fp.bands, words=fp.words, published=NOW + timedelta(hours=hours)
        )


def test_migration_5_adds_tables_indexes_and_guid_key(db: Database) -> None:
    with db.read() as conn:
        insp = inspect(conn)
        cols = {c["name"] for c in insp.get_columns("story_fingerprint")}
        assert cols == {"story_id", "words", "published"} | {f"b{i}" for i in range(BAND_COUNT)}
        indexed = {tuple(ix["column_names"]) for ix in insp.get_indexes("story_fingerprint")}
        assert {(f"b{i}",) for i in range(BAND_COUNT)} <= indexed
        assert "guid_key" in {c["name"] for c in insp.get_columns("story_item")}
        assert insp.has_table("story_relation")


def test_copies_are_found_and_strangers_are_not(db: Database) -> None:
    original = _story(db, 1)
    stranger_body = "Farmers drove hundreds of tractors into the capital to protest " * 4
    stranger = _story(db, 2, stranger_body)
    _index(db, original, BODY)
    _index(db, stranger, stranger_body)
    copy = BODY.replace("officials said", "Mr. Demir said") + " The company declined to comment."
    with db.read() as conn:
        found = fingerprints.find_candidates(conn, fingerprint(copy).bands)
        assert [sid for sid, _n in found] == [original] and found[0][1] >= 2
        [cand] = fingerprints.load_candidates(conn, found)
        assert (cand.story_id, cand.body_text, cand.agency) == (original, BODY, "Reuters")
        assert cand.published == NOW and cand.shared_bands == found[0][1]
        assert fingerprints.find_candidates(conn, fingerprint(BODY).bands, exclude=original) == []
        assert fingerprints.find_candidates(conn, (None,) * BAND_COUNT) == []


def test_time_window_and_replacement(db: Database) -> None:
    sid = _story(db, 1)
    _index(db, sid, BODY, hours=0)
    bands = fingerprint(BODY).bands
    with db.read() as conn:
        near = fingerprints.find_candidates(
            conn, bands, published=NOW + timedelta(hours=70), window=timedelta(hours=72)
        )
        far = fingerprints.find_candidates(
            conn, bands, published=NOW + timedelta(hours=80), window=timedelta(hours=72)
        )
        assert [s for s, _n in near] == [sid] and far == []
    _index(db, sid, BODY, hours=100)  # replaces the row: one per story
    with db.read() as conn:
        count = conn.execute(text("SELECT COUNT(*) FROM story_fingerprint")).scalar()
        assert count == 1
        assert fingerprints.find_candidates(
            conn, bands, published=NOW + timedelta(hours=80), window=timedelta(hours=72)
        ) == [(sid, BAND_COUNT)]


def test_bulk_fingerprints_and_the_all_null_row_of_a_short_story(db: Database) -> None:
    first, second = _story(db, 1), _story(db, 2, BODY + " Second copy.")
    fp = fingerprint(BODY)
    with db.begin() as conn:
        fingerprints.add_fingerprints(
            conn, [(first, fp.bands, fp.words, NOW), (second, (None,) * BAND_COUNT, 3, None)]
        )
        assert fingerprints.find_candidates(conn, fp.bands) == [(first, BAND_COUNT)]
        rows = conn.execute(text("SELECT COUNT(*) FROM story_fingerprint")).scalar()
    assert rows == 2


def test_relations_of_a_new_story_and_their_cascade(db: Database) -> None:
    a, b, c = _story(db, 1), _story(db, 2, BODY + " B."), _story(db, 3, BODY + " C.")
    with db.begin() as conn:
        fingerprints.add_new_story_relations(conn, c, [(a, 0.3), (b, 0.2), (c, 1.0)])
    with db.read() as conn:
        assert fingerprints.related_ids(conn, c) == [a, b]  # never related to itself
        assert fingerprints.related_ids(conn, a) == [c]  # symmetric
    with db.begin() as conn:
        conn.execute(text("DELETE FROM story WHERE id = :i"), {"i": b})
    with db.read() as conn:
        assert fingerprints.related_ids(conn, c) == [a]


def test_one_shared_band_value_is_not_a_candidate(db: Database) -> None:
    sid = _story(db, 1)
    bands = (11, 12, 13, 14, 15, 16, 17, 18)
    with db.begin() as conn:
        fingerprints.add_fingerprint(conn, sid, bands, words=100, published=NOW)
        one = (11, None, None, None, None, None, None, None)  # a stock phrase in common
        two = (11, 12, None, None, None, None, None, None)
        assert fingerprints.find_candidates(conn, one) == []
        assert fingerprints.find_candidates(conn, two) == [(sid, 2)]
