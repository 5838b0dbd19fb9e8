"""Page metadata for ``ingest.extract``: title, byline, dates, canonical URL, lead image, license.

Sources, best first: schema.org JSON-LD (NewsArticle and friends), OpenGraph/Twitter/Dublin Core
<meta> tags, <link rel>, then the document itself (<title>, <h1>, <time>). Also exposes the JSON-LD
``articleBody`` so the extractor can weigh it against the DOM. It does not extract the body, and
it never raises: malformed JSON-LD or dates are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from ingest.clean_text import words
from ingest.extract_tree import text_content

_ARTICLE_TYPES = frozenset(
    words(
        "article newsarticle reportagenewsarticle blogposting analysisnewsarticle "
        "opinionnewsarticle reviewnewsarticle backgroundnewsarticle scholarlyarticle "
        "techarticle report liveblogposting socialmediaposting webpage posting "
    )
)


@dataclass(frozen=True, slots=True)
class PageMeta:
    title: str | None = None
    byline: str | None = None
    published: datetime | None = None
    canonical_url: str | None = None
    lead_image: str | None = None
    license_url: str | None = None
    article_body: str | None = None


def _walk_jsonld(node: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk_jsonld(item, out)
    elif isinstance(node, dict):
        kind = node.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and k.lower() in _ARTICLE_TYPES for k in kinds):
            out.append(node)
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in node:
                _walk_jsonld(node[key], out)


def _jsonld_articles(doc: etree._Element) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in doc.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip().rstrip(";")
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        _walk_jsonld(data, found)
    # Real articles first (a WebPage wrapper is a last resort).
    found.sort(key=lambda d: str(d.get("@type")).lower() == "webpage")
    return found


def _name(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    return None


def _url(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _url(value.get("url") or value.get("@id") or value.get("contentUrl"))
    if isinstance(value, list) and value:
        return _url(value[0])
    return None


def parse_date(value: str | None) -> datetime | None:
    """An ISO-8601 date/time, or None (naive values are kept naive; the caller decides)."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    for candidate in (text, text[:19], text[:10]):
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            continue
    return None


def _metas(doc: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in doc.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if key and content and key not in out:
            out[key] = content.strip()
    return out


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def extract_meta(doc: etree._Element, url: str) -> PageMeta:
    """Read the page's metadata (call before scripts are stripped from ``doc``)."""
    articles = _jsonld_articles(doc)
    ld = articles[0] if articles else {}
    metas = _metas(doc)
    links: dict[str, str] = {}
    for link in doc.iter("link", "a"):
        rel = link.get("rel")
        if not rel:
            continue
        rels = rel.lower().split()
        for rel in rels:
            if rel in ("canonical", "license") and link.get("href") and rel not in links:
                links[rel] = link.get("href", "").strip()
    title_el = doc.find(".//title")
    h1 = next(iter(doc.iter("h1")), None)
    title = _first(
        _name(ld.get("headline")),
        metas.get("og:title"),
        metas.get("twitter:title"),
        text_content(h1).strip() if h1 is not None else None,
        text_content(title_el).strip() if title_el is not None else None,
    )
    byline = _first(
        _name(ld.get("author")),
        metas.get("author"),
        metas.get("article:author"),
        metas.get("dc.creator"),
        metas.get("byl"),
    )
    if byline and byline.startswith(("http://", "https://")):
        byline = None
    time_el = next(iter(doc.iter("time")), None)
    published = None
    for raw in (
        _name(ld.get("datePublished")),
        metas.get("article:published_time"),
        metas.get("datepublished"),
        metas.get("dc.date"),
        metas.get("date"),
        metas.get("pubdate"),
        time_el.get("datetime") if time_el is not None else None,
    ):
        published = parse_date(raw)
        if published:
            break
    canonical = _first(links.get("canonical"), metas.get("og:url"), _url(ld.get("url")))
    image = _first(_url(ld.get("image")), metas.get("og:image"), metas.get("twitter:image"))
    license_url = _first(_url(ld.get("license")), links.get("license"), metas.get("dc.rights"))

    def absolute(value: str | None) -> str | None:
        """An absolute http(s) URL, else None (a ``javascript:`` canonical is never kept)."""
        if not value:
            return None
        try:
            joined = (urljoin(url, value.strip()) if url else value).strip()
        except ValueError:
            return None
        return joined if joined[:8].lower().startswith(("http://", "https://")) else None

    body = next((a["articleBody"] for a in articles if isinstance(a.get("articleBody"), str)), None)
    return PageMeta(
        title=title,
        byline=byline,
        published=published,
        canonical_url=absolute(canonical),
        lead_image=absolute(image),
        license_url=absolute(license_url),
        article_body=body,
    )
