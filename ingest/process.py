"""The pure part of ingesting one feed item: extract | clean | attribute | sections | keys.

``process_entry`` takes a feed item, the article page's HTML when one was fetched, and the
source's settings, and returns the ``StoryDraft`` to store. The live pipeline and ``reingest``
both call it, so a changed rule reaches stored stories by replaying their raw inputs. No I/O and
no clock here: fetching and storing are ``ingest.pipeline``'s job.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from config.settings import SectionSettings, SourceSettings
from ingest.attribute import attribute
from ingest.clean import clean_html
from ingest.dedupe import body_hash, entry_identity
from ingest.extract import extract_article
from ingest.sections import assign_sections
from ingest.types import Article, Body, RawEntry, StoryDraft
from ingest.urls import strip_tracking, url_key, usable_canonical

TEASER_WORDS = 120  # feed content shorter than this is a teaser, not the story
TEASER_SENTENCES = 3
MAX_TITLE = 300  # characters; a feed's 10,000-character "title" is cut, not stored whole
_TAG = re.compile(r"<[^>]*>")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]?(?:\s|$)")


def is_teaser(body: Body) -> bool:
    """True when a feed body is only a summary: a few sentences or few words."""
    words = len(body.text.split())
    sentences = len(_SENTENCE_END.findall(body.text))
    return words < TEASER_WORDS or sentences <= TEASER_SENTENCES


def feed_body(entry: RawEntry) -> Body:
    """The cleaned body the feed itself carries (content, else summary)."""
    html = entry.content_html or entry.summary_html or ""
    return clean_html(html, entry.link)


def needs_page(entry: RawEntry, mode: str) -> bool:
    """Whether the article page must be fetched for this item under ``full_text = mode``."""
    if mode == "never" or not entry.link:
        return False
    if mode == "always" or not entry.content_html:
        return True
    text = html.unescape(_TAG.sub(" ", entry.content_html))  # a cheap look: only counting
    return is_teaser(Body(html="", text=text))


def process_entry(
    entry: RawEntry,
    *,
    source: SourceSettings,
    sections: Sequence[SectionSettings],
    page_html: str | None = None,
    page_url: str | None = None,
    site_names: tuple[str, ...] = (),
    feed_rights: str | None = None,
    feed_blob: str | None = None,
    page_blob: str | None = None,
    max_sections: int | None = None,
    boilerplate: frozenset[str] = frozenset(),
    page_bytes: bytes | None = None,
) -> StoryDraft:
    """Turn one feed item (and its page, if fetched) into a story ready for the store.

    ``page_bytes``: ``page_html``'s UTF-8 encoding when the caller holds it (the fetched bytes,
    see ``ingest.clean_text.decode_page``), to spare encoding the page again; same result without.
    """
    from_feed = feed_body(entry)
    article: Article | None = None
    if page_html is not None:
        article = extract_article(
            page_html,
            page_url or entry.link or "",
            source.extract,
            boilerplate,
            page_bytes=page_bytes,
        )
    body = from_feed
    warnings: list[str] = []
    if article is not None and len(article.text.split()) > len(from_feed.text.split()):
        body = Body(html=article.html, text=article.text)
    elif article is not None and not article.text:
        warnings.append("no article found on the page; kept the feed's text")
    if len(entry.title) > MAX_TITLE:
        warnings.append(f"title cut to {MAX_TITLE} characters")

    credit = attribute(
        body,
        feed_authors=entry.authors,
        page_byline=article.byline if article else None,
        default_agency=source.agency,
        site_names=site_names,
    )
    title = _bounded(entry.title) or (_bounded(article.title) if article else "")
    if not title:
        title = " ".join(credit.body.text.split()[:12]) or "(untitled)"
    link = strip_tracking(entry.link) if entry.link else None
    canonical = article.canonical_url if article and article.canonical_url else link
    lead = credit.body.text.split("\n\n", 1)[0]
    summary = clean_html(entry.summary_html, entry.link).text if entry.summary_html else None
    hits = assign_sections(
        title=title,
        lead=lead,
        source=source.name,
        source_sections=source.sections,
        sections=sections,
        urls=tuple(u for u in (link, canonical) if u),
        tags=entry.tags,
        agency=credit.agency,
        max_sections=max_sections,
    )
    return StoryDraft(
        source=source.name,
        guid=entry_identity(entry),
        url=link,
        canonical_url=canonical,
        title=title,
        published=entry.published or (article.published if article else None),
        body=credit.body,
        summary=summary or None,
        agency=credit.agency,
        dateline=credit.dateline,
        byline=credit.byline,
        credit_line=credit.credit_line,
        sections=hits,
        url_key=url_key(usable_canonical(canonical, link)) or url_key(link),
        body_hash=body_hash(credit.body.text),
        contributors=credit.contributors,
        evidence=credit.evidence,
        lead_image=article.lead_image if article else None,
        rights=entry.rights or feed_rights or (article.license_url if article else None),
        feed_blob=feed_blob,
        page_blob=page_blob,
        warnings=tuple(warnings),
    )


def _bounded(title: str | None) -> str:
    """A title on one line, at most ``MAX_TITLE`` characters (cut at a word, with an ellipsis)."""
    text = " ".join((title or "").split())
    if len(text) <= MAX_TITLE:
        return text
    cut = text[: MAX_TITLE - 1].rsplit(" ", 1)[0] or text[: MAX_TITLE - 1]
    return cut + "…"
