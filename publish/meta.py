"""Text derived from a story for display and metadata: credit, description, dates, JSON-LD, body.

``clean_body`` re-sanitises the (already sanitised) body as a second line of defence: only
absolute http(s)/mailto links and http(s) images survive, and an ``<h1>`` in the body becomes
``<h2>`` so the page keeps one h1. ``json_ld`` escapes ``<``, ``>`` and ``&`` so the JSON cannot
close its ``<script>`` element. Pure functions; no templates and no file system here.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import nh3
from markupsafe import escape

from publish.paths import safe_url, utc

if TYPE_CHECKING:
    from store.types import StoredStory

_H1 = re.compile(r"<(/?)h1\b", re.IGNORECASE)
_JSON_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                "\u2029": "\\u2029"}  # fmt: skip
_JSON_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")


def credit_text(story: StoredStory) -> str | None:
    """The credit shown as the byline: the stored credit line, else one built from its parts."""
    if story.credit_line and story.credit_line.strip():
        return story.credit_line.strip()
    byline = (story.byline or "").strip()
    agency = (story.agency or "").strip()
    if byline and agency:
        return f"By {byline}, {agency}"
    if byline:
        return f"By {byline}"
    if agency:
        return f"— {agency}"
    return None


def author_name(story: StoredStory) -> str | None:
    """Who to name as author in feeds and JSON-LD: the byline, else the agency."""
    return (story.byline or "").strip() or (story.agency or "").strip() or None


def shorten(text: str, limit: int = 160) -> str:
    """Whitespace-collapsed ``text`` cut at a word boundary to at most ``limit`` chars."""
    head = text[: limit * 4]  # never split a whole article body just to keep its start
    flat = " ".join(head.split())
    if len(flat) <= limit:
        return flat if len(head) == len(text) else flat[: limit - 1].rstrip() + "…"
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.-—")
    return cut + "…"


def describe(story: StoredStory, limit: int = 160) -> str:
    """The meta description: the summary if any, else the start of the body, else the title."""
    return shorten(story.summary or story.body_text or story.title, limit)


def iso(dt: datetime) -> str:
    """ISO 8601 in UTC with an explicit offset, to the second."""
    return utc(dt).replace(microsecond=0).isoformat()


def human_date(dt: datetime) -> str:
    """'17 April 2024, 14:05 UTC'."""
    d = utc(dt)
    return f"{d.day} {d:%B %Y, %H:%M} UTC"


def short_date(dt: datetime) -> str:
    """'17 Apr 2024'."""
    d = utc(dt)
    return f"{d.day} {d:%b %Y}"


def is_updated(story: StoredStory) -> bool:
    """Whether to say 'Updated': the story was revised after it was published."""
    return story.revisions > 0 and utc(story.updated) > utc(story.date)


def _keep_attribute(tag: str, attr: str, value: str) -> str | None:
    if attr == "href":
        if value.startswith("#") or value.lower().startswith("mailto:"):
            return value
        return safe_url(value)
    if attr == "src":
        return safe_url(value)
    return value


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def clean_body(html: str) -> str:
    """Sanitise the body once more (see module docstring); safe to mark as Markup."""
    return _H1.sub(r"<\1h2", _cleaner().clean(html))


def json_ld(data: dict[str, Any]) -> str:
    """``data`` as JSON safe to place inside ``<script type="application/ld+json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _JSON_UNSAFE_RE.sub(lambda m: _JSON_UNSAFE[m.group()], text)


def news_article(
    story: StoredStory, *, canonical: str, site_title: str, sections: list[str]
) -> dict[str, Any]:
    """schema.org NewsArticle for a story page."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "description": describe(story),
        "datePublished": iso(story.date),
        "dateModified": iso(story.updated if is_updated(story) else story.date),
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "publisher": {"@type": "Organization", "name": site_title},
    }
    if story.byline:
        data["author"] = [{"@type": "Person", "name": story.byline.strip()}]
    elif story.agency:
        data["author"] = [{"@type": "Organization", "name": story.agency.strip()}]
    if story.agency and story.byline:
        data["sourceOrganization"] = {"@type": "Organization", "name": story.agency.strip()}
    if story.dateline:
        data["dateline"] = story.dateline
    if sections:
        data["articleSection"] = sections
    original = safe_url(story.canonical_url) or safe_url(story.url)
    if original:
        data["isBasedOn"] = original
    image = safe_url(story.lead_image)
    if image:
        data["image"] = [image]
    if story.rights:
        data["copyrightNotice"] = story.rights
    return data


def escape_html(text: str) -> str:
    """``text`` with &, <, >, " and ' escaped for HTML."""
    return str(escape(text))
