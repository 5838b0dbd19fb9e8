"""The page tree for ``ingest.extract``: parsing, new elements, and the text of a subtree.

Pages are parsed with a plain ``etree.HTMLParser``, not ``lxml.html``'s: the tree is the same
(``lxml.html.HTMLParser`` only adds an element-class lookup), but every element ``lxml.html``
hands to Python goes through that Python-level lookup and becomes an ``HtmlElement``, which made
a walk over a page about 2.5x slower. So nothing here may rely on ``HtmlElement`` methods:
``text_content`` below is exactly what ``HtmlElement.text_content`` computes, for any element.
It reads the text through the text serializer rather than ``HtmlElement``'s XPath ``string()``:
both concatenate the subtree's text nodes (libxml2's node content), but an XPath call sets up
an evaluation context each time, which made the small elements' texts twice as dear.

It does not decide anything about the page (``ingest.extract_body`` does) and does no cleaning.
"""

from __future__ import annotations

from lxml import etree

PAGE_PARSER = etree.HTMLParser()
UTF8_PARSER = etree.HTMLParser(encoding="utf-8")  # the same parser for UTF-8 bytes
_TOSTRING = etree.tostring


def parse_document(markup: str) -> etree._Element:
    """``lxml.html.document_fromstring(markup)`` with plain elements (same errors raised)."""
    doc = etree.fromstring(markup, PAGE_PARSER)
    if doc is None:
        raise etree.ParserError("Document is empty")
    return doc


def parse_utf8(markup: bytes) -> etree._Element:
    """``parse_document(markup.decode())``: the same tree, without lxml converting a ``str``
    (the caller already holds the UTF-8 bytes). Any meta charset of the page is ignored."""
    doc = etree.fromstring(markup, UTF8_PARSER)
    if doc is None:
        raise etree.ParserError("Document is empty")
    return doc


def new_element(tag: str) -> etree._Element:
    """A detached element in a new HTML document (like ``lxml.html.Element``)."""
    return PAGE_PARSER.makeelement(tag)


def text_content(el: etree._Element) -> str:
    """All the text inside ``el`` (its descendants' tails included, its own tail not): the
    XPath ``string(el)``. ``el`` is an element (a comment has no text content here)."""
    text: str = _TOSTRING(el, method="text", encoding="unicode", with_tail=False)
    return text


def collapse(text: str) -> str:
    """Whitespace runs as one space, ends stripped: ``re.sub(r"\\s+", " ", text).strip()``,
    several times faster (``str.split`` and ``\\s`` agree on what whitespace is)."""
    return " ".join(text.split())


def text_of(el: etree._Element) -> str:
    """The text of ``el`` on one line, whitespace collapsed."""
    return " ".join(text_content(el).split())


def link_density(el: etree._Element, text_len: int | None = None) -> float:
    """The share of ``el``'s text that sits inside links (0 for an element with no text)."""
    total = text_len if text_len is not None else len(text_of(el))
    if not total:
        return 0.0
    linked = sum(len(" ".join(text_content(a).split())) for a in el.iter("a"))
    return min(1.0, linked / total)
