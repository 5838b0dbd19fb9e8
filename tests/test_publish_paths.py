"""Output paths, relative links, canonical URLs and the URL/slug safety checks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from publish.paths import (
    absolute,
    host,
    pretty,
    relative,
    safe_slug,
    safe_url,
    section_path,
    slugify,
    story_path,
)


def test_story_path_uses_utc_day() -> None:
    late_in_new_york = datetime(2024, 4, 16, 22, 0, tzinfo=timezone(timedelta(hours=-4)))
    assert story_path(late_in_new_york, "x") == "2024/04/17/x/index.html"
    assert story_path(datetime(2024, 1, 2, 3, 4), "y") == "2024/01/02/y/index.html"  # naive = UTC


def test_section_paths() -> None:
    assert section_path("world") == "section/world/index.html"
    assert section_path("world", 0) == "section/world/index.html"
    assert section_path("world", 1) == "section/world/page/1/index.html"
    assert section_path("world", 3) == "section/world/page/3/index.html"


@pytest.mark.parametrize(
    ("src", "dst", "expected"),
    [
        ("index.html", "section/world/index.html", "section/world/index.html"),
        ("section/world/index.html", "index.html", "../../index.html"),
        ("2024/04/17/s/index.html", "static/style.css", "../../../../static/style.css"),
        ("section/w/page/2/index.html", "section/w/index.html", "../../../../section/w/index.html"),
    ],
)
def test_relative(src: str, dst: str, expected: str) -> None:
    assert relative(src, dst) == expected


def test_pretty_and_absolute() -> None:
    assert pretty("index.html") == ""
    assert pretty("section/world/index.html") == "section/world/"
    assert pretty("feed.xml") == "feed.xml"
    base = "https://n.example/"
    assert absolute(base, "2024/01/01/a/index.html") == "https://n.example/2024/01/01/a/"
    assert absolute(base, "index.html") == base


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/x",
        "/relative",
        "http://",
        'https://a.example/"onmouseover="x',
        "https://a.example/<script>",
        "https://a.example/\nx",
        None,
        "",
    ],
)
def test_safe_url_rejects(bad: str | None) -> None:
    assert safe_url(bad) is None


def test_safe_url_accepts_http_and_https() -> None:
    assert safe_url("https://www.reuters.com/a?b=1&c=2") == "https://www.reuters.com/a?b=1&c=2"
    assert safe_url("http://apnews.com/x") == "http://apnews.com/x"
    assert host("https://www.reuters.com/a") == "reuters.com"
    assert host("not a url") is None


def test_slugs_are_rechecked() -> None:
    assert safe_slug("good-slug-1", "T", 1) == "good-slug-1"
    assert safe_slug("../../etc/passwd", "T", 1) == "etc-passwd"
    assert safe_slug("", "Café au lait: news!", 7) == "cafe-au-lait-news"
    assert safe_slug("", "", 7) == "story-7"
    assert safe_slug("x" * 200, "", 1) == "x" * 80
    assert len(slugify("word " * 100)) <= 80
    assert not slugify("word " * 100).endswith("-")
