"""Tidying of the body ``ingest.extract_body`` picked (its step 4), in place.

Drops headlines and figure captions, the tail of the story after a boilerplate heading ("You may
also like", "Recent Posts", "Newsletter"...), furniture lines, link lists, a heading repeating the
title, and leaf blocks that repeat what the body already said. It does not choose the body, look
at metadata or sanitize (``ingest.extract_body``, ``ingest.extract_meta`` and ``ingest.clean``).
"""

from __future__ import annotations

import re

from lxml import etree

from ingest.extract_body import leaf_blocks, remove
from ingest.extract_rules import BOILERPLATE_HEADING_RE, CHROME_LINE_RE, SCORED_TAGS
from ingest.extract_tree import link_density, text_content, text_of

__all__ = ["drop_repeats", "tidy"]

_WORD = re.compile(r"\w+")
_INLINE = frozenset({"strong", "b", "span"})
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# Containers dropped when they are mostly links.
_LISTS_OF_LINKS = frozenset({"ul", "ol", "div", "section", "table", "dl"})
_CONTAINERS = frozenset({"div", "section", "ul", "ol", "table", "dl", "figure", "span", "p"})


def _cut_after(el: etree._Element, container: etree._Element) -> None:
    """Remove ``el`` and everything after it, up to ``container``."""
    node = el
    while node is not None and node is not container:
        parent = node.getparent()
        for sib in list(node.itersiblings()):
            remove(sib)
        if node is el:
            remove(node)
        node = parent


def _short_text(el: etree._Element, limit: int) -> str | None:
    """``text_of(el)`` when it is shorter than ``limit``, else None (long texts uncollapsed:
    the collapsed start of a text is a prefix of its collapsed whole)."""
    raw = text_content(el)
    if len(raw) > 4 * limit and len(" ".join(raw[: 4 * limit].split())) >= limit:
        return None
    text = " ".join(raw.split())
    return text if len(text) < limit else None


def tidy(body: etree._Element, title: str | None) -> None:
    """Tidy the chosen body in place (see module docstring, step 4)."""
    for el in list(body.iter("h1", "figcaption")):
        remove(el)
    total = 0  # the body's text length, computed when first needed (nothing changed before)
    for el in list(body.iter(*_HEADINGS, "p", "div", "strong", "b", "span", "li")):
        if el.getparent() is None:
            continue
        text = _short_text(el, 60)  # only a short block can be a boilerplate heading
        if not text:
            continue
        if el.tag in _INLINE:
            parent = el.getparent()
            if parent is None or text_of(parent) != text:
                continue
        if BOILERPLATE_HEADING_RE.match(text):
            total = total or len(text_of(body)) or 1
            position = _chars_before(body, el)
            if position > 0.5 * total or el.tag in _HEADINGS:
                if position > 0.3 * total:
                    _cut_after(el, body)
                    break
                remove(el)
                continue
    for el in list(body.iter()):
        if el.getparent() is None or not isinstance(el.tag, str):
            continue
        tag = el.tag
        if tag not in _CONTAINERS and tag not in _HEADINGS and tag != "li":
            continue
        if tag in _LISTS_OF_LINKS or (title and tag in _HEADINGS):
            text = text_of(el)
        else:  # only a short text can be furniture here: a long one is not collapsed
            short = _short_text(el, 200)
            if short is None:
                continue
            text = short
        if not text:
            if tag in ("p", "div", "span", "li") and el.find(".//img") is None:
                remove(el)
            continue
        if len(text) < 200 and CHROME_LINE_RE.match(text):
            remove(el)
            continue
        if tag in _LISTS_OF_LINKS:
            if link_density(el, len(text)) > 0.6:
                remove(el)
                continue
        elif tag == "p" and len(text) < 200 and link_density(el, len(text)) > 0.9:
            remove(el)
            continue
        if title and tag in _HEADINGS and text == title:
            remove(el)
    drop_repeats(body)


def drop_repeats(body: etree._Element) -> None:
    """Remove leaf blocks whose text repeats what the body already said (teasers, duplicates)."""
    seen: set[tuple[str, ...]] = set()
    has_block = leaf_blocks(body)
    for el in list(body.iter(*SCORED_TAGS, *_HEADINGS)):
        if has_block.get(el, True) or el.getparent() is None:
            continue
        tokens = _WORD.findall(text_of(el).rstrip(".… "))
        grams = (
            set(zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False))
            if len(tokens) > 3
            else {tuple(tokens)}
        )
        if len(tokens) >= 6 and len(grams & seen) >= 0.8 * len(grams):
            remove(el)
        else:
            seen.update(grams)


def _chars_before(body: etree._Element, target: etree._Element) -> int:
    count = 0
    for node in body.iter():
        if node is target:
            return count
        if node.text and isinstance(node.tag, str):
            count += len(node.text.strip())
        if node.tail:
            count += len(node.tail.strip())
    return count
