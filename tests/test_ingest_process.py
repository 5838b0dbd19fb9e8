"""One item through the pure chain (extract | clean | attribute | sections | keys), golden.

Input: a feed item (tests/data/process/seed_item.xml) and its article page, the seed story's page
in the demo corpus (wirefeed/demo_data/site/ledger/..., shaped like the seed page with its
chrome). Expected: tests/data/process/seed_item.expected.json. Regenerate with WIREFEED_REGEN=1
after a deliberate change, and read the diff.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from typing import Any

from config.load import settings_from_dict
from ingest.parse import parse_feed
from ingest.process import is_teaser, needs_page, process_entry
from ingest.types import Body
from tests.conftest import DATA
from wirefeed.demo import DEMO_DATA

SEED_PAGE = next(DEMO_DATA.glob("site/ledger/2026/11/17/blinken-*/index.html"))
SETTINGS = settings_from_dict(
    {
        "sources": [{"name": "secret-assets", "url": "https://secretassets.example/feed/"}],
        "sections": [
            {"name": "World News", "slug": "world", "keywords": ["China", "Russia"]},
            {"name": "Politics", "slug": "politics", "keywords": ["State Department"]},
            {"name": "Stock", "slug": "stock", "keywords": ["shares"]},
        ],
    }
)


def _draft() -> dict[str, Any]:
    feed = parse_feed((DATA / "process" / "seed_item.xml").read_bytes(), "https://x/feed/")
    [entry] = feed.entries
    assert needs_page(entry, "auto")  # a teaser: the page must be fetched
    page = SEED_PAGE.read_text(encoding="utf-8").replace("{base}", "https://secretassets.example")
    draft = process_entry(
        entry,
        source=SETTINGS.sources[0],
        sections=SETTINGS.sections,
        page_html=page,
        page_url=entry.link,
        site_names=(feed.title or "",),
    )
    record = asdict(draft)
    record["published"] = draft.published.isoformat() if draft.published else None
    record["body"]["html"] = record["body"]["html"][:200]
    return json.loads(json.dumps(record, default=str))


def test_seed_item_golden() -> None:
    expected_path = DATA / "process" / "seed_item.expected.json"
    got = _draft()
    if os.environ.get("WIREFEED_REGEN"):
        expected_path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", "utf-8")
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))


def test_seed_item_reads_like_the_issue_says() -> None:
    got = _draft()
    assert (got["agency"], got["dateline"], got["byline"]) == ("Reuters", "WASHINGTON", None)
    assert got["credit_line"] == "— Reuters"
    assert [s["section"] for s in got["sections"]] == ["World News", "Politics"]
    assert got["url"] == "https://secretassets.example/blinken-china-russia/"  # no utm_*
    assert got["canonical_url"].startswith("https://secretassets.example/ledger/2026/11/17/")
    text = got["body"]["text"]
    assert text.startswith("US Secretary of State Antony Blinken")
    assert text.endswith("he added.") and "You may also like" not in text
    assert got["body_hash"] and got["url_key"]


def test_teasers() -> None:
    assert is_teaser(Body(html="", text="One sentence. Two sentences."))
    long_text = " ".join(["A full sentence with several words in it."] * 30)
    assert not is_teaser(Body(html="", text=long_text))


def test_a_page_without_an_article_keeps_the_feed_text_and_says_so() -> None:
    feed = parse_feed((DATA / "process" / "seed_item.xml").read_bytes(), "https://x/feed/")
    [entry] = feed.entries
    draft = process_entry(
        entry,
        source=SETTINGS.sources[0],
        sections=SETTINGS.sections,
        page_html="<html><body><nav><a href='/'>Home</a></nav></body></html>",
        page_url=entry.link,
    )
    assert draft.warnings == ("no article found on the page; kept the feed's text",)
    assert draft.body.text.startswith("US Secretary of State Antony Blinken")


def test_huge_titles_are_bounded() -> None:
    from dataclasses import replace

    from ingest.process import MAX_TITLE

    feed = parse_feed((DATA / "process" / "seed_item.xml").read_bytes(), "https://x/feed/")
    entry = replace(feed.entries[0], title="word " * 3000)
    draft = process_entry(entry, source=SETTINGS.sources[0], sections=SETTINGS.sections)
    assert len(draft.title) <= MAX_TITLE and draft.title.endswith("…")
    assert "title cut to 300 characters" in draft.warnings
