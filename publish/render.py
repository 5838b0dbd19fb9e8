"""HTML pages from templates: home, section listings, story pages and the 404 page.

Jinja2 with autoescaping on for every template; the only values marked safe are the story body
(re-sanitised by ``meta.clean_body``), the JSON-LD (escaped by ``meta.json_ld``) and fragments
escaped in Python because every page repeats them: story list items (``fragments``), the
masthead's links (``Hrefs``, one per directory depth) and section list (``section_nav``). Links
between pages are relative to the rendering page (``Links``), so the output works from
``file://``; the 404 page, served at any depth, links absolutely through ``base_url`` instead.

This module decides nothing about which stories go where (``listings``) and writes nothing
(``write``): it turns prepared data into bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from publish import meta
from publish.archive import Listing
from publish.fragments import ItemCache
from publish.listings import Neighbours, Section
from publish.paths import (
    HOME,
    NOT_FOUND,
    STATUS,
    STYLESHEET,
    absolute,
    host,
    relative,
    safe_url,
    section_file,
    section_path,
)

if TYPE_CHECKING:
    from store.types import StoredStory

TEMPLATES = Path(__file__).parent / "templates"
LANG = "en"


@dataclass(frozen=True, slots=True)
class Site:
    """What every page needs to know about the whole site."""

    title: str
    base_url: str
    sections: tuple[Section, ...]
    paths: Mapping[int, str]  # story id -> output path
    story_sections: Mapping[int, tuple[Section, ...]]
    items: ItemCache = field(default_factory=ItemCache, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Hrefs:
    """The links every page has (stylesheet, feeds, home, the sections' navigation) as seen from
    one directory depth (or base URL), escaped: made once per depth and shared by its pages."""

    stylesheet: Markup
    home: Markup
    rss: Markup
    atom: Markup
    json_feed: Markup
    nav: tuple[tuple[str, Markup, Markup], ...]  # (slug, href, escaped name) per section


@lru_cache(maxsize=64)
def _hrefs(prefix: str, sections: tuple[Section, ...]) -> Hrefs:
    return Hrefs(
        stylesheet=escape(prefix + STYLESHEET),
        home=escape(prefix + HOME),
        rss=escape(prefix + "feed.xml"),
        atom=escape(prefix + "atom.xml"),
        json_feed=escape(prefix + "feed.json"),
        nav=tuple(
            (s.slug, escape(prefix + section_path(s.slug)), escape(s.name)) for s in sections
        ),
    )


@dataclass(frozen=True, slots=True)
class Links:
    """Link targets as seen from the page at ``here`` (or absolute when ``base`` is given)."""

    site: Site
    here: str
    base: str | None = None
    prefix: str = field(init=False, repr=False)  # what every link from this page starts with
    escaped_prefix: str = field(init=False, repr=False, compare=False)
    hrefs: Hrefs = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        prefix = self.base if self.base is not None else relative(self.here, "")
        object.__setattr__(self, "prefix", prefix)
        object.__setattr__(self, "escaped_prefix", str(escape(prefix)))
        object.__setattr__(self, "hrefs", _hrefs(prefix, tuple(self.site.sections)))

    def to(self, path: str) -> str:
        return self.prefix + path

    def story(self, story: StoredStory) -> str:
        return self.prefix + self.site.paths[story.id]

    def story_href(self, story: StoredStory) -> str:
        """``story(story)`` escaped for an attribute value."""
        return self.escaped_prefix + self.site.items.href(self.site.paths[story.id])

    def section(self, section: Section, page: int = 0) -> str:
        return self.to(section_path(section.slug, page))


@dataclass(frozen=True, slots=True)
class AlsoLink:
    label: str
    url: str | None
    title: str | None


def story_item(
    links: Links, story: StoredStory, level: int = 3, summary: bool = True, lead: bool = False
) -> Markup:
    """The ``<li class="item">`` of ``story`` on the page of ``links`` (see ``fragments``)."""
    return links.site.items.item(story, links.story_href(story), level, summary=summary, lead=lead)


def story_items(
    links: Links, stories: Sequence[StoredStory], level: int = 3, summary: bool = True
) -> Markup:
    """``story_item`` of each of ``stories``, joined."""
    items, prefix, paths = links.site.items, links.escaped_prefix, links.site.paths
    return Markup(
        "".join(
            items.item(s, prefix + items.href(paths[s.id]), level, summary=summary) for s in stories
        )
    )


@lru_cache(maxsize=256)
def section_nav(hrefs: Hrefs, current: str) -> Markup:
    """The masthead's list of sections (templates/_nav.html, indented to sit in base.html):
    the same on every page of one depth and current section, so rendered once for them."""
    return Markup(environment().get_template("_nav.html").render(hrefs=hrefs, current=current))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates are package files: no stat per render
    )
    env.globals.update(
        item=story_item,
        section_nav=section_nav,
        items=story_items,
        iso=meta.iso,
        human_date=meta.human_date,
        short_date=meta.short_date,
        credit=meta.credit_text,
        describe=meta.describe,
        lang=LANG,
    )
    return env


def _render(template: str, **context: Any) -> bytes:
    return environment().get_template(template).render(**context).encode("utf-8")


def _common(
    site: Site, here: str, *, title: str | None, description: str, current: str = ""
) -> dict[str, Any]:
    head_title = f"{title} | {site.title}" if title else site.title
    return {
        "site": site,
        "links": Links(site, here),
        "head_title": head_title,
        "og_title": title or site.title,
        "og_type": "website",
        "og_image": None,
        "description": description,
        "canonical": absolute(site.base_url, here),
        "current": current,
    }


def render_home(
    site: Site,
    latest: Sequence[tuple[Section, tuple[StoredStory, ...]]],
    top: Sequence[StoredStory],
) -> bytes:
    names = ", ".join(s.name for s in site.sections)
    description = f"Latest wire news from {site.title}" + (f": {names}." if names else ".")
    ctx = _common(site, HOME, title=None, description=description, current="home")
    return _render("home.html", latest=latest, top=top, **ctx)


def render_section(site: Site, listing: Listing, recent: Sequence[StoredStory]) -> bytes:
    """A section front (``recent`` in its sidebar) or an archive page (no sidebar: stable)."""
    sec, n = listing.section, listing.number
    here = section_path(sec.slug, n)
    title = sec.name if listing.is_front else f"{sec.name}: archive page {n}"
    description = f"Latest {sec.name} news." if listing.is_front else f"Older {sec.name} news."
    ctx = _common(site, here, title=title, description=description, current=sec.slug)
    links: Links = ctx["links"]
    return _render(
        "section.html",
        listing=listing,
        recent=recent if listing.is_front else (),
        section_feed=section_file(sec.slug, "feed.xml"),
        newer_href=links.section(sec, listing.newer) if listing.newer is not None else None,
        older_href=links.section(sec, listing.older) if listing.older is not None else None,
        **ctx,
    )


def render_story(
    site: Site,
    story: StoredStory,
    *,
    neighbours: Neighbours | None,
    related: Sequence[StoredStory],
    recent: Sequence[StoredStory] = (),
    mode: str = "full",
) -> bytes:
    """A story page; ``story`` is already cut to its source's policy (``mode``)."""
    here = site.paths[story.id]
    sections = site.story_sections.get(story.id, ())
    ctx = _common(
        site,
        here,
        title=story.title,
        description=meta.describe(story),
        current=sections[0].slug if sections else "",
    )
    image = safe_url(story.lead_image)
    ctx.update(og_type="article", og_image=image)
    original = safe_url(story.url) or safe_url(story.canonical_url)
    article = meta.news_article(
        story,
        canonical=ctx["canonical"],
        site_title=site.title,
        sections=[s.name for s in sections],
    )
    also = [
        AlsoLink(a.source, safe_url(a.url), a.title)
        for a in story.also_at
        if a.source or safe_url(a.url)
    ]
    return _render(
        "story.html",
        story=story,
        sections=sections,
        credit_line=meta.credit_text(story),
        updated=meta.is_updated(story),
        modified=meta.iso(story.updated if meta.is_updated(story) else story.date),
        image=image,
        body=Markup(meta.clean_body(story.body_html)),
        original=original,
        original_label=host(original) or story.source,
        also=also,
        neighbours=neighbours,
        related=related,
        recent=recent,
        mode=mode,
        jsonld=Markup(meta.json_ld(article)),
        **ctx,
    )


def render_not_found(site: Site, recent: Sequence[StoredStory]) -> bytes:
    ctx = _common(site, NOT_FOUND, title="Page not found", description="Page not found.")
    ctx["links"] = Links(site, NOT_FOUND, base=site.base_url)
    return _render("404.html", recent=recent, **ctx)


def render_gone(site: Site, here: str) -> bytes:
    """The page left at the address of a story that is no longer available (410 in spirit)."""
    ctx = _common(
        site,
        here,
        title="Story no longer available",
        description="This story is no longer available.",
    )
    ctx["og_type"] = "article"
    return _render("gone.html", **ctx)


def render_status(site: Site, status: Any, chart: str) -> bytes:
    """The operator status page; ``chart`` is inline SVG made by ``chart.hourly_chart``."""
    ctx = _common(site, STATUS, title="Status", description=f"Operator status of {site.title}.")
    return _render("status.html", status=status, chart=Markup(chart), **ctx)
