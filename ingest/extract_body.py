"""Generic article-body finder for ``ingest.extract``: prune chrome, score blocks, pick the body.

Approach (facts borrowed from Readability and trafilatura, code our own):
1. prune: remove scripts/media/forms controls and furniture recognised by tag (nav, aside,
   footer, header, form), ARIA role, hidden state or class/id vocabulary
   (``ingest.extract_rules``). An element holding most of the page's text is never pruned by
   vocabulary alone, so a body wrapper with an unlucky class survives;
2. score: every paragraph-like block gives 1 + commas + min(len/100, 3), weighted by its
   non-link share, to its parent (full), grandparent (half) and up to three more ancestors
   (1/(3*level)); a container's total gets tag and class/id priors and is scaled by its link
   density;
3. pick the best container, then add siblings that score close to it or read as prose;
4. tidy the body: drop headlines, the tail after a boilerplate heading ("You may also like",
   "Recent Posts", "Newsletter"...), furniture lines and link lists.

It works on an lxml tree parsed once by the caller and mutates it. It does not sanitize, build
text or look at metadata (``ingest.clean`` and ``ingest.extract_meta`` do).
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ingest.extract_rules import (
    BODY_RE,
    BOILERPLATE_HEADING_RE,
    CHROME_LINE_RE,
    CHROME_RE,
    CHROME_ROLES,
    DROP_TAGS,
    NEGATIVE_RE,
    POSITIVE_RE,
    SCORED_TAGS,
    TAG_PRIOR,
    words,
)

_CAMEL = re.compile(r"([a-z])([A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_COMMAS = re.compile(r"[,،、，;]")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_LANDMARKS = frozenset({"header", "form", "nav", "aside", "footer"})
_STRONG_CHROME = re.compile(r"(?:^|[\s_-])(?:comments?|disqus|respond|commentlist)(?=$|[\s_-])")
_INLINE = frozenset({"strong", "b", "span"})
_EMBED_RE = re.compile(r"embed|tweet|instagram|blockquote|pullquote|quote")
_META_ITEMPROPS = frozenset(
    words(
        "publisher datepublished datemodified datecreated logo keywords mainentityofpage "
        "copyrightholder copyrightyear interactionstatistic "
    )
)
# Microdata that repeats page metadata as (often invisible) text; dropped when short.
_SHORT_META_ITEMPROPS = frozenset(
    words(
        "headline alternativeheadline name image url width height author inlanguage "
        "articlesection thumbnailurl contenturl encodingformat "
    )
)
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
BLOCK_TAGS = frozenset(
    words(
        "p div section article main ul ol dl table blockquote pre h1 h2 h3 h4 h5 h6 figure "
        "header footer aside nav form li tr td hr br "
    )
)
_CONTAINERS = frozenset({"div", "section", "ul", "ol", "table", "dl", "figure", "span", "p"})


def _attrs(el: etree._Element) -> str:
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    return _CAMEL.sub(r"\1-\2", raw).lower().strip() if raw.strip() else ""


def text_of(el: etree._Element) -> str:
    return _SPACE.sub(" ", el.text_content()).strip()


def link_density(el: etree._Element, text_len: int | None = None) -> float:
    total = text_len if text_len is not None else len(text_of(el))
    if not total:
        return 0.0
    linked = sum(len(_SPACE.sub(" ", a.text_content()).strip()) for a in el.iter("a"))
    return min(1.0, linked / total)


def remove(el: etree._Element) -> None:
    """Remove ``el`` but keep its tail text in the tree."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _is_chrome(el: etree._Element, tag: str) -> bool:
    if tag in _LANDMARKS:
        return True
    if (el.get("role") or "").lower() in CHROME_ROLES:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    itemprop = (el.get("itemprop") or "").lower()
    if itemprop in _META_ITEMPROPS:
        return True
    if itemprop in _SHORT_META_ITEMPROPS and len(text_of(el)) < 300:
        return True
    attrs = _attrs(el)
    if not attrs or not CHROME_RE.search(attrs):
        return False
    return not BODY_RE.search(attrs) and not _EMBED_RE.search(attrs)


def _body_ancestors(root: etree._Element) -> set[etree._Element]:
    """Elements that contain a marked-up story body (class/id vocabulary or itemprop)."""
    found: set[etree._Element] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        attrs = _attrs(el)
        marked = el.get("itemprop") == "articleBody" or (attrs and BODY_RE.search(attrs))
        if marked and len(text_of(el)) >= 200:
            found.add(el)
            found.update(el.iterancestors())
    return found


def prune(root: etree._Element) -> None:
    """Remove furniture from ``root`` in place (see module docstring, step 1)."""
    drop_tags = frozenset(DROP_TAGS) - _LANDMARKS - {"nav", "aside", "footer"}
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    etree.strip_elements(root, *drop_tags, with_tail=False)
    total = len(text_of(root)) or 1
    holds_body = _body_ancestors(root)
    stack = [root]
    while stack:
        el = stack.pop()
        for child in list(el):
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("html", "body") or not _is_chrome(child, tag):
                stack.append(child)
                continue
            size = len(text_of(child))
            protected = child in holds_body or (
                size > 0.5 * total
                and tag not in ("nav", "aside", "footer")
                and not _STRONG_CHROME.search(_attrs(child))
            )
            if protected:
                stack.append(child)
            else:
                remove(child)


def _class_weight(el: etree._Element) -> float:
    attrs = _attrs(el)
    if not attrs:
        return 0.0
    weight = 0.0
    if BODY_RE.search(attrs):
        weight += 40
    elif POSITIVE_RE.search(attrs):
        weight += 25
    if NEGATIVE_RE.search(attrs):
        weight -= 25
    if el.get("itemprop") == "articleBody":
        weight += 40
    return weight


def _leaf_blocks(root: etree._Element) -> dict[etree._Element, bool]:
    """For every element: does it contain a block-level element? (one bottom-up pass)"""
    has_block: dict[etree._Element, bool] = {}
    for el in reversed(list(root.iter())):
        has_block[el] = any(
            isinstance(c.tag, str) and (c.tag in BLOCK_TAGS or has_block.get(c, False)) for c in el
        )
    return has_block


def score(root: etree._Element) -> dict[etree._Element, float]:
    """Readability-style container scores (see module docstring, step 2)."""
    raw: dict[etree._Element, float] = {}
    has_block = _leaf_blocks(root)
    for el, block_inside in has_block.items():
        tag = el.tag
        if not isinstance(tag, str) or tag not in SCORED_TAGS:
            continue
        if block_inside:
            if tag not in ("div", "section", "td"):
                continue
            # Text typed straight into a container between its blocks (<br>-separated prose).
            text = _SPACE.sub(" ", " ".join([el.text or ""] + [c.tail or "" for c in el])).strip()
            if len(text) < 100:
                continue
        else:
            text = text_of(el)
        if len(text) < 25:
            continue
        points = 1 + len(_COMMAS.findall(text)) + min(len(text) / 100, 3)
        points *= 1 - link_density(el, len(text))
        for level, anc in enumerate(el.iterancestors()):
            if level > 4:
                break
            if anc not in raw:
                raw[anc] = TAG_PRIOR.get(anc.tag, 0) + _class_weight(anc)
            raw[anc] += points if level == 0 else points / 2 if level == 1 else points / (3 * level)
    return {el: s * (1 - link_density(el)) for el, s in raw.items()}


def _join_split_body(root: etree._Element, top: etree._Element) -> etree._Element:
    """A body cut into chunks with the same class (between ad rails): their common ancestor."""
    cls = top.get("class")
    if not cls:
        return top
    chunks = [
        el
        for el in root.iter(top.tag)
        if el is not top and el.get("class") == cls and len(text_of(el)) >= 100
    ]
    if not chunks:
        return top
    ancestors = list(top.iterancestors())
    common = top
    for chunk in chunks:
        chunk_ancestors = set(chunk.iterancestors())
        common = next((a for a in ancestors if a in chunk_ancestors), common)
        ancestors = ancestors[ancestors.index(common) :] if common in ancestors else ancestors
    if common.tag in ("body", "html") or common is top:
        return top
    return common


def _prose(el: etree._Element) -> bool:
    text = text_of(el)
    ld = link_density(el, len(text))
    return (len(text) > 80 and ld < 0.25) or (0 < len(text) <= 80 and ld == 0 and text[-1] in ".!?")


def pick(root: etree._Element) -> etree._Element | None:
    """The best container, widened with its sibling blocks that belong to the story."""
    scores = score(root)
    if not scores:
        return None
    top = max(scores, key=scores.__getitem__)
    best = scores[top]
    # Several strong candidates under one ancestor: the story is split, take the ancestor.
    parent = top.getparent()
    if (
        parent is not None
        and parent.tag not in ("body", "html")
        and scores.get(parent, 0) > best * 0.9
    ):
        top, best = parent, scores[parent]
    top = _join_split_body(root, top)
    parent = top.getparent()
    if parent is None or top.tag in ("body", "html"):
        return top
    wrapper = lxml.html.Element("div")
    threshold = max(10.0, best * 0.2)
    bonus = _class_weight(top) * 0.2
    for sibling in list(parent):
        if not isinstance(sibling.tag, str):
            continue
        keep = sibling is top
        if not keep:
            s = scores.get(sibling, 0.0) + (bonus if _attrs(sibling) == _attrs(top) else 0)
            keep = s >= threshold or (sibling.tag == "p" and _prose(sibling))
        if keep:
            sibling.tail = None
            wrapper.append(sibling)
    return wrapper


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


def tidy(body: etree._Element, title: str | None) -> None:
    """Tidy the chosen body in place (see module docstring, step 4)."""
    for el in list(body.iter("h1", "figcaption")):
        remove(el)
    total = len(text_of(body)) or 1
    seen = 0
    for el in list(body.iter(*_HEADINGS, "p", "div", "strong", "b", "span", "li")):
        if el.getparent() is None:
            continue
        text = text_of(el)
        if not text:
            continue
        if el.tag in _INLINE:
            parent = el.getparent()
            if parent is None or text_of(parent) != text:
                continue
        if len(text) < 60 and BOILERPLATE_HEADING_RE.match(text):
            position = _chars_before(body, el)
            if position > 0.5 * total or el.tag in _HEADINGS:
                if position > 0.3 * total:
                    _cut_after(el, body)
                    break
                remove(el)
                continue
        seen += len(text)
    for el in list(body.iter()):
        if el.getparent() is None or not isinstance(el.tag, str):
            continue
        if el.tag not in _CONTAINERS and el.tag not in _HEADINGS and el.tag != "li":
            continue
        text = text_of(el)
        if not text:
            if el.tag in ("p", "div", "span", "li") and el.find(".//img") is None:
                remove(el)
            continue
        if len(text) < 200 and CHROME_LINE_RE.match(text):
            remove(el)
            continue
        density = link_density(el, len(text))
        if el.tag in ("ul", "ol", "div", "section", "table", "dl") and density > 0.6:
            remove(el)
            continue
        if el.tag == "p" and density > 0.9 and len(text) < 200:
            remove(el)
            continue
        if title and el.tag in _HEADINGS and text == title:
            remove(el)
    drop_repeats(body)


def drop_repeats(body: etree._Element) -> None:
    """Remove leaf blocks whose text repeats what the body already said (teasers, duplicates)."""
    seen: set[tuple[str, ...]] = set()
    has_block = _leaf_blocks(body)
    for el in list(body.iter(*SCORED_TAGS, *_HEADINGS)):
        if has_block.get(el, True) or el.getparent() is None:
            continue
        tokens = _WORD.findall(text_of(el).rstrip(".… "))
        grams = {tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3))}
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
