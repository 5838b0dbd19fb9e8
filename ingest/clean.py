"""Cleaning of story HTML: one safe, absolute, tracking-free body and its plain-text twin.

``clean_html`` is used for feed-provided content (content:encoded, summaries) and, through
``clean_tree``, for bodies cut out of pages by ``ingest.extract``. Steps, in order: repair text
(mojibake, invisible/control characters, double-escaped entities, whitespace), resolve lazy images
(data-src, srcset, <noscript>), make links and image URLs absolute, strip tracking parameters from
links, and finally sanitize with nh3 and an allowlist (the sanitizer always runs last).
``html_to_text`` renders HTML as paragraphs separated by one blank line. ``decode_html`` (bytes to
str) lives in ``ingest.clean_text`` and is re-exported here.

It does not decide what is article and what is chrome (that is ``ingest.extract``), and never
fetches anything.
"""

from __future__ import annotations

import html as htmllib
import re
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import nh3
from lxml import etree

from ingest.clean_text import (
    collapse_spaces,
    decode_html,
    fix_mojibake,
    remove_invisible,
    replace_surrogates,
    words,
)
from ingest.extract_tree import new_element, parse_document
from ingest.types import Body
from ingest.urls import strip_tracking

__all__ = ["clean_html", "clean_tree", "decode_html", "html_to_text", "tree_to_text"]

# --- sanitizer allowlist (nh3) -------------------------------------------------------------------
ALLOWED_TAGS = frozenset(
    words(
        "p br hr a em strong b i u s sub sup small mark abbr cite q code pre kbd blockquote "
        "ul ol li dl dt dd h2 h3 h4 h5 h6 figure figcaption img table caption thead tbody "
        "tfoot tr th td time span "
    )
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Dropped with their content (everything else not allowed is unwrapped, its text kept).
DROP_WITH_CONTENT = frozenset(
    words(
        "script style iframe object embed template svg math canvas noscript select textarea "
        "button head title frame frameset applet "
    )
)

# Tags whose boundaries are paragraph boundaries in plain text.
BLOCK_TAGS = frozenset(
    words(
        "p div section article main header footer aside nav h1 h2 h3 h4 h5 h6 ul ol li dl dt "
        "dd blockquote pre figure figcaption table thead tbody tfoot tr caption hr address "
        "details summary form fieldset center body html "
    )
)
_LAZY_SRC = (
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-lazy",
    "data-url",
    "data-hi-res-src",
)
_LAZY_SRCSET = ("data-srcset", "data-lazy-srcset", "srcset")
_ESCAPED_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
_URL_ATTRS = (("a", "href"), ("img", "src"), ("blockquote", "cite"), ("q", "cite"))


def _fix_text(text: str) -> str:
    text = remove_invisible(fix_mojibake(text))
    if "&" in text and _ESCAPED_ENTITY.search(text):  # double-escaped in the source
        text = htmllib.unescape(text)
    return text


def _parse_fragment(markup: str) -> etree._Element:
    """Parse an HTML fragment (or a whole document) into a <div> root; never raises.

    Plain lxml elements, as for pages (``ingest.extract_tree``): the same tree as
    ``lxml.html.document_fromstring``'s without its per-element Python class lookup."""
    root = new_element("div")
    if not markup.strip():
        return root
    try:
        doc = parse_document(f"<html><body><div>{markup}</div></body></html>")
    except (etree.ParserError, ValueError):
        return root
    body = doc.find("body")
    if body is None:
        return root
    nodes = list(body)
    if len(nodes) == 1 and nodes[0].tag == "div" and not (body.text or "").strip():
        return nodes[0]
    root.text = body.text
    root.extend(nodes)
    return root


def _best_from_srcset(srcset: str) -> str | None:
    best, best_w = None, -1.0
    for part in srcset.split(","):
        bits = part.strip().split()
        if not bits or bits[0].startswith("data:"):
            continue
        weight = 0.0
        if len(bits) > 1:
            try:
                weight = float(bits[1][:-1])
            except ValueError:
                weight = 0.0
        if weight > best_w:
            best, best_w = bits[0], weight
    return best


def _resolve_lazy_images(root: etree._Element) -> None:
    for noscript in list(root.iter("noscript")):
        imgs = list(noscript.iter("img"))
        if not imgs:
            continue
        prev = noscript.getprevious()
        if prev is not None and prev.tag == "img":  # the placeholder the script would swap
            prev.getparent().remove(prev)
        parent = noscript.getparent()
        if parent is not None:
            index = parent.index(noscript)
            for offset, img in enumerate(imgs):
                img.tail = None
                parent.insert(index + offset, img)
    for img in root.iter("img"):
        src = (img.get("src") or "").strip()
        lazy = next((img.get(a) for a in _LAZY_SRC if img.get(a)), None)
        if lazy and (not src or src.startswith("data:") or "placeholder" in src or "blank" in src):
            img.set("src", lazy.strip())
        elif not src or src.startswith("data:"):
            srcset = next((img.get(a) for a in _LAZY_SRCSET if img.get(a)), None)
            chosen = _best_from_srcset(srcset) if srcset else None
            if chosen:
                img.set("src", chosen)


def _absolutize(root: etree._Element, base_url: str | None) -> None:
    for tag, attr in _URL_ATTRS:
        for el in root.iter(tag):
            value = (el.get(attr) or "").strip()
            if not value:
                continue
            if base_url:
                try:
                    value = urljoin(base_url, value)
                except ValueError:
                    continue
            if tag == "a":
                value = strip_tracking(value)
            el.set(attr, value)


def _normalize_text_nodes(root: etree._Element) -> None:
    # Elements with a <pre> above them (root's own ancestors too): one pass, not a walk up the
    # tree from every element.
    root_in_pre = any(a.tag == "pre" for a in root.iterancestors())
    in_pre = {d for pre in root.iter("pre") for d in pre.iterdescendants()}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        parent_in_pre = root_in_pre or el in in_pre
        if el.text:
            t = _fix_text(el.text)
            el.text = t if parent_in_pre or el.tag == "pre" else collapse_spaces(t)
        if el.tail:
            t = _fix_text(el.tail)
            el.tail = t if parent_in_pre else collapse_spaces(t)
        for attr in ("alt", "title"):
            if el.get(attr):
                el.set(attr, collapse_spaces(_fix_text(el.get(attr) or "")).strip())


def _drop_dangerous(root: etree._Element) -> None:
    for el in list(root.iter()):
        if el is root:
            continue
        if not isinstance(el.tag, str) or el.tag in DROP_WITH_CONTENT:
            el.drop_tree() if hasattr(el, "drop_tree") else _remove(el)


def _remove(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


_NH3_OPTIONS: dict[str, Any] = {
    "tags": set(ALLOWED_TAGS),
    "clean_content_tags": set(DROP_WITH_CONTENT),
    "attributes": {k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
    "url_schemes": set(URL_SCHEMES),
    "link_rel": "noopener noreferrer nofollow",
    "strip_comments": True,
}
# One sanitizer built once (nh3 >= 0.3): ``nh3.clean`` builds it again from the options on
# every call, a third of its time on a story body. Same options, same output.
_CLEANER = nh3.Cleaner(**_NH3_OPTIONS) if hasattr(nh3, "Cleaner") else None


def sanitize(markup: str) -> str:
    """The last step: nh3 with our allowlist (no scripts, handlers, javascript:/data: URLs)."""
    if _CLEANER is not None:
        return _CLEANER.clean(markup).strip()  # type: ignore[no-any-return]
    return nh3.clean(markup, **_NH3_OPTIONS).strip()


def clean_tree(root: etree._Element, base_url: str | None) -> Body:
    """Clean an already parsed element in place and return its safe HTML and text."""
    _resolve_lazy_images(root)
    _drop_dangerous(root)
    _absolutize(root, base_url)
    _normalize_text_nodes(root)
    text = tree_to_text(root)
    inner = ((root.text and htmllib.escape(root.text, quote=False)) or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )
    return Body(html=sanitize(inner), text=text)


def clean_html(html: str, base_url: str | None) -> Body:
    """Clean a fragment of HTML (feed content or summary); never raises."""
    if isinstance(html, str) and (base_url is None or isinstance(base_url, str)):
        return _clean_html_memo(html, base_url)
    return _clean_html(html, base_url)


@lru_cache(maxsize=8)
def _clean_html_memo(html: str, base_url: str | None) -> Body:
    """A feed item's summary is cleaned twice (as the body when there is no content, and as the
    summary): the result is a frozen value, so the second call reuses the first."""
    return _clean_html(html, base_url)


def _clean_html(html: str, base_url: str | None) -> Body:
    try:
        if not html or not html.strip():
            return Body(html="", text="")
        return clean_tree(_parse_fragment(replace_surrogates(html)), base_url)
    except Exception:  # pragma: no cover - last resort for hostile markup
        text = collapse_spaces(remove_invisible(re.sub(r"<[^>]*>", " ", html or ""))).strip()
        return Body(html=htmllib.escape(text), text=text)


def tree_to_text(root: etree._Element) -> str:
    """Render an element as text: blocks become paragraphs separated by one blank line."""
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        joined = "".join(current)
        current.clear()
        lines = [collapse_spaces(line).strip() for line in joined.split("\n")]
        para = "\n".join(line for line in lines if line)
        if para:
            paragraphs.append(para)

    def add(text: str | None, in_pre: bool) -> None:
        if text:
            current.append(text if in_pre else collapse_spaces(text))

    def walk(el: etree._Element, in_pre: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in DROP_WITH_CONTENT or not tag:
            add(el.tail, in_pre)
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            current.append("\n")
        elif tag in ("td", "th"):
            current.append(" ")
        add(el.text, in_pre or tag == "pre")
        for child in el:
            walk(child, in_pre or tag == "pre")
        if block:
            flush()
        add(el.tail, in_pre)

    walk(root, False)
    flush()
    return "\n\n".join(paragraphs)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, paragraphs split by a blank line; never raises."""
    try:
        root = _parse_fragment(html or "")
        _drop_dangerous(root)
        return tree_to_text(root)
    except Exception:  # pragma: no cover
        return collapse_spaces(re.sub(r"<[^>]*>", " ", html or "")).strip()
