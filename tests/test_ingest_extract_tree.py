"""Tests for ingest.extract_tree and the shortcuts of the extractor that must not change results.

The page tree is parsed with plain lxml elements instead of ``lxml.html``'s for speed: the
trees, texts and serialisations must be the same. Shortcuts elsewhere in extraction (bounded
texts, memoised class tests, the bottom-up block map, the control-character check) are checked
against the plain computation they replace.
"""

from __future__ import annotations

import random
import re

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ingest.extract import _CONTROL, _clean_utf8, _parse
from ingest.extract_body import (
    BLOCK_TAGS,
    _body_ancestors,
    _body_class,
    _body_value,
    leaf_blocks,
)
from ingest.extract_body import prune as prune_page
from ingest.extract_rules import BODY_RE, BODY_WORDS
from ingest.extract_tidy import _short_text
from ingest.extract_tree import (
    collapse,
    link_density,
    new_element,
    parse_document,
    parse_utf8,
    text_content,
    text_of,
)

PAGE = """<!DOCTYPE html><html><head><title>A  title</title>
<script type="application/ld+json">{"@type": "NewsArticle"}</script></head>
<body><!-- c --><header class="siteHeader"><nav><a href="/">Home</a> <a href="/w">World</a></nav>
</header><div id="main" class="storyBody"><h1>Headline</h1><p>First,  para\u00a0graph
with <a href="/x">a link</a> and <b>bold</b>.</p><p>Second &amp; last\u2003paragraph.</p>
<pre>  keep   this  </pre></div><footer>Footer text</footer></body></html>"""


def test_same_tree_as_lxml_html() -> None:
    ours = parse_document(PAGE)
    theirs = lxml.html.document_fromstring(PAGE)
    assert etree.tostring(ours, method="html") == etree.tostring(theirs, method="html")
    assert not isinstance(ours, lxml.html.HtmlElement)  # the point: no Python-level lookup
    for a, b in zip(ours.iter(), theirs.iter(), strict=True):
        if isinstance(a.tag, str):
            assert text_content(a) == b.text_content()


def test_empty_document_raises_like_lxml_html() -> None:
    for markup in ("", "<!-- only a comment -->"):
        with pytest.raises((etree.ParserError, ValueError)) as ours:
            parse_document(markup)
        with pytest.raises(type(ours.value)):
            lxml.html.document_fromstring(markup)


def test_new_element_serialises_like_lxml_html() -> None:
    ours, theirs = new_element("div"), lxml.html.Element("div")
    ours.text = theirs.text = "x < y"
    assert etree.tostring(ours, method="html") == etree.tostring(theirs, method="html")


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list(" \t\n\r\f\v\x1c\x1f\x85\u00a0\u2003\u3000ab.")), max_size=40
    )
)
def test_collapse_is_the_regex_it_replaces(text: str) -> None:
    assert collapse(text) == re.sub(r"\s+", " ", text).strip()


def test_text_of_and_link_density() -> None:
    doc = parse_document(PAGE)
    body = doc.find("body")
    assert body is not None
    expected = re.sub(r"\s+", " ", lxml.html.document_fromstring(PAGE).find("body").text_content())
    assert text_of(body) == expected.strip()
    para = doc.find(".//p")
    assert para is not None
    assert link_density(para) == pytest.approx(len("a link") / len(text_of(para)))


def test_short_text_is_text_of_when_short() -> None:
    rng = random.Random(5)
    for _ in range(500):
        words = [
            rng.choice(["a", "bb", " ", "\n", "ccc  ", "\u00a0"])
            for _ in range(rng.randint(0, 400))
        ]
        el = new_element("p")
        el.text = "".join(words)
        full = text_of(el)
        for limit in (1, 60, 200):
            assert _short_text(el, limit) == (full if len(full) < limit else None)


def test_leaf_blocks_in_reverse_document_order() -> None:
    doc = parse_document(PAGE)
    expected: dict[etree._Element, bool] = {}
    for el in reversed(list(doc.iter())):
        expected[el] = any(
            isinstance(c.tag, str) and (c.tag in BLOCK_TAGS or expected.get(c, False)) for c in el
        )
    got = leaf_blocks(doc)
    assert list(got.items()) == list(expected.items())  # same values, same order (ties in pick)


def _plain_marked(cls: str | None, ident: str | None) -> bool:
    """What the extractor first computed: BODY_RE over the normalised "class id" string."""
    raw = f"{cls or ''} {ident or ''}"
    attrs = re.sub(r"([a-z])([A-Z])", r"\1-\2", raw).lower().strip() if raw.strip() else ""
    return bool(attrs and BODY_RE.search(attrs))


_VALUES = [
    None, "", " ", "storyBody", "ArticleBody", "entry-content", "field-nameBody", "td-post-content",
    "article__body", "POST-CONTENT", "richText", "main", "body", "content", "x y entryContent",
    "İtext", "blogPost", "sidebar", "post", "a\u00a0b", "rich-text menu", "singlePost footer",
]  # fmt: skip


def test_body_marking_matches_the_plain_computation() -> None:
    for cls in _VALUES:
        for ident in _VALUES:
            fast = bool((cls is not None and _body_class(cls)) or (ident and _body_value(ident)))
            assert fast == _plain_marked(cls, ident), (cls, ident)


def test_every_body_alternative_holds_a_body_word() -> None:
    for alternative in BODY_RE.pattern.split("|"):
        literal = alternative.replace("[-_]?", "")
        assert any(word in literal for word in BODY_WORDS), alternative


def test_body_ancestors_finds_the_marked_body() -> None:
    doc = parse_document(PAGE.replace("Second", "Second " + "long text " * 30))
    found = _body_ancestors(doc)
    body = doc.find(".//div[@id='main']")
    assert body in found and doc in found  # marked body and its ancestors
    assert doc.find(".//header") not in found


def _plain_body_ancestors(root: etree._Element) -> set[etree._Element]:
    """What ``_body_ancestors`` first computed: every element's marks, tested one by one."""
    found: set[etree._Element] = set()
    for el in root.iter(etree.Element):
        marked = _plain_marked(el.get("class"), el.get("id"))
        if (marked or el.get("itemprop") == "articleBody") and len(text_of(el)) >= 200:
            found.add(el)
            found.update(el.iterancestors())
    return found


def _random_page(rng: random.Random) -> str:
    marks = ["storyBody", "entry-content", "sidebar", "x", "", "post", "articleBody"]

    def block(depth: int) -> str:
        if depth > 4 or rng.random() < 0.3:
            return ("word " * rng.randint(0, 90)) + rng.choice(["", "\n  ", "é’ "])
        attr = rng.choice(["class", "id", "itemprop", "title"])
        inner = "".join(
            block(depth + 1) + rng.choice(["", " tail ", "<!-- c -->" + "t" * rng.randint(0, 150)])
            for _ in range(rng.randint(0, 4))
        )
        return f'<div {attr}="{rng.choice(marks)}">{rng.choice(["", "lead  "])}{inner}</div>'

    return f"<html><body>{block(0)}<!-- end -->{block(0)}</body></html>"  # fmt: skip


def test_body_ancestors_is_the_plain_computation() -> None:
    rng = random.Random(11)
    for _ in range(400):
        doc = parse_document(_random_page(rng))
        assert _body_ancestors(doc) == _plain_body_ancestors(doc)
        raw = text_content(doc)
        assert _body_ancestors(doc, len(raw)) == _plain_body_ancestors(doc)


def test_prune_on_plain_and_html_trees_agree() -> None:
    ours = parse_document(PAGE)
    theirs = lxml.html.document_fromstring(PAGE)
    prune_page(ours)
    prune_page(theirs)
    assert etree.tostring(ours, method="html") == etree.tostring(theirs, method="html")


@pytest.mark.parametrize(
    ("text", "dirty"),
    [("plain ascii\n\t\r", False), ("é ’ 😀", False), ("a\x01b", True), ("é\x1f", True),
     ("\ud800", True), ("\x7f\x85", False), ("", False)],
)  # fmt: skip
def test_text_with_control_characters_or_surrogates_is_scrubbed(text: str, dirty: bool) -> None:
    assert (_clean_utf8(text) is None) is dirty
    clean = not _CONTROL.search(text) and not re.search("[\ud800-\udfff]", text)
    assert clean is not dirty


_CHARSET_PAGES = [
    PAGE,
    '<html><head><meta charset="iso-8859-1"></head><body><p>é ’ ü 日本 😀</p></body></html>',
    '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"><p>€ – é</p>',
    '<html><head><meta charset="utf-16"></head><body><p>\ufeffa\u00a0b &amp; &eacute;</p>',
    "\ufeff<p>BOM first</p>",
    "<p>unclosed <b>bold <i>italic</p> tail",
]


@pytest.mark.parametrize("markup", _CHARSET_PAGES)
def test_utf8_bytes_parse_to_the_same_tree(markup: str) -> None:
    """``_parse`` hands lxml the UTF-8 bytes: the tree is the one the ``str`` gives, whatever
    charset the page declares."""
    expected = etree.tostring(parse_document(markup), encoding="unicode")
    assert etree.tostring(parse_utf8(markup.encode()), encoding="unicode") == expected
    parsed = _parse(markup)
    assert parsed is not None
    assert etree.tostring(parsed, encoding="unicode") == expected


def test_utf8_parse_of_an_empty_document_raises() -> None:
    with pytest.raises((etree.ParserError, ValueError)):
        parse_utf8(b"<!-- only a comment -->")
