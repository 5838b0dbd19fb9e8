"""JSON Feed 1.0 / 1.1 reader, plus the small text and date helpers ``ingest.parse`` shares.

What it does: turns an already-decoded JSON document into a ``ParsedFeed`` when it is a JSON Feed
(``"version"`` starting with ``https://jsonfeed.org/version/``), following the spec's fields:
``id``, ``url`` (else ``external_url``), ``title``, ``content_html`` (else ``content_text`` as
escaped paragraphs), ``summary`` (plain text by the spec, escaped), ``date_published`` /
``date_modified`` (RFC 3339), ``authors`` (1.1) or ``author`` (1.0), ``tags``.

What it deliberately does not do: sanitize HTML (nh3 does that downstream), resolve relative links
*inside* ``content_html`` (only item URLs are resolved against the feed URL), read JSON Feed
extensions (``_foo`` keys), attachments or images, or fetch anything. The helpers below are pure
string/date functions; they live here because ``parse.py`` imports this module, not the reverse.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from ingest.clean_text import remove_invisible, replace_surrogates
from ingest.errors import ParseError
from ingest.types import ParsedFeed, RawEntry

JSONFEED_PREFIX = "https://jsonfeed.org/version/"

# Absolute sanity bounds for dates when the caller gives no ``now``: earlier is a broken clock or
# a placeholder (1970-01-01), later is a typo (2099) or an overflow.
_MIN_DATE = datetime(1990, 1, 1, tzinfo=UTC)
_MAX_DATE = datetime(2100, 1, 1, tzinfo=UTC)
# With ``now`` given, how far in the future a date may be (time-zone mistakes, embargo clocks).
FUTURE_SLACK = timedelta(days=2)

_TAG_RE = re.compile(r"<[^>]*>")
_WS_RE = re.compile(r"\s+")
_PARA_RE = re.compile(r"\n\s*\n")


def collapse(text: str) -> str:
    """One line of readable text: whitespace runs collapsed to one space, the ends stripped, and
    control characters, bidi overrides and lone surrogates removed (feed text is hostile)."""
    return _WS_RE.sub(" ", remove_invisible(_WS_RE.sub(" ", text))).strip()


def html_to_title(value: str) -> str:
    """Plain text from an HTML title: tags stripped, entities unescaped, whitespace collapsed."""
    return collapse(html.unescape(_TAG_RE.sub(" ", value)))


def web_url(value: str | None) -> str | None:
    """``value`` as one clean line when it is an absolute http(s) URL, else None: a feed's
    ``javascript:``/``data:``/``file:`` "link" is never stored, fetched or published."""
    url = collapse(value or "")
    return url if url[:8].lower().startswith(("http://", "https://")) else None


def text_to_html(text: str) -> str:
    """Plain text as HTML: escaped, blank-line-separated paragraphs, single newlines as <br>."""
    paras = [p.strip() for p in _PARA_RE.split(text.replace("\r\n", "\n")) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line.strip()) for line in p.split("\n")) + "</p>"
        for p in paras
    )


def sane_date(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """``value`` in UTC if plausible, else None (before 1990, after 2100, or > now + slack)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    if not _MIN_DATE <= value < _MAX_DATE:
        return None
    if now is not None and value > now + FUTURE_SLACK:
        return None
    return value


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """Non-empty, whitespace-collapsed strings, first occurrence kept, order preserved."""
    seen: dict[str, None] = {}
    for item in items:
        clean = collapse(item)
        if clean:
            seen.setdefault(clean, None)
    return tuple(seen)


def drop_copied_summary(summary: str | None, content: str | None) -> str | None:
    """The summary, unless it is the same text as the content (then the content alone stands)."""
    if summary is not None and content is not None and summary.strip() == content.strip():
        return None
    return summary


def is_jsonfeed(doc: object) -> bool:
    """True for a decoded JSON object that declares a JSON Feed version."""
    return isinstance(doc, dict) and str(doc.get("version", "")).startswith(JSONFEED_PREFIX)


def parse_jsonfeed(doc: object, url: str, *, now: datetime | None = None) -> ParsedFeed:
    """Read a decoded JSON Feed document; ``url`` is the feed's URL (base for relative links)."""
    if not is_jsonfeed(doc):
        raise ParseError("JSON document is not a JSON Feed (no jsonfeed.org version)")
    assert isinstance(doc, dict)
    items = doc.get("items")
    if not isinstance(items, list):
        raise ParseError("JSON Feed has no items array")
    version = str(doc["version"])[len(JSONFEED_PREFIX) :]
    fmt = "jsonfeed" + ("10" if version == "1" else re.sub(r"\D", "", version))
    base = _str(doc.get("feed_url")) or url
    feed_authors = unique(_author_names(doc))  # the spec: items without authors have these
    entries: list[RawEntry] = []
    skipped: list[str] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            skipped.append(f"entry {number}: not a JSON object")
            continue
        entry = _entry(item, base, feed_authors, now)
        if entry.guid is None and entry.link is None and not entry.title:
            skipped.append(f"entry {number}: no title, link or guid")
            continue
        entries.append(entry)
    home = _str(doc.get("home_page_url"))
    return ParsedFeed(
        format=fmt,
        title=collapse(_str(doc.get("title")) or "") or None,
        link=urljoin(url, home) if home else None,
        entries=tuple(entries),
        skipped=tuple(skipped),
    )


def _entry(
    item: dict[str, Any], base: str, feed_authors: tuple[str, ...], now: datetime | None
) -> RawEntry:
    link = _str(item.get("url")) or _str(item.get("external_url"))
    content = _str(item.get("content_html"))
    if content is None and (text := _str(item.get("content_text"))) is not None:
        content = text_to_html(text)
    summary_text = _str(item.get("summary"))
    summary = text_to_html(summary_text) if summary_text else None
    return RawEntry(
        guid=_guid(item.get("id")),
        link=web_url(urljoin(base, collapse(link))) if link else None,
        title=collapse(_str(item.get("title")) or ""),
        summary_html=drop_copied_summary(summary, content),
        content_html=content or None,
        published=sane_date(_date(item.get("date_published")), now),
        updated=sane_date(_date(item.get("date_modified")), now),
        authors=unique(_author_names(item)) or feed_authors,
        tags=unique(t for t in item.get("tags") or () if isinstance(t, str)),
    )


def _author_names(obj: dict[str, Any]) -> list[str]:
    """Names from ``authors`` (1.1) or, failing that, ``author`` (1.0); nameless ones dropped."""
    people = obj.get("authors")
    if not isinstance(people, list):
        single = obj.get("author")
        people = [single] if single is not None else []
    return [p["name"] for p in people if isinstance(p, dict) and isinstance(p.get("name"), str)]


def _date(value: object) -> datetime | None:
    """An RFC 3339 date (naive ones taken as UTC), or None when absent or unparsable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _guid(value: object) -> str | None:
    """The item id as a string (the spec says string; numbers occur in the wild)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return collapse(str(value)) or None


def _str(value: object) -> str | None:
    return replace_surrogates(value) if isinstance(value, str) and value.strip() else None
