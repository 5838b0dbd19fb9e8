"""Per-host templates: a block repeated across a site's other articles is chrome, not story."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from config.load import settings_from_dict
from ingest.extract import extract_article
from ingest.extract_template import learn_template, template_keys
from ingest.pipeline import ingest
from store import stories
from store.db import Database
from tests.conftest import NOW
from wirefeed.demo import DEMO_DATA
from wirefeed.demo_server import DemoServer, serve_directory

PLEA = "Our journalism is funded by readers like you. Become a member today."


def page(n: int) -> str:
    paragraphs = "".join(
        f"<p>Story {n} paragraph {i}: the council voted on item {n * 10 + i} of the agenda, "
        f"and members debated the budget line for the {i}th time this year.</p>"
        for i in range(6)
    )
    return (
        f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
        f"{paragraphs}<p>{PLEA}</p></article></body></html>"
    )


def test_a_block_on_several_other_pages_is_learned_and_dropped() -> None:
    template = learn_template([template_keys(page(1)), template_keys(page(2))])
    assert PLEA.casefold() in template
    assert not any("paragraph" in key for key in template)  # story text is never shared
    without = extract_article(page(3), "https://site.example/3")
    with_template = extract_article(page(3), "https://site.example/3", boilerplate=template)
    assert PLEA in without.text  # generic rules cannot tell: it sits inside the article
    assert PLEA not in with_template.text
    assert with_template.text.count("paragraph") == 6


def test_one_other_page_is_not_enough() -> None:
    assert learn_template([template_keys(page(1))]) == frozenset()


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with serve_directory(DEMO_DATA / "site") as srv:
        yield srv


def test_the_pipeline_learns_a_sites_template_from_its_stored_pages(
    server: DemoServer, db: Database
) -> None:
    for n in range(1, 5):
        server.routes[f"/site/{n}.html"] = (200, {"Content-Type": "text/html"}, page(n))
    settings = settings_from_dict(
        {
            "fetch": {"allow_hosts": [server.base_url]},
            "sources": [{"name": "site", "url": server.url("/feed.xml"), "full_text": "always"}],
        }
    )
    for n in range(1, 5):  # one new story per run: each run knows the pages stored before it
        item = (
            f"<item><title>Story {n}</title><link>{server.url(f'/site/{n}.html')}</link>"
            f"<guid>s{n}</guid><description>Teaser {n}.</description></item>"
        )
        feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>{item}'
        server.routes["/feed.xml"] = (
            200,
            {"Content-Type": "application/rss+xml"},
            (feed + "</channel></rss>").encode(),
        )
        ingest(db, settings, clock=lambda: NOW, force=True)
    texts = {s.title: s.body_text for s in stories.list_stories(db)}
    assert PLEA in texts["Story 1"] and PLEA in texts["Story 2"]  # nothing to compare with yet
    assert PLEA not in texts["Story 3"] and PLEA not in texts["Story 4"]
    assert texts["Story 4"].count("paragraph") == 6
    # a replay learns the template the same way (from the site's other stored pages)
    from wirefeed.jobs import reingest

    changes = reingest(db, settings, dry_run=True, now=NOW)
    assert [c.changes for c in changes if c.title in ("Story 3", "Story 4")] == [{}, {}]
