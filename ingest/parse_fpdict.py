"""feedparser's bookkeeping for links, categories and authors, replayed on plain dicts.

What it does: the same dict operations, in the same order, that feedparser 6.0's mixin performs
for ``<link>``/``<enclosure>`` hrefs, ``<category>`` tags and author names/e-mails (including its
"Name (email)" splitting), so ``ingest.parse_xml`` builds entries identical to feedparser's.

What it deliberately does not do: parse XML, read or normalise values (``ingest.parse`` does), or
cover contributors and publishers (documents with those go to feedparser).
"""

from __future__ import annotations

import re
from typing import Any

EMAIL = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"""
    r"""([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)


def enforce_href(a: dict[str, str]) -> dict[str, str]:
    href = a.get("url", a.get("uri", a.get("href")))
    if href:
        a.pop("url", None)
        a.pop("uri", None)
        a["href"] = href
    return a


def add_tag(ctx: dict[str, Any], term: str | None, scheme: str | None, label: str | None) -> None:
    tags = ctx.setdefault("tags", [])
    if not term and not scheme and not label:
        return
    value = {"term": term, "scheme": scheme, "label": label}
    if value not in tags:
        tags.append(value)


def save_author(ctx: dict[str, Any], key: str, value: str) -> None:
    ctx.setdefault("author_detail", {})[key] = value
    sync_author_detail(ctx)
    ctx.setdefault("authors", [{}])[-1][key] = value


def sync_author_detail(ctx: dict[str, Any]) -> None:
    """feedparser's ``_sync_author_detail`` on plain dicts (same order of effects)."""
    detail = ctx.get("authors", [{}])[-1]
    if detail:
        name, email = detail.get("name"), detail.get("email")
        if name and email:
            ctx["author"] = f"{name} ({email})"
        elif name:
            ctx["author"] = name
        elif email:
            ctx["author"] = email
        return
    author, email = ctx.get("author"), None
    if not author:
        return
    match = EMAIL.search(author)
    if match:
        email = match.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "")
        author = author.replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    if author or email:
        ctx.setdefault("author_detail", detail)
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email
