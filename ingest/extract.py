"""Full-text extraction: from an article page's HTML to its story body and metadata.

``extract_article(html, url, rules)`` parses the page once with lxml (``ingest.extract_tree``:
plain elements, not ``lxml.html``'s slower ones), reads metadata
(``ingest.extract_meta``), applies the source's own rules when given (``drop`` selectors removed,
``body`` selector used as the body), otherwise finds the body generically
(``ingest.extract_body``), weighs a schema.org ``articleBody`` against it, and hands the body to
``ingest.clean`` (sanitizer last). It never raises: malformed, empty or binary-ish input gives an
``Article`` with empty text.

Why lxml and not BeautifulSoup here: on the dev pages a bs4+lxml parse costs ~10x an lxml.html
parse (see bench/extraction.py), and extraction is the pipeline's CPU hot spot. bs4 remains the
tool for small trees elsewhere. This module does not fetch, decode bytes (``decode_html``), or
attribute stories.
"""

from __future__ import annotations

import html as htmllib
import re

from lxml import etree

from config.settings import ExtractRules
from ingest.clean import clean_tree
from ingest.clean_text import replace_surrogates
from ingest.extract_body import pick, prune, text_of
from ingest.extract_meta import PageMeta, extract_meta
from ingest.extract_template import drop_boilerplate
from ingest.extract_tidy import tidy
from ingest.extract_tree import new_element, parse_document, parse_utf8
from ingest.types import Article

__all__ = ["extract_article"]

_EMPTY = Article(text="", html="")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_MIN_JSONLD = 400
_XML_DECL = re.compile(r"\s*<\?xml")  # ``markup.lstrip().startswith("<?xml")``, without a copy


def _clean_utf8(html: str) -> bytes | None:
    """``html`` as UTF-8, or None when it holds control characters or lone surrogates (which
    lxml chokes on).

    Two regex scans of a whole page cost more than parsing it; encoding to UTF-8 (which fails
    on surrogates) and deleting control bytes are plain C loops. UTF-8 encodes every character
    above U+007F with bytes >= 0x80, so a control byte is a control character. The bytes are
    then what gets parsed: lxml turns a ``str`` into UTF-8 itself, a second copy of the work.
    """
    try:
        return _without_controls(html.encode("utf-8"))
    except UnicodeEncodeError:
        return None


def _without_controls(raw: bytes) -> bytes | None:
    """``raw`` (UTF-8), or None when it holds a control byte (see ``_clean_utf8``)."""
    return raw if len(raw.translate(None, _CONTROL_BYTES)) == len(raw) else None


def _parse(html: str, page_bytes: bytes | None = None) -> etree._Element | None:
    if not html or html.isspace():
        return None
    # ``page_bytes``: ``html.encode("utf-8")`` already at hand (``clean_text.decode_page``)
    raw = _clean_utf8(html) if page_bytes is None else _without_controls(page_bytes)
    markup = replace_surrogates(_CONTROL.sub("", html)) if raw is None else html
    if _XML_DECL.match(markup):  # lxml refuses str input with an encoding declaration
        markup = re.sub(r"^\s*<\?xml[^>]*>", "", markup)
        raw = None
    try:
        doc = parse_document(markup) if raw is None else parse_utf8(raw)
    except (etree.ParserError, ValueError):
        return None
    return doc


def _select(doc: etree._Element, selector: str) -> list[etree._Element]:
    from lxml.cssselect import CSSSelector  # only sources with rules pay the import

    try:
        return list(CSSSelector(selector, translator="html")(doc))
    except Exception:  # invalid selector: the rule is ignored, the generic path runs
        return []


def _apply_rules(doc: etree._Element, rules: ExtractRules) -> etree._Element | None:
    for selector in rules.drop:
        for el in _select(doc, selector):
            if el.getparent() is not None:
                el.getparent().remove(el)
    if not rules.body:
        return None
    found = _select(doc, rules.body)
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    wrapper = new_element("div")
    for el in found:
        wrapper.append(el)
    return wrapper


def _jsonld_tree(body: str) -> etree._Element:
    wrapper = new_element("div")
    for para in re.split(r"\n\s*\n|\r\n\s*\r\n|\n", body):
        para = para.strip()
        if para:
            p = etree.SubElement(wrapper, "p")
            p.text = htmllib.unescape(para)
    return wrapper


def _article(body: etree._Element | None, meta: PageMeta, url: str) -> Article:
    cleaned = clean_tree(body, meta.canonical_url or url or None) if body is not None else None
    return Article(
        text=cleaned.text if cleaned else "",
        html=cleaned.html if cleaned else "",
        title=meta.title,
        byline=meta.byline,
        published=meta.published,
        canonical_url=meta.canonical_url,
        lead_image=meta.lead_image,
        license_url=meta.license_url,
    )


def _extract(
    html: str,
    url: str,
    rules: ExtractRules | None,
    boilerplate: frozenset[str],
    page_bytes: bytes | None = None,
) -> Article:
    doc = _parse(html, page_bytes)
    if doc is None:
        return _EMPTY
    meta = extract_meta(doc, url)
    drop_boilerplate(doc, boilerplate)  # the host's learned template, before any scoring
    if rules is not None and (rules.body or rules.drop):
        chosen = _apply_rules(doc, rules)
        if chosen is not None:
            prune_root = chosen
            prune(prune_root)
            return _article(chosen, meta, url)
    prune(doc)
    body = pick(doc)
    if body is not None:
        tidy(body, meta.title)
    ld_body = meta.article_body
    if ld_body and len(ld_body) >= _MIN_JSONLD:
        dom_len = len(text_of(body)) if body is not None else 0
        if dom_len < 0.6 * len(ld_body):
            body = _jsonld_tree(ld_body)
    return _article(body, meta, url)


def extract_article(
    html: str,
    url: str,
    rules: ExtractRules | None = None,
    boilerplate: frozenset[str] = frozenset(),
    *,
    page_bytes: bytes | None = None,
) -> Article:
    """Extract the story body and metadata of an article page; never raises.

    ``boilerplate``: block keys the host's other pages share (``ingest.extract_template``).
    ``page_bytes``: ``html``'s UTF-8 encoding when the caller already holds it (the fetched
    bytes, see ``clean_text.decode_page``), parsed directly instead of encoding ``html`` again.
    Only a hint: it must be exactly ``html.encode("utf-8")``, and the result is the same
    without it.
    """
    try:
        if not isinstance(html, str):
            html, page_bytes = str(html or ""), None
        elif page_bytes is not None and not isinstance(page_bytes, bytes):
            page_bytes = None
        return _extract(html, url or "", rules, boilerplate, page_bytes)
    except Exception:  # a page must never take the pipeline down
        return _EMPTY
