"""Feed parsing stage: feed bytes -> ``ParsedFeed`` of ``RawEntry`` (``parse_feed``).

What it does: reads RSS 0.9x/1.0/2.0, RDF and Atom 0.3/1.0 through feedparser (given bytes in a
``BytesIO``, never a URL or a string it could take for a path; ``sanitize_html=False`` because nh3
sanitizes once downstream; relative links resolved against ``url`` and ``xml:base``), and JSON Feed
1.0/1.1 through ``ingest.jsonfeed``. It normalises what the feed states: plain-text titles, UTC
dates, author names, category terms, rights, TTL. A bad entry is skipped with its reason in
``ParsedFeed.skipped``; bytes that are no feed at all raise ``ParseError``.

Conventions (the pipeline relies on them):
- ``content_html`` is set only when the feed carries a body (``content:encoded``, Atom
  ``<content>``, JSON ``content_html``/``content_text``). When the summary is the same text as the
  content (feedparser copies Atom content into the summary; some feeds repeat it), the entry keeps
  it as ``content_html`` only and ``summary_html`` is None: the text is never reported twice.
- ``published`` is only the stated publication date (RSS ``pubDate``, Atom ``published`` or
  ``issued``); ``dc:date`` and Atom ``updated`` land in ``updated``. The caller picks
  ``published or updated``.
- ``link`` is the alternate link the feed states; an RSS permalink ``guid`` counts as one when it is
  an http(s) URL, but feedparser's copy of a non-URL Atom id into ``link`` is undone.
- ``rights`` on an entry is the entry's own rights, else the feed's. ``authors`` likewise fall back
  to the feed's for Atom and JSON Feed (their specs say so), never for RSS.

Security: DTD entity declarations are removed before feedparser sees the bytes (feedparser keeps
"safe" internal entities, and its lenient fallback parser expands them without limit: a 100 KB
entity referenced 5,000 times becomes a 500 MB string). External entities and DTDs are never
fetched (expat with external general entities off); tests check both with a local server.

What it deliberately does not do: fetch, sanitize HTML, follow enclosures, read the clock (pass
``now`` to drop dates too far in the future), or decide what an untitled entry means.
"""

from __future__ import annotations

import calendar
import io
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import feedparser

from ingest.errors import ParseError
from ingest.jsonfeed import (
    collapse,
    drop_copied_summary,
    html_to_title,
    is_jsonfeed,
    parse_jsonfeed,
    sane_date,
    text_to_html,
    unique,
    web_url,
)
from ingest.parse_xml import read_fast
from ingest.types import ParsedFeed, RawEntry

_ENTITY_DECL = re.compile(rb"""<!ENTITY(?:[^>"']|"[^"]*"|'[^']*')*>""")
_MAX_ENTITY_DECLS = 64
# "<!ENTITY" in the non-ASCII-compatible encodings feedparser can decode: we refuse those rather
# than transcode them ourselves.
_WIDE_ENTITY_MARKERS = tuple(
    "<!ENTITY".encode(enc) for enc in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037")
)
_JSON_TYPES = ("application/feed+json", "application/json")
_HTML_HINT = re.compile(rb"<(?:!doctype\s+html|html[\s>]|body[\s>])", re.IGNORECASE)
_SY_PERIOD_MINUTES = {"hourly": 60, "daily": 1440, "weekly": 10080, "monthly": 43200,
                      "yearly": 525600}  # fmt: skip
_MAX_TTL_MINUTES = 525600
MAX_ITEMS = 1000  # entries read per feed; the rest is reported in ``ParsedFeed.skipped``
_ITEM_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")
_ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")


def parse_feed(
    body: bytes,
    url: str,
    content_type: str | None = None,
    *,
    now: datetime | None = None,
    max_items: int = MAX_ITEMS,
    fast: bool = True,
) -> ParsedFeed:
    """Parse feed ``body`` fetched from ``url``; ``now`` (optional) bounds future dates.

    Only the first ``max_items`` entries are read (one line in ``skipped`` says how many more the
    feed had): a feed of 100,000 items costs minutes of feedparser time and as many stores.
    """
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise ParseError("empty body")
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if stripped[:1] in (b"{", b"[") or (media in _JSON_TYPES and stripped[:1] != b"<"):
        return _parse_json(body, url, now, max_items)
    body, total = _first_items(_without_entity_declarations(body), max_items)
    feed = _parse_xml(body, url, content_type, now, fast)
    return _noting_cut(feed, total, max_items) if total else feed


def parse_feed_feedparser(
    body: bytes,
    url: str,
    content_type: str | None = None,
    *,
    now: datetime | None = None,
    max_items: int = MAX_ITEMS,
) -> ParsedFeed:
    """``parse_feed`` with XML always read by feedparser: the reference that the lxml fast path
    (``ingest.parse_xml``) must match, for tests and ``bench/parse.py``."""
    return parse_feed(body, url, content_type, now=now, max_items=max_items, fast=False)


def _parse_json(body: bytes, url: str, now: datetime | None, max_items: int) -> ParsedFeed:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"invalid JSON: {exc}") from exc
    if not is_jsonfeed(doc):
        raise ParseError("JSON document is not a JSON Feed (no jsonfeed.org version)")
    items = doc.get("items")
    if isinstance(items, list) and len(items) > max_items:
        feed = parse_jsonfeed({**doc, "items": items[:max_items]}, url, now=now)
        return _noting_cut(feed, len(items), max_items)
    return parse_jsonfeed(doc, url, now=now)


def _first_items(body: bytes, max_items: int) -> tuple[bytes, int]:
    """``body`` cut to its first ``max_items`` items plus the document's tail, and the number of
    items the original had (0 when nothing was cut). The cut happens before any XML parsing, so
    the time spent on a huge feed is bounded by the limit, not by the feed."""
    starts = _ITEM_START.finditer(body)
    cut = next(itertools.islice(starts, max_items, None), None)
    if cut is None:
        return body, 0
    total = max_items + 1 + sum(1 for _ in starts)
    last = deque(_ITEM_END.finditer(body, cut.start()), maxlen=1)
    tail = body[last[0].end() :] if last else b""
    return body[: cut.start()] + tail, total


def _noting_cut(feed: ParsedFeed, total: int, max_items: int) -> ParsedFeed:
    note = f"feed has {total} entries: only the first {max_items} were read (max_items)"
    return replace(feed, skipped=(*feed.skipped, note))


def _without_bad_char_refs(body: bytes) -> bytes:
    """Character references to code points XML forbids (NUL, controls, lone surrogates, past
    U+10FFFF) replaced by U+FFFD: feedparser's fallback parser raised on them (ValueError,
    OverflowError, UnicodeEncodeError) instead of reporting a bad feed."""
    return _CHAR_REF.sub(_checked_char_ref, body) if b"&#" in body else body


def _checked_char_ref(match: re.Match[bytes]) -> bytes:
    hex_digits, dec_digits = match.group(1), match.group(2)
    digits = (hex_digits or dec_digits).lstrip(b"0") or b"0"
    if len(digits) > 8:
        return b"&#xFFFD;"
    code = int(digits, 16) if hex_digits else int(digits)
    allowed = (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )
    return match.group(0) if allowed else b"&#xFFFD;"


def _without_entity_declarations(body: bytes) -> bytes:
    """``body`` with every ``<!ENTITY ...>`` declaration removed (or ParseError if we cannot)."""
    if b"<!ENTITY" in body:
        if body.count(b"<!ENTITY") > _MAX_ENTITY_DECLS:
            raise ParseError("too many DTD entity declarations")
        body = _ENTITY_DECL.sub(b"", body)
        if b"<!ENTITY" in body:
            raise ParseError("malformed DTD entity declaration")
    if any(marker in body for marker in _WIDE_ENTITY_MARKERS):
        raise ParseError("DTD entity declarations in a UTF-16/UTF-32/EBCDIC feed are refused")
    return body


def _parse_xml(
    body: bytes, url: str, content_type: str | None, now: datetime | None, fast: bool
) -> ParsedFeed:
    body = _without_bad_char_refs(body)
    read = read_fast(body, url, content_type) if fast else None
    if read is None:
        read = _read_feedparser(body, url, content_type)
    version, feed, raw_entries = read
    feed_rights = _plain(feed, "rights")
    # Atom (RFC 4287 4.2.1): an entry without authors has the feed's. RSS states no such rule.
    feed_authors = _authors(feed) if version.startswith("atom") else ()
    entries: list[RawEntry] = []
    skipped: list[str] = []
    for number, raw in enumerate(raw_entries, start=1):
        try:
            entry = _entry(raw, feed_rights, feed_authors, now)
        except Exception as exc:  # one bad entry never aborts its feed
            skipped.append(f"entry {number}: {type(exc).__name__}: {exc}")
            continue
        if entry.guid is None and entry.link is None and not entry.title:
            skipped.append(f"entry {number}: no title, link or guid")
            continue
        entries.append(entry)
    return ParsedFeed(
        format=version or "unknown",
        title=_plain(feed, "title"),
        link=feed.get("link") or None,
        entries=tuple(entries),
        skipped=tuple(skipped),
        rights=feed_rights,
        ttl_minutes=_ttl_minutes(feed),
    )


def _read_feedparser(
    body: bytes, url: str, content_type: str | None
) -> tuple[str, Mapping[str, Any], list[Any]]:
    # Without a content type feedparser decodes undeclared XML as ISO-8859-1, not UTF-8.
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    try:
        result = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=True,
        )
    except Exception as exc:  # feedparser's lenient parser has raised on hostile bytes before
        raise ParseError(f"unreadable feed ({type(exc).__name__}: {exc})") from exc
    feed = result.get("feed", {})
    if not result.entries and not (
        result.get("version") and (_plain(feed, "title") or feed.get("link"))
    ):
        raise ParseError(_not_a_feed_reason(body, result))
    return str(result.get("version") or ""), feed, result.entries


def _not_a_feed_reason(body: bytes, result: Mapping[str, Any]) -> str:
    if _HTML_HINT.search(body[:4096]):
        return "not a feed: an HTML page"
    exc = result.get("bozo_exception")
    detail = f": {exc}" if result.get("bozo") and exc else ""
    return f"not a feed (no entries, no feed title or link){detail}"


def _entry(
    raw: Mapping[str, Any],
    feed_rights: str | None,
    feed_authors: tuple[str, ...],
    now: datetime | None,
) -> RawEntry:
    guid = collapse(raw.get("id") or "") or None
    content, raw_content = _content_html(raw)
    raw_summary = raw.get("summary")
    summary = _html_value(raw.get("summary_detail"), raw_summary)
    if raw_summary is not None and raw_summary == raw_content:
        summary = None  # feedparser copied the content into the summary
    return RawEntry(
        guid=guid,
        link=_link(raw, guid),
        title=_plain(raw, "title") or "",
        summary_html=drop_copied_summary(summary, content),
        content_html=content,
        published=sane_date(_utc(raw.get("published_parsed")), now),
        updated=sane_date(_utc(dict.get(raw, "updated_parsed")), now),  # no feedparser fallback
        authors=_authors(raw) or feed_authors,
        tags=unique(t.get("term") or t.get("label") or "" for t in raw.get("tags") or ()),
        rights=_plain(raw, "rights") or feed_rights,
    )


def _link(raw: Mapping[str, Any], guid: str | None) -> str | None:
    links = raw.get("links") or ()
    for candidate in links:
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return web_url(str(candidate["href"]))
    # feedparser copies the id into ``link`` when no link was stated (guidislink): ``web_url``
    # keeps that only when the id is an http(s) URL, as an RSS permalink guid is; an Atom
    # ``tag:``/``urn:`` id is no link, and neither is a ``javascript:`` or ``data:`` "link".
    return web_url(raw.get("link"))


def _content_html(raw: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The first non-empty content as HTML, and its value as feedparser gave it."""
    for part in raw.get("content") or ():
        value = _html_value(part, part.get("value"))
        if value:
            return value, part.get("value")
    return None, None


def _html_value(detail: Mapping[str, Any] | None, value: str | None) -> str | None:
    """A text construct as HTML: plain text is escaped into paragraphs, HTML passed through."""
    if not value or not value.strip():
        return None
    if detail is not None and detail.get("type") == "text/plain":
        return text_to_html(value)
    return value.strip()


def _plain(obj: Mapping[str, Any], key: str) -> str | None:
    """A title-like field as plain text, according to its declared or guessed type."""
    value = obj.get(key)
    if not value:
        return None
    kind = (obj.get(f"{key}_detail") or {}).get("type", "text/plain")
    text = html_to_title(value) if "html" in kind else collapse(value)
    return text or None


def _authors(raw: Mapping[str, Any]) -> tuple[str, ...]:
    names = [a.get("name") or "" for a in raw.get("authors") or ()]
    if not any(names) and raw.get("author_detail"):
        names = [raw["author_detail"].get("name") or ""]
    return unique(names)


def _utc(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's struct_time (already UTC) as an aware datetime; None if out of range."""
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _ttl_minutes(feed: Mapping[str, Any]) -> int | None:
    """RSS ``<ttl>``, else ``sy:updatePeriod`` / ``sy:updateFrequency``, in minutes."""
    try:
        ttl = int(str(feed.get("ttl", "")).strip())
    except ValueError:
        ttl = None
    if ttl is None:
        period = _SY_PERIOD_MINUTES.get(str(feed.get("sy_updateperiod", "")).strip().lower())
        try:
            frequency = int(str(feed.get("sy_updatefrequency", "1")).strip() or "1")
        except ValueError:
            frequency = 1
        if period is not None and frequency > 0:
            ttl = max(1, period // frequency)
    return ttl if ttl is not None and 0 < ttl <= _MAX_TTL_MINUTES else None
