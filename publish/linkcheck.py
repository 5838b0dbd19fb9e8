"""A small link checker for the generated site: every internal link must name a file that exists.

Reads every ``*.html`` file under a directory, collects ``href`` and ``src`` attributes, and
reports the internal ones that do not resolve to a regular file. Internal means relative, or
absolute under ``base_url`` when one is given (the 404 page links that way). A link to a directory
counts as broken: from ``file://`` a directory does not open its ``index.html``.

External links are not fetched (no network). Used by the tests and reusable by the CLI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

_ATTRS = ("href", "src")


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """``page`` (relative to the checked directory) links to ``target``, which is missing."""

    page: str
    target: str
    reason: str


def internal_links(page: Path) -> Iterator[str]:
    """Every href/src value in the HTML file ``page``, except rel=canonical links."""
    tree = lxml_html.fromstring(page.read_bytes())
    for el in tree.iter():
        if "canonical" in (el.get("rel") or "").split():
            continue  # canonical URLs are pretty (directory) URLs on the real server
        for attr in _ATTRS:
            value = el.get(attr)
            if value is not None:
                yield value.strip()


def _resolve(root: Path, page: Path, link: str, base_url: str | None) -> Path | str | None:
    """The file a link names, None when it is external, or a reason string when it is bad."""
    if base_url and link.startswith(base_url):
        link = link[len(base_url) :]
        origin = root
    else:
        origin = page.parent
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return None  # '#fragment' or '?query' on the same page
    if parts.path.startswith("/"):
        return "root-relative link (breaks under file://)"
    target = (origin / unquote(parts.path)).resolve()
    if not target.is_relative_to(root):
        return "points outside the site"
    return target


def check_links(root: str | Path, base_url: str | None = None) -> list[BrokenLink]:
    """Every broken internal link in the HTML files under ``root``; empty when all resolve."""
    base = Path(root).resolve()
    broken: list[BrokenLink] = []
    for page in sorted(base.rglob("*.html")):
        rel = page.relative_to(base).as_posix()
        for link in internal_links(page):
            found = _resolve(base, page, link, base_url)
            if found is None:
                continue
            if isinstance(found, str):
                broken.append(BrokenLink(rel, link, found))
            elif found.is_dir():
                broken.append(BrokenLink(rel, link, "is a directory, not a file"))
            elif not found.is_file():
                broken.append(BrokenLink(rel, link, "no such file"))
    return broken
