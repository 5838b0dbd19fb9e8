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
4. tidy the body (``ingest.extract_tidy``): drop headlines, the tail after a boilerplate heading
   ("You may also like", "Recent Posts", "Newsletter"...), furniture lines and link lists.

It works on an lxml tree parsed once by the caller and mutates it. It does not sanitize, build
text or look at metadata (``ingest.clean`` and ``ingest.extract_meta`` do).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from ingest.extract_rules import (
    BODY_RE,
    BODY_WORDS,
    CHROME_RE,
    CHROME_ROLES,
    DROP_TAGS,
    NEGATIVE_RE,
    POSITIVE_RE,
    SCORED_TAGS,
    TAG_PRIOR,
    words,
)
from ingest.extract_tree import collapse, link_density, new_element, text_content, text_of

__all__ = [
    "BLOCK_TAGS",
    "leaf_blocks",
    "link_density",
    "pick",
    "prune",
    "remove",
    "score",
    "text_of",
]

_CAMEL = re.compile(r"([a-z])([A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_COMMAS = re.compile(r"[,،、，;]")
_LANDMARKS = frozenset({"header", "form", "nav", "aside", "footer"})
_STRONG_CHROME = re.compile(r"(?:^|[\s_-])(?:comments?|disqus|respond|commentlist)(?=$|[\s_-])")
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
MIN_BODY = 200  # characters of text a marked body must have to protect its ancestors
BLOCK_TAGS = frozenset(
    words(
        "p div section article main ul ol dl table blockquote pre h1 h2 h3 h4 h5 h6 figure "
        "header footer aside nav form li tr td hr br "
    )
)


def _attrs(el: etree._Element) -> str:
    """The element's class and id, lowercased, camelCase humps split ("" when it has none)."""
    cls = el.get("class")
    ident = el.get("id")
    if not cls and not ident:
        return ""
    return _normal_attrs(f"{cls or ''} {ident or ''}")


@lru_cache(maxsize=4096)
def _normal_attrs(raw: str) -> str:
    """Memoised: pages repeat the same class strings hundreds of times."""
    return _CAMEL.sub(r"\1-\2", raw).lower().strip() if raw.strip() else ""


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
    return bool(attrs) and _chrome_attrs(attrs)


@lru_cache(maxsize=4096)
def _chrome_attrs(attrs: str) -> bool:
    """class/id vocabulary of furniture, and not of a body or an embed (memoised per string)."""
    if not CHROME_RE.search(attrs):
        return False
    return not BODY_RE.search(attrs) and not _EMBED_RE.search(attrs)


def _body_value(value: str) -> bool:
    """Whether one class or id value holds the body vocabulary. ``BODY_RE`` finds it in
    ``_attrs`` (class and id joined by a space) exactly when it finds it in one of the two: no
    alternative matches a space. Every alternative holds one of ``BODY_WORDS``, so a value
    without any is rejected before the slower normalisation."""
    low = value.lower()
    if not any(word in low for word in BODY_WORDS):
        return False
    return BODY_RE.search(_CAMEL.sub(r"\1-\2", value).lower()) is not None


# Class strings repeat across a page (ids do not: they are tested uncached).
_body_class = lru_cache(maxsize=4096)(_body_value)


def _marked(el: etree._Element) -> bool:
    """Whether ``el``'s class, id or itemprop marks a story body."""
    keys = el.keys()  # one call instead of three ``get``s: most elements have few attributes
    return bool(keys) and (
        ("class" in keys and _body_class(el.get("class")))
        or ("id" in keys and _body_value(el.get("id")))
        or ("itemprop" in keys and el.get("itemprop") == "articleBody")
    )


def _body_ancestors(root: etree._Element, size: int | None = None) -> set[etree._Element]:
    """Elements that contain a marked-up story body (class/id vocabulary or itemprop) of at
    least ``MIN_BODY`` characters; ``size``: ``len(text_content(root))`` when known.

    Only elements with that much raw text can hold one (collapsing only shortens, and a child's
    text is part of its parent's), so the walk goes down from ``root`` into those only, instead
    of testing the class of every element of the page. A parent's text is its own text, then
    each child's text and tail: the last element child's length is what remains, so the big
    wrappers' texts are never read again.
    """
    found: set[etree._Element] = set()
    stack = [(root, len(text_content(root)) if size is None else size)]
    while stack:
        el, length = stack.pop()
        if length < MIN_BODY:
            continue
        if _marked(el) and len(" ".join(text_content(el).split())) >= MIN_BODY:
            found.add(el)
            found.update(el.iterancestors())
        last = None  # the last element child, measured by difference
        rest = length - len(el.text or "")
        for child in el:
            rest -= len(child.tail or "")  # a comment's tail is text, its content is not
            if isinstance(child.tag, str):
                if last is not None:
                    measured = len(text_content(last))
                    rest -= measured
                    stack.append((last, measured))
                last = child
        if last is not None:
            stack.append((last, rest))
    return found


def _longer_than(el: etree._Element, size: float) -> bool:
    """``len(text_of(el)) > size``, without collapsing the text when its raw length decides."""
    raw = text_content(el)
    return len(raw) > size and len(" ".join(raw.split())) > size


def prune(root: etree._Element) -> None:
    """Remove furniture from ``root`` in place (see module docstring, step 1)."""
    drop_tags = frozenset(DROP_TAGS) - _LANDMARKS - {"nav", "aside", "footer"}
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    etree.strip_elements(root, *drop_tags, with_tail=False)
    raw = text_content(root)
    total = len(" ".join(raw.split())) or 1  # len(text_of(root))
    holds_body = _body_ancestors(root, len(raw))
    stack = [root]
    while stack:
        el = stack.pop()
        for child in list(el):
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("html", "body") or not _is_chrome(child, tag):
                stack.append(child)
                continue
            protected = child in holds_body or (
                tag not in ("nav", "aside", "footer")
                and _longer_than(child, 0.5 * total)
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


def leaf_blocks(root: etree._Element) -> dict[etree._Element, bool]:
    """For every element: does it contain a block-level element? (one bottom-up pass)"""
    has_block: dict[etree._Element, bool] = {}  # in reverse document order: callers rely on it
    holders: set[etree._Element] = set()  # parents of a block (or of a block holder)
    for el in reversed(list(root.iter())):  # children before their parent
        inside = el in holders
        has_block[el] = inside
        tag = el.tag
        if isinstance(tag, str) and (inside or tag in BLOCK_TAGS):
            parent = el.getparent()
            if parent is not None:
                holders.add(parent)
    return has_block


def score(root: etree._Element) -> dict[etree._Element, float]:
    """Readability-style container scores (see module docstring, step 2)."""
    raw: dict[etree._Element, float] = {}
    has_block = leaf_blocks(root)
    for el, block_inside in has_block.items():
        tag = el.tag
        if not isinstance(tag, str) or tag not in SCORED_TAGS:
            continue
        if block_inside:
            if tag not in ("div", "section", "td"):
                continue
            # Text typed straight into a container between its blocks (<br>-separated prose).
            text = collapse(" ".join([el.text or ""] + [c.tail or "" for c in el]))
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
    wrapper = new_element("div")
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
