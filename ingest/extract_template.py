"""Per-host templates: blocks that repeat across a site's article pages are its chrome.

Generic rules cannot know that one site closes every story with "Our journalism is funded by
readers like you" inside the article container. Comparing a few pages of the same host can: a
block of text found on several *other* articles of the host is not part of this one.
``template_keys`` reads the blocks of one page; ``learn_template`` keeps the ones seen on at least
``MIN_PAGES`` of the pages given; ``extract_article(..., boilerplate=...)`` drops them. A story
republished on one page of the host does not become chrome: it needs ``MIN_PAGES`` other pages.
Pure: the pipeline supplies the host's recently stored pages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml import etree

from ingest.extract_tree import parse_document, text_content

MIN_PAGES = 2  # a block must appear on this many other pages of the host to count as chrome
MIN_CHARS, MAX_CHARS = 20, 400  # shorter blocks are too generic, longer ones are prose
BLOCK_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "dt"})
_SPACE = re.compile(r"\s+")


def site_of(url: str) -> str:
    """The site a page belongs to, as a URL prefix: ``https://news.example/``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def block_key(text: str) -> str | None:
    """The comparison key of a block's text (case and spacing ignored), None if out of range."""
    key = _SPACE.sub(" ", text).strip().casefold()
    return key if MIN_CHARS <= len(key) <= MAX_CHARS else None


def keys_of_tree(doc: etree._Element) -> set[str]:
    keys = set()
    for el in doc.iter(*BLOCK_TAGS):
        key = block_key(text_content(el))
        if key:
            keys.add(key)
    return keys


def template_keys(html: str) -> set[str]:
    """The block keys of one page (empty for a page that does not parse)."""
    if not html or not html.strip():
        return set()
    try:
        return keys_of_tree(parse_document(re.sub(r"^\s*<\?xml[^>]*>", "", html)))
    except (etree.ParserError, ValueError):
        return set()


def learn_template(pages: Iterable[set[str]]) -> frozenset[str]:
    """Block keys found on at least ``MIN_PAGES`` of the given pages' key sets."""
    counts: Counter[str] = Counter()
    for keys in pages:
        counts.update(keys)
    return frozenset(key for key, n in counts.items() if n >= MIN_PAGES)


def drop_boilerplate(doc: etree._Element, boilerplate: frozenset[str]) -> int:
    """Remove the blocks of ``doc`` whose key is in ``boilerplate``; returns how many went."""
    if not boilerplate:
        return 0
    doomed = [el for el in doc.iter(*BLOCK_TAGS) if block_key(text_content(el)) in boilerplate]
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            tail = el.tail
            parent.remove(el)
            if tail and tail.strip():  # keep text that followed the block
                prev = parent[-1] if len(parent) else None
                if prev is not None:
                    prev.tail = (prev.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
    return len(doomed)
