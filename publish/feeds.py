"""Syndication files: RSS 2.0, Atom 1.0, JSON Feed 1.1, and the sitemap.

Built with lxml (XML) and json (JSON Feed), never by string concatenation, so escaping is the
libraries' job. Each item links to OUR story page, names the credit (``dc:creator`` / author as
the byline or agency, and the credit line at the top of the content), points at the original
(Atom ``rel="via"``, JSON Feed ``external_url``, a link at the end of the content) and names its
source and rights (RSS ``<source>`` + ``dc:rights``, Atom ``<source>`` + ``<rights>``, JSON Feed
``_wirefeed`` extension). Items are built from stories already cut to their source's policy.
Dates come from the stories, never from the clock, so an unchanged site produces byte-identical
feeds (and the writer can skip them).

No choice of which stories to include (the caller passes them) and no file writing here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING

from lxml import etree

from publish import meta
from publish.paths import host, safe_url, utc

if TYPE_CHECKING:
    from store.types import StoredStory

NS_ATOM = "http://www.w3.org/2005/Atom"
NS_CONTENT = "http://purl.org/rss/1.0/modules/content/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_DCTERMS = "http://purl.org/dc/terms/"
NS_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """The feed itself: its title, the page it describes and its own absolute URL."""

    title: str
    description: str
    home_url: str
    feed_url: str
    language: str = "en"


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One story as a feed entry; ``url`` is our page, ``source_url`` the original."""

    title: str
    url: str
    published: datetime
    updated: datetime
    summary: str
    content_html: str
    author: str | None
    source_name: str
    source_url: str | None
    categories: tuple[str, ...]
    original_url: str | None = None
    credit: str | None = None
    rights: str | None = None


def _content(story: StoredStory, credit: str | None, original: str | None) -> str:
    """The item's HTML: credit line, the body the policy allows, a link to the original."""
    parts: list[str] = []
    if credit:
        parts.append(f"<p><strong>{meta.escape_html(credit)}</strong></p>")
    if story.body_html:
        parts.append(meta.clean_body(story.body_html))
    if original:
        label = meta.escape_html(host(original) or original)
        parts.append(
            f'<p><a href="{meta.escape_html(original)}">Read the original at {label}</a></p>'
        )
    if story.rights:
        parts.append(f"<p><small>{meta.escape_html(story.rights)}</small></p>")
    return "\n".join(parts)


def feed_item(
    story: StoredStory, url: str, categories: Sequence[str], *, source_feed: str | None = None
) -> FeedItem:
    """A FeedItem for ``story`` (already cut to its source's policy) whose page is at ``url``.

    ``source_feed`` is the feed the story came from (RSS ``<source url>``); without it the
    original article stands in.
    """
    updated = story.updated if meta.is_updated(story) else story.date
    original = safe_url(story.url) or safe_url(story.canonical_url)
    credit = meta.credit_text(story)
    return FeedItem(
        title=story.title,
        url=url,
        published=utc(story.date),
        updated=max(utc(updated), utc(story.date)),
        summary=meta.describe(story, 400),
        content_html=_content(story, credit, original),
        author=meta.author_name(story),
        source_name=(story.agency or story.source).strip() or story.source,
        source_url=safe_url(source_feed) or original,
        categories=tuple(categories),
        original_url=original,
        credit=credit,
        rights=story.rights,
    )


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def rss_title(title: str) -> str:
    """An RSS 2.0 title safe for readers that render titles as HTML (many do): no angle brackets.

    RSS leaves it open whether ``<title>`` is text or HTML, so a title's literal ``<script>``
    would be markup to such a reader. Atom and JSON Feed say "text", and keep the title as is.
    """
    return title.replace("<", "‹").replace(">", "›")


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attrib: str
) -> etree._Element:
    el = etree.SubElement(parent, tag, {k: _text(v) for k, v in attrib.items()})
    if text is not None:
        el.text = _text(text)
    return el


def _newest(items: Sequence[FeedItem]) -> datetime | None:
    return max((i.updated for i in items), default=None)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def rss(info: FeedInfo, items: Sequence[FeedItem]) -> bytes:
    """An RSS 2.0 document with content:encoded, dc:creator and dcterms:modified per item."""
    nsmap = {"atom": NS_ATOM, "content": NS_CONTENT, "dc": NS_DC, "dcterms": NS_DCTERMS}
    root = etree.Element("rss", {"version": "2.0"}, nsmap=nsmap)
    channel = _sub(root, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", info.home_url)
    _sub(channel, "description", info.description)
    _sub(channel, "language", info.language)
    _sub(channel, f"{{{NS_ATOM}}}link", href=info.feed_url, rel="self", type="application/rss+xml")
    newest = _newest(items)
    if newest is not None:
        _sub(channel, "lastBuildDate", format_datetime(newest))
    for it in items:
        item = _sub(channel, "item")
        _sub(item, "title", rss_title(it.title))
        _sub(item, "link", it.url)
        _sub(item, "guid", it.url, isPermaLink="true")
        _sub(item, "pubDate", format_datetime(it.published))
        _sub(item, "description", it.summary)
        if it.content_html:
            _sub(item, f"{{{NS_CONTENT}}}encoded", it.content_html)
        if it.author:
            _sub(item, f"{{{NS_DC}}}creator", it.author)
        for cat in it.categories:
            _sub(item, "category", cat)
        if it.source_url:
            _sub(item, "source", it.source_name, url=it.source_url)
        if it.rights:
            _sub(item, f"{{{NS_DC}}}rights", it.rights)
        _sub(item, f"{{{NS_DCTERMS}}}modified", meta.iso(it.updated))
    return _serialise(root)


def atom(info: FeedInfo, items: Sequence[FeedItem]) -> bytes:
    """An Atom 1.0 document; entry ids are our page URLs, the original is a rel=via link."""
    root = etree.Element(f"{{{NS_ATOM}}}feed", nsmap={None: NS_ATOM})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", info.language)
    a = f"{{{NS_ATOM}}}"
    _sub(root, a + "title", info.title)
    _sub(root, a + "subtitle", info.description)
    _sub(root, a + "id", info.feed_url)
    _sub(root, a + "link", rel="alternate", type="text/html", href=info.home_url)
    _sub(root, a + "link", rel="self", type="application/atom+xml", href=info.feed_url)
    newest = _newest(items)
    _sub(root, a + "updated", meta.iso(newest) if newest else "1970-01-01T00:00:00+00:00")
    _sub(_sub(root, a + "author"), a + "name", info.title)
    for it in items:
        entry = _sub(root, a + "entry")
        _sub(entry, a + "title", it.title)
        _sub(entry, a + "id", it.url)
        _sub(entry, a + "link", rel="alternate", type="text/html", href=it.url)
        if it.original_url:
            _sub(entry, a + "link", rel="via", href=it.original_url, title=it.source_name)
        if it.source_url:
            src = _sub(entry, a + "source")
            _sub(src, a + "title", it.source_name)
            _sub(src, a + "link", rel="alternate", href=it.source_url)
        _sub(entry, a + "published", meta.iso(it.published))
        _sub(entry, a + "updated", meta.iso(it.updated))
        if it.author:
            _sub(_sub(entry, a + "author"), a + "name", it.author)
        for cat in it.categories:
            _sub(entry, a + "category", term=cat)
        _sub(entry, a + "summary", it.summary)
        if it.content_html:
            _sub(entry, a + "content", it.content_html, type="html")
        if it.rights:
            _sub(entry, a + "rights", it.rights)
    return _serialise(root)


def json_feed(info: FeedInfo, items: Sequence[FeedItem]) -> bytes:
    """A JSON Feed 1.1 document."""
    entries = []
    for it in items:
        entry: dict[str, object] = {
            "id": it.url,
            "url": it.url,
            "title": it.title,
            "summary": it.summary,
            "content_html": it.content_html or f"<p>{meta.escape_html(it.summary)}</p>",
            "date_published": meta.iso(it.published),
            "date_modified": meta.iso(it.updated),
        }
        if it.original_url:
            entry["external_url"] = it.original_url
        if it.author:
            entry["authors"] = [{"name": it.author}]
        if it.categories:
            entry["tags"] = list(it.categories)
        extension: dict[str, object] = {"source": {"name": it.source_name}}
        if it.source_url:
            extension["source"] = {"name": it.source_name, "url": it.source_url}
        if it.credit:
            extension["credit"] = it.credit
        if it.rights:
            extension["rights"] = it.rights
        entry["_wirefeed"] = extension
        entries.append(entry)
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "description": info.description,
        "home_page_url": info.home_url,
        "feed_url": info.feed_url,
        "language": info.language,
        "items": entries,
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def sitemap(entries: Sequence[tuple[str, datetime | None]]) -> bytes:
    """A sitemap.xml of (absolute URL, last modified) pairs."""
    root = etree.Element(f"{{{NS_SITEMAP}}}urlset", nsmap={None: NS_SITEMAP})
    for loc, lastmod in entries:
        url = _sub(root, f"{{{NS_SITEMAP}}}url")
        _sub(url, f"{{{NS_SITEMAP}}}loc", loc)
        if lastmod is not None:
            _sub(url, f"{{{NS_SITEMAP}}}lastmod", meta.iso(lastmod))
    return _serialise(root)


def sitemap_index(entries: Sequence[tuple[str, datetime | None]]) -> bytes:
    """A sitemap index of (absolute sitemap URL, last modified) pairs."""
    root = etree.Element(f"{{{NS_SITEMAP}}}sitemapindex", nsmap={None: NS_SITEMAP})
    for loc, lastmod in entries:
        item = _sub(root, f"{{{NS_SITEMAP}}}sitemap")
        _sub(item, f"{{{NS_SITEMAP}}}loc", loc)
        if lastmod is not None:
            _sub(item, f"{{{NS_SITEMAP}}}lastmod", meta.iso(lastmod))
    return _serialise(root)
