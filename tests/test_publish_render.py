"""Hostile story fields come out inert: no scripts, no event handlers, no javascript: links."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import settings as settings_h
from hypothesis import strategies as st
from lxml import html as lxml_html

from config.settings import Settings
from publish import meta, render
from publish.listings import Section
from publish.site import build_site
from store.types import AlsoAt, StoredStory

NOW = datetime(2024, 4, 18, tzinfo=UTC)
SCRIPT = "</script><script>alert(1)</script>"
HANDLER = '"><img src=x onerror=alert(1)>'
JS = "javascript:alert(1)"


def hostile() -> StoredStory:
    when = datetime(2024, 4, 17, 9, 0, tzinfo=UTC)
    return StoredStory(
        id=1,
        source="evil",
        guid="g",
        url=JS,
        canonical_url=" JAVASCRIPT:alert(2)",
        title=f"Title {SCRIPT} {HANDLER} <!-- & -->",
        slug="../../../tmp/pwned",
        published=when,
        first_seen=when,
        updated=when,
        agency=f"Agency {SCRIPT}",
        dateline=HANDLER,
        byline=f"Jane {HANDLER}",
        credit_line=None,
        sections=("World",),
        body_text=f"Body {SCRIPT}",
        body_html=(
            f"<p onclick='alert(1)'>Hello</p>{SCRIPT}<a href='{JS}'>click</a>"
            "<a href='/local'>rel</a><img src=x onerror=alert(1)>"
            "<iframe src='https://evil.example'></iframe><style>body{}</style>"
            "<svg onload=alert(1)></svg><form action='https://x'><input></form>"
        ),
        summary=f"Summary {SCRIPT} {HANDLER}",
        also_at=(AlsoAt(f"Other {SCRIPT}", JS, HANDLER), AlsoAt("Fine", "https://ok.example/a")),
        lead_image="javascript:alert(3)",
        rights=HANDLER,
    )


def settings() -> Settings:
    return Settings.model_validate(
        {
            "publish": {"site_title": f"Site {HANDLER}", "base_url": "https://n.example/"},
            "sections": [{"name": "World", "slug": "world"}],
        }
    )


def _all_html() -> dict[str, bytes]:
    pages = build_site([hostile()], settings(), NOW)
    return {p.path: p.content for p in pages if p.path.endswith(".html")}


def test_slug_cannot_escape_its_directory() -> None:
    paths = [p.path for p in build_site([hostile()], settings(), NOW)]
    assert "2024/04/17/tmp-pwned/index.html" in paths
    assert not any(".." in p for p in paths)


def test_no_active_content_in_any_page() -> None:
    pages = _all_html()
    assert len(pages) >= 4
    for path, content in pages.items():
        doc = lxml_html.fromstring(content)
        for script in doc.iter("script"):
            assert script.get("type") == "application/ld+json", path
        assert not list(doc.iter("iframe", "object", "embed", "form", "svg")), path
        for el in doc.iter():
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (path, el.tag, name)
                if name in ("href", "src", "action", "content"):
                    assert "javascript:" not in value.lower().replace(" ", ""), (path, value)
        assert b"<script>alert" not in content, path
        assert b"<img src=x" not in content, path


def test_json_ld_cannot_be_broken_out_of() -> None:
    content = _all_html()["2024/04/17/tmp-pwned/index.html"]
    start = content.index(b'<script type="application/ld+json">')
    end = content.index(b"</script>", start)
    raw = content[start:end].split(b">", 1)[1]
    assert b"<" not in raw and b">" not in raw
    data = json.loads(raw)
    assert data["headline"] == hostile().title  # escaped, not altered
    assert "isBasedOn" not in data  # javascript: original dropped
    assert "image" not in data


def test_hostile_text_is_shown_as_text() -> None:
    doc = lxml_html.fromstring(_all_html()["2024/04/17/tmp-pwned/index.html"])
    assert doc.xpath("string(//h1)") == hostile().title
    assert doc.xpath("string(//p[@class='credit'])") == f"By Jane {HANDLER}, Agency {SCRIPT}"
    assert not doc.xpath("//p[@class='original']")  # no safe URL, no link
    also = doc.xpath("//section[@class='also']//li")
    assert also[0].xpath("a") == [] and also[0].text_content().startswith("Other ")
    assert also[1].xpath("a/@href") == ["https://ok.example/a"]
    body = doc.xpath("//div[@class='story-body']")[0]
    assert body.xpath(".//a/@href") == []  # javascript: and relative hrefs removed
    assert "Hello" in body.text_content()


def test_clean_body_keeps_ordinary_markup_and_demotes_h1() -> None:
    html = (
        '<h1>Head</h1><p>Para <a href="https://a.example/x">link</a> <em>em</em></p>'
        '<blockquote>q</blockquote><ul><li>i</li></ul><a href="#n">n</a>'
    )
    out = meta.clean_body(html)
    assert out.startswith("<h2>Head</h2>")
    assert '<a href="https://a.example/x" rel="noopener noreferrer">link</a>' in out
    assert "<blockquote>q</blockquote>" in out and "<li>i</li>" in out
    assert 'href="#n"' in out


def test_json_ld_escapes_markup_characters() -> None:
    out = meta.json_ld({"a": "</script><b>&\u2028"})
    assert out == '{"a":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u2028"}'
    assert json.loads(out) == {"a": "</script><b>&\u2028"}


def test_credit_text_fallbacks() -> None:
    base: dict[str, Any] = {"credit_line": None, "byline": None, "agency": None}

    def story(**kw: Any) -> StoredStory:
        s = hostile()
        fields = {f: getattr(s, f) for f in s.__dataclass_fields__}
        fields.update(base)
        fields.update(kw)
        return StoredStory(**fields)

    assert meta.credit_text(story(credit_line=" — Reuters ")) == "— Reuters"
    assert meta.credit_text(story(byline="Jane Doe", agency="AP")) == "By Jane Doe, AP"
    assert meta.credit_text(story(byline="Jane Doe")) == "By Jane Doe"
    assert meta.credit_text(story(agency="AFP")) == "— AFP"
    assert meta.credit_text(story()) is None


def test_describe_shortens_at_word_boundary() -> None:
    text = "word " * 100
    out = meta.shorten(text, 30)
    assert len(out) <= 30 and out.endswith("…") and "  " not in out
    assert meta.shorten("short  text\n here") == "short text here"


_HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from(list("<>&\"'/=:; abcSCRIPTscript()`\\-!\u2028é")), max_size=60
)


@settings_h(max_examples=60, deadline=None)
@given(title=_HOSTILE_TEXT, byline=_HOSTILE_TEXT, dateline=_HOSTILE_TEXT)
def test_any_text_in_fields_renders_as_the_same_text(
    title: str, byline: str, dateline: str
) -> None:
    base = hostile()
    fields = {f: getattr(base, f) for f in base.__dataclass_fields__}
    fields.update(title=title or "t", byline=byline or None, dateline=dateline or None)
    fields.update(credit_line=None, agency=None, body_html="<p>b</p>", also_at=())
    story = StoredStory(**fields)
    sec = Section("World", "world")
    site = render.Site(
        "S", "https://n.example/", (sec,), {1: "2024/04/17/x/index.html"}, {1: (sec,)}
    )
    content = render.render_story(site, story, neighbours=None, related=())
    doc = lxml_html.fromstring(content)
    assert doc.xpath("string(//h1)") == story.title
    if story.byline and story.byline.strip():
        assert doc.xpath("string(//p[@class='credit'])") == f"By {story.byline.strip()}"
    if story.dateline:
        assert doc.xpath("string(//span[@class='dateline'])") == story.dateline
    assert [s.get("type") for s in doc.iter("script")] == ["application/ld+json"]
    ld = json.loads(doc.xpath("//script")[0].text)
    assert ld["headline"] == story.title
