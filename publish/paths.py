"""Where each page lives in the output tree, and how pages link to each other.

Every output path is relative to output_dir, '/'-separated, and names an explicit ``index.html``
(or another file), so the site works from ``file://`` as well as from any static server. Links
between pages are relative, computed from the linking page's depth. Canonical URLs are absolute:
``base_url`` + the pretty path (directory with a trailing slash).

Pure string functions: no file system access (``write`` checks paths against the disk).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from urllib.parse import urlsplit

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_SAFE_SCHEMES = ("http", "https")

HOME = "index.html"
NOT_FOUND = "404.html"
STYLESHEET = "static/style.css"
STATUS = "status/index.html"


def utc(dt: datetime) -> datetime:
    """``dt`` as an aware UTC datetime; a naive datetime is taken to be UTC already."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def slugify(text: str, *, max_len: int = 80) -> str:
    """A [a-z0-9-] slug of ``text`` (accents folded), at most ``max_len`` chars; may be ''."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", folded.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0] if "-" in slug[:max_len] else slug[:max_len]
    return slug.strip("-")


def safe_slug(slug: str, title: str, story_id: int) -> str:
    """``slug`` if it is a clean slug already, else one made from the title, else 'story-<id>'."""
    if SLUG_RE.match(slug):
        return slug
    return slugify(slug) or slugify(title) or f"story-{story_id}"


def story_path(day: datetime, slug: str) -> str:
    """'yyyy/mm/dd/<slug>/index.html' for a story published on ``day`` (UTC)."""
    d = utc(day)
    return f"{d:%Y}/{d:%m}/{d:%d}/{slug}/index.html"


def section_path(slug: str, page: int = 0) -> str:
    """The section front 'section/<slug>/index.html', or archive page n >= 1 of the section:
    'section/<slug>/page/<n>/index.html'. Archive pages count from the oldest stories (see
    ``archive``), so a page's contents do not move when new stories arrive."""
    if page <= 0:
        return f"section/{slug}/index.html"
    return f"section/{slug}/page/{page}/index.html"


def section_file(slug: str, name: str) -> str:
    """Another file in a section's directory, e.g. section_file('world', 'feed.xml')."""
    return f"section/{slug}/{name}"


def pretty(path: str) -> str:
    """The path a visitor types: 'a/b/index.html' -> 'a/b/', 'index.html' -> ''."""
    if path == HOME:
        return ""
    if path.endswith("/index.html"):
        return path[: -len("index.html")]
    return path


def absolute(base_url: str, path: str) -> str:
    """The canonical absolute URL of the page at ``path``; ``base_url`` ends with '/'."""
    return base_url + pretty(path)


def relative(from_path: str, to_path: str) -> str:
    """Link from the page at ``from_path`` to the file at ``to_path`` (both output-relative)."""
    depth = from_path.count("/")
    return "../" * depth + to_path


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else None (no javascript:, data:)."""
    if not url:
        return None
    url = url.strip()
    if any(ch in url for ch in '\x00\r\n\t <>"'):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.hostname:
        return None
    return url


def host(url: str | None) -> str | None:
    """The host of ``url`` without a leading 'www.', or None."""
    if not url:
        return None
    try:
        name = urlsplit(url).hostname
    except ValueError:
        return None
    if not name:
        return None
    return name[4:] if name.startswith("www.") else name
