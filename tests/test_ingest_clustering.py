"""One story, many outlets, many versions: clustering, the published copy and revisions, as the
pipeline applies them to feeds served from a local server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from config.load import settings_from_dict
from config.settings import Settings
from ingest.pipeline import ingest
from store import revisions, stories
from store.db import Database
from tests.conftest import NOW
from wirefeed.demo import DEMO_DATA
from wirefeed.demo_server import DemoServer, serve_directory

STORY = [
    "LONDON (Reuters) - Britain's biggest water companies will have to cut leakage by a fifth "
    "before the end of the decade under new rules the regulator published on Thursday, after a "
    "summer in which several regions imposed hosepipe bans.",
    "The regulator said the firms must also publish monthly figures for every treatment works, "
    "and that fines for missed targets would rise to as much as ten percent of annual turnover.",
    "Miller, the regulator's chief executive, said customers had paid for pipes that were never "
    "fixed and that the industry now had to deliver on promises made over the past decade.",
    "Shares in the listed water companies fell between one and three percent in London trading, "
    "while analysts said the rules were tougher than the industry had expected.",
    "The companies have two months to respond before the rules take effect in April.",
]


def _rss(title: str, paragraphs: list[str], guid: str, link: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
        "<pubDate>Fri, 27 Nov 2026 10:00:00 GMT</pubDate>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item></channel></rss>"
    ).encode()


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with serve_directory(DEMO_DATA / "site") as srv:
        yield srv


def _settings(server: DemoServer, *sources: tuple[str, int]) -> Settings:
    return settings_from_dict(
        {
            "fetch": {"allow_hosts": [server.base_url]},
            "sources": [
                {"name": n, "url": server.url(f"/{n}.xml"), "priority": p, "full_text": "never"}
                for n, p in sources
            ],
        }
    )


def _serve(server: DemoServer, name: str, feed: bytes) -> None:
    server.routes[f"/{name}.xml"] = (200, {"Content-Type": "application/rss+xml"}, feed)


def test_a_lightly_edited_copy_from_another_outlet_joins_the_story(
    server: DemoServer, db: Database
) -> None:
    _serve(server, "wire", _rss("Water firms told to cut leaks", STORY, "w1", "http://a.test/1"))
    edited = [STORY[0], STORY[1], STORY[2].replace("Miller,", "Mr. Miller,"), STORY[3]]
    edited.append("The announcement follows a year-long review of the sector.")
    _serve(
        server,
        "outlet",
        _rss(
            "UK regulator orders water leak cuts",
            edited,
            "o9",
            "http://b.test/story?utm_source=rss",
        ),
    )
    settings = _settings(server, ("wire", 0), ("outlet", 0))
    ingest(db, settings, ["wire"], clock=lambda: NOW)
    [result] = ingest(db, settings, ["outlet"], clock=lambda: NOW)
    assert (result.new, result.duplicate) == (0, 1)
    [story] = stories.list_stories(db)
    assert story.source == "wire"
    assert [(a.source, a.url) for a in story.also_at] == [("outlet", "http://b.test/story")]


def test_a_higher_priority_copy_becomes_the_published_one(server: DemoServer, db: Database) -> None:
    _serve(
        server, "aggregator", _rss("Water firms told to cut leaks", STORY, "a1", "http://c.test/1")
    )
    _serve(server, "wire", _rss("Water firms told to cut leaks", STORY, "w1", "http://a.test/1"))
    settings = _settings(server, ("aggregator", 0), ("wire", 10))
    ingest(db, settings, ["aggregator"], clock=lambda: NOW)
    ingest(db, settings, ["wire"], clock=lambda: NOW)
    [story] = stories.list_stories(db)
    assert (story.source, story.url) == ("wire", "http://a.test/1")
    assert [a.source for a in story.also_at] == ["aggregator"]


def test_a_different_story_on_the_same_topic_is_not_merged(
    server: DemoServer, db: Database
) -> None:
    other = [
        "LONDON (Reuters) - Britain's energy regulator said on Friday it would cap standing "
        "charges on household bills from April, after a consultation that drew record responses.",
        "The cap will cut the average annual bill by about forty pounds, the regulator said, "
        "while suppliers warned the change could push up unit prices for heavier users.",
        "Consumer groups welcomed the decision but said it did not go far enough.",
    ]
    _serve(server, "wire", _rss("Water firms told to cut leaks", STORY, "w1", "http://a.test/1"))
    _serve(
        server, "outlet", _rss("Regulator caps standing charges", other, "o1", "http://b.test/2")
    )
    settings = _settings(server, ("wire", 0), ("outlet", 0))
    ingest(db, settings, clock=lambda: NOW)
    assert stories.count_stories(db) == 2


def test_revisions_cosmetic_correction_and_substantive(server: DemoServer, db: Database) -> None:
    settings = _settings(server, ("wire", 0))
    clock = [NOW]

    def run(paragraphs: list[str]) -> str:
        _serve(
            server,
            "wire",
            _rss("Water firms told to cut leaks", paragraphs, "w1", "http://a.test/1"),
        )
        clock[0] += timedelta(minutes=10)
        [result] = ingest(db, settings, clock=lambda: clock[0], force=True)
        return f"{result.new} new, {result.updated} updated, {result.unchanged} unchanged"

    assert run(STORY) == "1 new, 0 updated, 0 unchanged"
    [story] = stories.list_stories(db)
    first_updated = story.updated

    stamped = [*STORY[:-1], STORY[-1] + " Updated 10:32 GMT."]
    assert run(stamped) == "0 new, 0 updated, 1 unchanged"  # a timestamp: cosmetic
    story = stories.get_story(db, story.id)
    assert story is not None and story.updated == first_updated and story.revisions == 0

    corrected = [STORY[0].replace("a fifth", "a quarter"), *stamped[1:]]
    assert run(corrected) == "0 new, 1 updated, 0 unchanged"  # a correction: recorded only
    story = stories.get_story(db, story.id)
    assert story is not None and story.updated == first_updated and "a quarter" in story.body_text

    rewritten = [
        *corrected,
        "Environment ministers will meet company bosses next week to "
        "discuss emergency funding for reservoirs in the south east, officials said.",
    ]
    rewritten += ["The opposition called for the companies to be brought into public ownership."]
    assert run(rewritten) == "0 new, 1 updated, 0 unchanged"  # substantive: "Updated"
    story = stories.get_story(db, story.id)
    assert story is not None and story.revisions == 1 and story.updated > first_updated
    kinds = [r.kind for r in revisions.list_revisions(db, story.id)]
    assert kinds == ["correction", "substantive"]


def test_a_feed_that_changes_every_fetch_is_capped(server: DemoServer, db: Database) -> None:
    settings = _settings(server, ("wire", 0))
    for n in range(10):
        churn = [*STORY, f"Reading {n}: the counter now stands at {n * 1117} litres per second."]
        _serve(
            server, "wire", _rss("Water firms told to cut leaks", churn, "w1", "http://a.test/1")
        )
        ingest(db, settings, clock=lambda n=n: NOW + timedelta(minutes=n), force=True)
    [story] = stories.list_stories(db)
    assert len(revisions.list_revisions(db, story.id)) <= 6


def test_a_guid_moving_to_https_and_a_new_host_is_not_a_new_story(
    server: DemoServer, db: Database
) -> None:
    settings = _settings(server, ("wire", 0))
    _serve(server, "wire", _rss("Water", STORY, "http://old.example/news/1", "http://a.test/1"))
    ingest(db, settings, clock=lambda: NOW)
    _serve(
        server, "wire", _rss("Water", STORY, "https://www.new.example/news/1/", "http://a.test/1")
    )
    [result] = ingest(db, settings, clock=lambda: NOW, force=True)
    assert result.new == 0 and stories.count_stories(db) == 1


def test_guids_that_change_on_every_fetch_do_not_make_new_stories(
    server: DemoServer, db: Database
) -> None:
    settings = _settings(server, ("wire", 0))
    for n in range(3):
        feed = _rss("Water firms told to cut leaks", STORY, f"random-{n}", "http://a.test/1")
        _serve(server, "wire", feed)
        [result] = ingest(db, settings, clock=lambda: NOW, force=True)
        assert result.new == (1 if n == 0 else 0) and result.duplicate == 0
    [story] = stories.list_stories(db)
    assert story.guid.endswith("random-2") and story.also_at == ()


def test_a_guid_shared_by_different_items_identifies_none_of_them(
    server: DemoServer, db: Database
) -> None:
    from ingest.dedupe import usable_guids
    from ingest.types import RawEntry

    entries = [
        RawEntry(guid="same", link="http://a.test/1", title="One"),
        RawEntry(guid="same", link="http://a.test/2", title="Two"),
        RawEntry(guid="own", link="http://a.test/3", title="Three"),
    ]
    assert [e.guid for e in usable_guids(entries)] == [None, None, "own"]
    other = [
        "PARIS (Reuters) - France's rail operator said on Friday it would run extra night trains "
        "to Berlin and Vienna from next spring, after bookings on the routes doubled this year.",
        "The company said the new services would be profitable within three years and that it "
        "had ordered twelve sleeper carriages from a Spanish manufacturer for the expansion.",
        "Unions welcomed the plan but warned that staffing on existing routes remained tight.",
    ]
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>same</guid>"
        f"<content:encoded><![CDATA[{''.join(f'<p>{p}</p>' for p in paras)}]]></content:encoded>"
        "</item>"
        for t, link, paras in (
            ("Water", "http://a.test/1", STORY),
            ("Gas", "http://a.test/2", other),
        )
    )
    feed = (
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        f"{body}</channel></rss>"
    ).encode()
    _serve(server, "wire", feed)
    [result] = ingest(db, _settings(server, ("wire", 0)), clock=lambda: NOW)
    assert result.new == 2 and stories.count_stories(db) == 2
