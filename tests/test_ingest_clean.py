"""Tests for ingest.clean (sanitizing, URLs, lazy images, text) and ingest.clean_text helpers."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import lxml.html
import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ingest.clean as clean_module
from ingest.clean import _NH3_OPTIONS, clean_html, clean_tree, decode_html, html_to_text, sanitize
from ingest.clean_text import ODD_SPACES, collapse_spaces, fix_mojibake, replace_surrogates
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


# --- fast paths that must give what the plain regular expressions gave ---------------------------

_SPACE_RUNS = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def test_odd_spaces_are_every_space_split_sees_and_collapse_does_not() -> None:
    odd = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    odd = [c for c in odd if not _SPACE_RUNS.fullmatch(c)]
    assert odd == list(ODD_SPACES)


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list(" \t\n\r\f\v\x1c\x1f\x85\u00a0\u1680\u2003\u2028\u3000ab’é")),
        max_size=30,
    )
)
def test_collapse_spaces_is_the_regex(text: str) -> None:
    assert collapse_spaces(text) == _SPACE_RUNS.sub(" ", text)


@pytest.mark.parametrize(
    "text", ["", "plain", "Ã©tÃ©", "itâ€™s", "Ã", "naïve ’", "Â\u00a0x", "\u00e2\u20ac"]
)
def test_fix_mojibake_shortcut_changes_nothing(text: str) -> None:
    pattern = re.compile(
        "(?:[\u00c2-\u00df][\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039"
        "\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153"
        "\u017e\u0178\u00a0-\u00bf]|[\u00e0-\u00ef].{2}|[\u00f0-\u00f4].{3})"
    )
    fixed = fix_mojibake(text)
    if not pattern.search(text):  # no possible run: the text comes back as it was
        assert fixed == text
    assert fix_mojibake("itâ€™s") == "it’s"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("abc", "abc"), ("é\ud800x", "é\ufffdx"), ("\udfff", "\ufffd"), ("😀 é", "😀 é")],
)
def test_replace_surrogates(text: str, expected: str) -> None:
    assert replace_surrogates(text) == expected


def test_clean_html_memo_gives_equal_bodies() -> None:
    markup = "<p>Summary  with <a href='/a?utm_source=x'>a link</a>.</p>"
    first = clean_html(markup, BASE)
    second = clean_html(markup, BASE)
    assert first == second
    assert clean_html(markup, None) != first  # the base URL is part of the key
    assert first.text == "Summary with a link."


def test_text_inside_pre_is_kept_when_the_root_sits_in_a_pre() -> None:
    doc = lxml.html.document_fromstring("<pre><span>a   b</span>  c</pre>")
    span = doc.find(".//span")
    assert span is not None
    body = clean_tree(span, None)
    assert "a   b" in body.html


_HOSTILE = [
    '<p onclick="x()">a<script>b()</script><a href="javascript:alert(1)">c</a></p>',
    '<img src="data:image/png;base64,AA" alt="x"><img src="https://i.example/a.jpg" width=3>',
    "<style>p{}</style>kept <!-- comment --> <iframe src=x>gone</iframe> &amp; &lt;",
    '<a href="https://x.example/" rel="me" target="_blank">link</a> <b>bold</b> <table><td>1',
    "<svg><script>x</script></svg><math>y</math> <noscript>n</noscript> <div>unwrapped</div>",
]


@pytest.mark.parametrize("markup", _HOSTILE)
def test_reused_sanitizer_is_nh3_clean_with_our_options(markup: str) -> None:
    """The sanitizer built once gives what ``nh3.clean`` gives with the same options."""
    assert sanitize(markup) == nh3.clean(markup, **_NH3_OPTIONS).strip()


def _html_fragment(markup: str) -> lxml.html.HtmlElement:
    """What ``_parse_fragment`` did with ``lxml.html``'s parser, the reference for plain trees."""
    root = lxml.html.Element("div")
    if not markup.strip():
        return root
    doc = lxml.html.document_fromstring(f"<html><body><div>{markup}</div></body></html>")
    body = doc.find("body")
    assert body is not None
    nodes = list(body)
    if len(nodes) == 1 and nodes[0].tag == "div" and not (body.text or "").strip():
        return nodes[0]
    root.text = body.text
    root.extend(nodes)
    return root


_FRAGMENTS = [
    *_HOSTILE,
    (DATA / "feed_content.html").read_text("utf-8"),
    'lead text</div><p>after a stray close</p><noscript><img src="/real.jpg"></noscript>',
    '<img src="data:," data-src="/lazy.jpg"> tail <pre>  a\n  b </pre> <!-- c --> end',
    "<html><head><title>t</title></head><body>whole <b>document</b></body></html>",
    "<div>only one div</div>",
    "<?pi x?><p>a processing instruction</p>",
]


def _same_as_lxml_html(markup: str) -> None:
    ours = clean_module._parse_fragment(markup)
    assert not isinstance(ours, lxml.html.HtmlElement)
    theirs = _html_fragment(markup)
    assert lxml.html.tostring(ours) == lxml.html.tostring(theirs)
    assert clean_tree(ours, BASE) == clean_tree(theirs, BASE)
    assert html_to_text(markup) == clean_module.tree_to_text(_drop_all(_html_fragment(markup)))


def _drop_all(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    clean_module._drop_dangerous(root)
    return root


@pytest.mark.parametrize("markup", _FRAGMENTS)
def test_fragments_clean_as_with_lxml_html_elements(markup: str) -> None:
    _same_as_lxml_html(markup)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<p>", "</p>", "<div>", "</div>", "<script>", "</script>", "<noscript>", "<img ",
             'src="/a.png">', "<pre>", "</pre>", "<!-- c -->", "<a href='/x?utm_source=y'>",
             "</a>", " word ", "\n", "&amp;", "<b>", "</b>", "<svg>", "<br>", "tail"]
        ),
        max_size=25,
    ).map("".join)
)  # fmt: skip
def test_random_fragments_clean_as_with_lxml_html_elements(markup: str) -> None:
    _same_as_lxml_html(markup)
