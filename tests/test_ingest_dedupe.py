"""Identity keys and the duplicate decision."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.dedupe import body_hash, decide, entry_hash, entry_identity
from ingest.types import RawEntry
from ingest.urls import strip_tracking, url_key


def test_identity_prefers_guid_then_link_then_title_and_date() -> None:
    when = datetime(2026, 11, 27, tzinfo=UTC)
    assert entry_identity(RawEntry(guid=" g1 ", link="https://x/1", title="T")) == "g1"
    assert entry_identity(RawEntry(guid=None, link="https://x/1", title="T")) == "https://x/1"
    a = entry_identity(RawEntry(guid=None, link=None, title="T", published=when))
    b = entry_identity(RawEntry(guid="", link=" ", title="T", published=when))
    assert a == b and a.startswith("sha256:")
    assert a != entry_identity(RawEntry(guid=None, link=None, title="Other", published=when))


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.Example.com/world/story-1/", "example.com/world/story-1"),
        (
            "http://example.com/world/story-1?utm_source=rss&utm_medium=feed",
            "example.com/world/story-1",
        ),
        ("https://example.com/world/story-1?fbclid=abc#comments", "example.com/world/story-1"),
        ("https://m.example.com/world/story-1/amp/", "example.com/world/story-1"),
        ("https://amp.example.com/world/story-1", "example.com/world/story-1"),
        ("https://example.com/a?b=2&a=1", "example.com/a?a=1&b=2"),
        ("https://example.com:8443/a", "example.com:8443/a"),
        ("mailto:someone@example.com", None),
        ("not a url", None),
        (None, None),
    ],
)
def test_url_key_normalizes(url: str | None, key: str | None) -> None:
    assert url_key(url) == key


def test_strip_tracking_keeps_real_parameters() -> None:
    assert (
        strip_tracking("https://x.example/a?id=7&utm_campaign=z&gclid=1&page=2")
        == "https://x.example/a?id=7&page=2"
    )
    assert strip_tracking("https://x.example/a") == "https://x.example/a"


def test_body_hash_ignores_case_and_spacing_but_not_words() -> None:
    text = " ".join(f"word{i}" for i in range(40))
    assert body_hash(text) == body_hash(text.upper().replace(" ", "  \n"))
    assert body_hash(text) != body_hash(text + " more")
    assert body_hash("Too short to be a story.") is None


def test_entry_hash_changes_with_content_only() -> None:
    a = RawEntry(guid="g", link="l", title="Title", summary_html="<p>Text</p>")
    b = RawEntry(guid="g2", link="l2", title="Title", summary_html="<p>Text </p>")
    c = RawEntry(guid="g", link="l", title="Title", summary_html="<p>Text changed</p>")
    assert entry_hash(a) == entry_hash(b) != entry_hash(c)


def test_decisions() -> None:
    assert decide(known_story=None, known_via=None, known_entry_hash=None, new_hash="h").action == (
        "insert"
    )
    assert decide(known_story=1, known_via="hash", known_entry_hash=None, new_hash="h").action == (
        "duplicate"
    )
    assert decide(known_story=1, known_via="item", known_entry_hash="h", new_hash="h").action == (
        "unchanged"
    )
    assert decide(known_story=1, known_via="item", known_entry_hash="o", new_hash="h").action == (
        "update"
    )
