"""Property tests (hypothesis) on the ingest stages that read hostile input.

parse_feed raises nothing but ParseError; clean_html, extract_article and attribute never raise.
Invariants: sanitized HTML holds no executable construct (tests/hostile_checks.py judges), text
holds no control character (but tab and newline), bidi override or lone surrogate, and parsed
links are http(s) or absent. Inputs are built from markup fragments known to trouble parsers and
sanitizers, mixed with arbitrary text (surrogates and controls included), so that hypothesis
explores the hostile corners rather than plain words. Each test stays under a few seconds.
"""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.attribute import attribute
from ingest.clean import clean_html
from ingest.errors import ParseError
from ingest.extract import extract_article
from ingest.parse import parse_feed
from ingest.types import Body
from tests.hostile_checks import CONTROL_CHARS, unsafe_in_html

FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
ANY_CHAR = st.characters(codec=None, categories=None)  # surrogates and controls included
FRAGMENTS = [
    "<script>alert(1)</script>", "<script", "</script>", "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">', '<a href=" java\tscript:alert(1)">', "<a href=data:x>",
    "<svg onload=alert(1)>", "<svg><script>", "<math><mtext><table><mglyph><style><!--",
    "</style><img title=\"--><img src=1 onerror=alert(1)>\">", "<noscript><p title=\"",
    "</noscript><img src=x onerror=alert(1)>\">", "<style>", "</style>", "<iframe srcdoc=",
    "<object data=javascript:alert(1)>", "<p style=\"width:expression(alert(1))\">", "<p>",
    "</p>", "<div>", "</div>", "<pre>", "</pre>", "<br>", "<!--", "-->", "<![CDATA[", "]]>",
    "&lt;script&gt;", "&amp;", "&#0;", "&#x1b;", "&#xD800;", "&#x110000;", "&#99999999999;",
    "\x00", "\x1b[31m", "\u202e", "\u2066", "\ud800", "\r\n", "\t", "<a href=", "\"", "'",
    "=", ">", "<", " onclick=alert(1) ", "<details open ontoggle=alert(1)>", "<base href=x>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">", "<form action=javascript:x>",
    "<template>", "<xmp>", "<textarea>", "<title>", "<math href=javascript:alert(1)>", "é", "—",
    "Reuters", "(AP) —", "WASHINGTON (Reuters) - ", "By Jane Doe", "<h1>", "<article>",
]  # fmt: skip
MARKUP = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(ANY_CHAR, max_size=12)), max_size=40
).map("".join)
TEXT = st.text(ANY_CHAR, max_size=60)


def _text_ok(text: str) -> None:
    text.encode("utf-8")  # no lone surrogate
    assert not set(text) & CONTROL_CHARS, repr(text)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@FAST
@given(st.binary(max_size=400))
def test_parse_feed_on_arbitrary_bytes_raises_only_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_feed(body, "https://example.org/feed", "application/rss+xml")


@FAST
@given(title=MARKUP, desc=MARKUP, link=TEXT, raw=st.booleans(), atom=st.booleans())
def test_parse_feed_on_hostile_items_keeps_its_invariants(
    title: str, desc: str, link: str, raw: bool, atom: bool
) -> None:
    def put(text: str) -> str:
        return text if raw else _xml_escape(text)  # raw: broken XML, the lenient parser's turn

    if atom:
        doc = (
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry><id>urn:x:1</id>'
            f'<title type="html">{put(title)}</title><link href="{put(link)}"/>'
            f'<content type="html">{put(desc)}</content><author><name>{put(title)}</name>'
            "</author></entry></feed>"
        )
    else:
        doc = (
            '<rss version="2.0"><channel><title>F</title><item>'
            f"<title>{put(title)}</title><link>{put(link)}</link><guid>{put(link)}</guid>"
            f"<description>{put(desc)}</description><category>{put(title)}</category>"
            "</item></channel></rss>"
        )
    try:
        feed = parse_feed(doc.encode("utf-8", "surrogatepass"), "https://example.org/feed")
    except ParseError:
        return
    for entry in feed.entries:
        for text in (entry.title, entry.guid or "", *entry.authors, *entry.tags):
            _text_ok(text)
            assert "\n" not in text
        assert entry.link is None or entry.link.startswith(("http://", "https://"))


@FAST
@given(title=TEXT, content=MARKUP, url=TEXT, ident=st.one_of(TEXT, st.integers()))
def test_parse_json_feed_keeps_its_invariants(
    title: str, content: str, url: str, ident: str | int
) -> None:
    item = {"id": ident, "title": title, "url": url, "content_html": content,
            "authors": [{"name": title}], "tags": [title]}  # fmt: skip
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": title, "items": [item]}
    try:
        feed = parse_feed(json.dumps(doc).encode(), "https://example.org/feed.json")
    except ParseError:
        return
    for entry in feed.entries:
        for text in (entry.title, entry.guid or "", *entry.authors, *entry.tags):
            _text_ok(text)
        assert entry.link is None or entry.link.startswith(("http://", "https://"))


@FAST
@given(MARKUP)
def test_clean_html_output_is_never_executable(markup: str) -> None:
    body = clean_html(markup, "https://example.org/story")
    assert unsafe_in_html(body.html) == [], (markup, body.html)
    _text_ok(body.html)
    _text_ok(body.text)
    again = clean_html(body.html, "https://example.org/story")  # idempotent on its own output
    assert unsafe_in_html(again.html) == []


@FAST
@given(head=MARKUP, body=MARKUP)
def test_extract_article_never_raises_and_is_never_executable(head: str, body: str) -> None:
    page = f"<html><head>{head}</head><body><article><p>{'Words here. ' * 30}</p>{body}</article>"
    article = extract_article(page, "https://example.org/story")
    assert unsafe_in_html(article.html) == [], (body, article.html)
    _text_ok(article.text)
    for url in (article.canonical_url, article.lead_image):
        assert url is None or url.startswith(("http://", "https://")), url
    for text in (article.title, article.byline):
        if text:
            text.encode("utf-8")


@FAST
@given(markup=MARKUP, authors=st.lists(TEXT, max_size=3), byline=st.one_of(st.none(), TEXT))
def test_attribute_never_raises_and_keeps_clean_text(
    markup: str, authors: list[str], byline: str | None
) -> None:
    body = clean_html(markup, "https://example.org/story")
    credit = attribute(
        Body(html=body.html, text=body.text),
        feed_authors=tuple(authors),
        page_byline=byline,
        default_agency=None,
        site_names=("Example",),
    )
    assert unsafe_in_html(credit.body.html) == []
    _text_ok(credit.body.text)
    for text in (credit.agency, credit.dateline, credit.credit_line):
        if text:
            _text_ok(text)
