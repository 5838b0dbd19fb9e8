"""Tests for ingest.clean (sanitizing, URLs, lazy images, text) and ingest.clean_text helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.clean import clean_html, decode_html, html_to_text
from ingest.clean_text import fix_mojibake
from ingest.types import Body
from ingest.urls import strip_tracking

DATA = Path(__file__).parent / "data" / "clean"
BASE = "https://wire.example/news/today/story.html"


def test_golden_feed_content() -> None:
    body = clean_html((DATA / "feed_content.html").read_text("utf-8"), BASE)
    assert body.text == (DATA / "feed_content.txt").read_text("utf-8").strip()
    assert 'href="https://wire.example/markets/report?id=7"' in body.html
    assert 'href="https://other.example/x?page=2#top"' in body.html
    assert 'src="https://wire.example/img/chart.png"' in body.html
    for bad in ("script", "alert", "iframe", "onerror", "style=", "utm_", "fbclid", "gclid"):
        assert bad not in body.html


@pytest.mark.parametrize(
    "vector",
    [
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        "<svg onload=alert(1)><circle/></svg>",
        '<iframe src="javascript:alert(1)"></iframe>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        "<scr<script>ipt>alert(1)</script>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<body onload=alert(1)>",
        '<form action="javascript:alert(1)"><button>x</button></form>',
        '<p title="" onmouseover="alert(1)">x</p>',
    ],
)
def test_xss_vectors_come_out_inert(vector: str) -> None:
    html = clean_html(vector, BASE).html.lower()
    assert "javascript:" not in html
    assert "onerror" not in html and "onload" not in html and "onmouseover" not in html
    assert "<script" not in html and "<iframe" not in html and "<svg" not in html
    assert "data:text" not in html and "style=" not in html


def test_relative_urls_made_absolute() -> None:
    html = clean_html('<p><a href="../x.html">a</a> <img src="/i.png" alt=""></p>', BASE).html
    assert 'href="https://wire.example/news/x.html"' in html
    assert 'src="https://wire.example/i.png"' in html


def test_lazy_images_noscript_and_srcset() -> None:
    html = clean_html(
        '<p><img src="/blank.gif" class="lazy"><noscript><img src="/real.jpg" alt="r"></noscript>'
        '<img data-srcset="/s-320.jpg 320w, /s-960.jpg 960w"></p>',
        BASE,
    ).html
    assert 'src="https://wire.example/real.jpg"' in html
    assert "blank.gif" not in html
    assert 'src="https://wire.example/s-960.jpg"' in html


def test_tracking_params_removed_but_real_params_kept() -> None:
    url = "https://a.example/p?id=3&utm_source=x&utm_campaign=y&mc_cid=1&mc_eid=2&gclid=z&q=ok"
    assert strip_tracking(url) == "https://a.example/p?id=3&q=ok"
    assert strip_tracking("https://a.example/p?page=2") == "https://a.example/p?page=2"
    assert strip_tracking("https://a.example/p") == "https://a.example/p"


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("itâ€™s", "it’s"),
        ("â€œquotedâ€\x9d", "â€œquotedâ€\x9d".replace("â€œ", "“")),
        ("cafÃ© crÃ¨me", "café crème"),
        ("â€” dash", "— dash"),
    ],
)
def test_mojibake_fixed(broken: str, fixed: str) -> None:
    assert fix_mojibake(broken) == fixed


@pytest.mark.parametrize(
    "good", ["it’s fine", "café", "Â is a letter here: Âb", "naïve Ærø", "São Paulo"]
)
def test_mojibake_leaves_correct_text_alone(good: str) -> None:
    assert fix_mojibake(good) == good


def test_clean_html_fixes_mojibake_and_entities() -> None:
    body = clean_html("<p>Itâ€™s &amp;quot;here&amp;quot;&nbsp;now</p>", None)
    assert body.text == 'It’s "here" now'


def test_html_to_text_paragraphs_and_breaks() -> None:
    text = html_to_text(
        "<h2>Title</h2><p>One  two\nthree</p><ul><li>a</li><li>b</li></ul>"
        "<p>line<br>break</p><script>x()</script>"
    )
    assert text == "Title\n\nOne two three\n\na\n\nb\n\nline\nbreak"


def test_empty_inputs() -> None:
    assert clean_html("", None) == Body(html="", text="")
    assert clean_html("   ", BASE) == Body(html="", text="")
    assert html_to_text("") == ""


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_clean_html_never_raises(markup: str) -> None:
    body = clean_html(markup, BASE)
    assert "<script" not in body.html.lower()


@pytest.mark.parametrize(
    ("raw", "ctype", "expected"),
    [
        ("café".encode(), "text/html; charset=utf-8", "café"),
        ("café".encode("cp1252"), "text/html; charset=ISO-8859-1", "café"),
        ("café".encode("cp1252"), None, "café"),  # invalid UTF-8 -> windows-1252
        ("“q”".encode("cp1252"), "text/html", "“q”"),
        (b'<meta charset="koi8-r">' + "мир".encode("koi8_r"), None, '<meta charset="koi8-r">мир'),
        (b"\xef\xbb\xbfbom", "text/html; charset=iso-8859-1", "bom"),
        ("hi".encode("utf-16"), None, "hi"),
        (b"x", "text/html; charset=no-such-charset", "x"),
        (b"", None, ""),
    ],
)
def test_decode_html(raw: bytes, ctype: str | None, expected: str) -> None:
    assert decode_html(raw, ctype) == expected


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=300), st.one_of(st.none(), st.text(max_size=40)))
def test_decode_html_never_raises(raw: bytes, ctype: str | None) -> None:
    assert isinstance(decode_html(raw, ctype), str)
