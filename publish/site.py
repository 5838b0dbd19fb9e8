"""The pure core of publishing: stories + settings in, the list of output files out.

``build_site(stories, settings, now)`` returns every page, feed and asset as ``Page(path,
content)``, ordered so story pages come before the listings and feeds that link to them (the
writer keeps that order). Deterministic: the same stories give the same bytes, so an unchanged
site is not rewritten.

No file system writes, no database, no clock (``now`` is passed in). Whole-site rebuild every
time: fast enough at tens of thousands of stories (see bench/), and it can never go stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from publish import feeds, listings, render
from publish.listings import Section
from publish.paths import HOME, NOT_FOUND, STYLESHEET, absolute, section_file, section_path, utc
from publish.types import Page

if TYPE_CHECKING:
    from config.settings import Settings
    from store.types import StoredStory

STATIC = Path(__file__).parent / "static"
RECENT = 6
RELATED = 5
HOME_PER_SECTION = 5
HOME_LATEST = 10
SITEMAP_MAX = 50_000  # URLs per sitemap file (the protocol's limit)


def build_site(stories: Iterable[StoredStory], settings: Settings, now: datetime) -> list[Page]:
    """Every file of the site, story pages first; see the module docstring.

    ``now`` is part of the contract but deliberately unused so far: nothing rendered depends on
    the clock, so rebuilding an unchanged store yields byte-identical files.
    """
    cfg = settings.publish
    ordered = listings.newest_first(stories)
    lookup = listings.section_lookup(settings.sections)
    sections = tuple(Section(s.name, s.slug) for s in settings.sections)
    groups = listings.group_by_section(ordered, sections, lookup)
    site = render.Site(
        title=cfg.site_title,
        base_url=cfg.base_url,
        sections=sections,
        paths=listings.assign_paths(ordered),
        story_sections={s.id: listings.sections_of(s, lookup) for s in ordered},
    )
    related = listings.related_map(ordered, RELATED)

    pages: list[Page] = [Page(STYLESHEET, (STATIC / "style.css").read_bytes())]
    for story in ordered:
        own = site.story_sections[story.id]
        pages.append(
            Page(
                site.paths[story.id],
                render.render_story(
                    site,
                    story,
                    neighbours=listings.neighbours(own[0], groups[own[0].slug], story.id)
                    if own
                    else None,
                    related=related.get(story.id, ()),
                    recent=listings.recent(ordered, story.id, RECENT),
                ),
            )
        )
    top = ordered[:RECENT]
    for sec in sections:
        for listing in listings.paginate(sec, groups[sec.slug], cfg.items_per_page):
            pages.append(
                Page(
                    section_path(sec.slug, listing.number),
                    render.render_section(site, listing, top),
                )
            )
        pages.extend(_feeds(site, groups[sec.slug][: cfg.feed_items], sec))
    latest = listings.latest_per_section(groups, sections, HOME_PER_SECTION)
    pages.append(Page(HOME, render.render_home(site, latest, ordered[:HOME_LATEST])))
    pages.extend(_feeds(site, ordered[: cfg.feed_items], None))
    pages.append(Page(NOT_FOUND, render.render_not_found(site, top)))
    pages.append(Page("robots.txt", _robots(cfg.base_url)))
    pages.extend(_sitemaps(site, ordered, groups, cfg.items_per_page))
    return pages


def _feeds(
    site: render.Site, stories: tuple[StoredStory, ...], section: Section | None
) -> list[Page]:
    if section is None:
        title, home, prefix = site.title, HOME, ""
        description = f"Latest stories from {site.title}"
    else:
        title = f"{site.title}: {section.name}"
        home, prefix = section_path(section.slug), section_file(section.slug, "")
        description = f"Latest {section.name} stories from {site.title}"
    items = [
        feeds.feed_item(
            s,
            absolute(site.base_url, site.paths[s.id]),
            [sec.name for sec in site.story_sections[s.id]],
        )
        for s in stories
    ]

    def info(name: str) -> feeds.FeedInfo:
        return feeds.FeedInfo(
            title=title,
            description=description,
            home_url=absolute(site.base_url, home),
            feed_url=site.base_url + prefix + name,
            language=render.LANG,
        )

    return [
        Page(prefix + "feed.xml", feeds.rss(info("feed.xml"), items)),
        Page(prefix + "atom.xml", feeds.atom(info("atom.xml"), items)),
        Page(prefix + "feed.json", feeds.json_feed(info("feed.json"), items)),
    ]


def _robots(base_url: str) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}sitemap.xml\n".encode()


def _sitemaps(
    site: render.Site,
    ordered: tuple[StoredStory, ...],
    groups: dict[str, tuple[StoredStory, ...]],
    per_page: int,
) -> list[Page]:
    """sitemap.xml; past SITEMAP_MAX URLs it becomes an index of sitemap-<n>.xml files."""
    newest = max((utc(s.date) for s in ordered), default=None)
    entries: list[tuple[str, datetime | None]] = [(absolute(site.base_url, HOME), newest)]
    for sec in site.sections:
        items = groups[sec.slug]
        for listing in listings.paginate(sec, items, per_page):
            first = listing.stories[0] if listing.stories else None
            path = section_path(sec.slug, listing.number)
            entries.append((absolute(site.base_url, path), utc(first.date) if first else None))
    for story in ordered:
        lastmod = max(utc(story.updated), utc(story.date))
        entries.append((absolute(site.base_url, site.paths[story.id]), lastmod))
    if len(entries) <= SITEMAP_MAX:
        return [Page("sitemap.xml", feeds.sitemap(entries))]
    parts: list[Page] = []
    index: list[tuple[str, datetime | None]] = []
    for n, start in enumerate(range(0, len(entries), SITEMAP_MAX), start=1):
        chunk = entries[start : start + SITEMAP_MAX]
        name = f"sitemap-{n}.xml"
        parts.append(Page(name, feeds.sitemap(chunk)))
        index.append((site.base_url + name, max((m for _, m in chunk if m), default=None)))
    return [*parts, Page("sitemap.xml", feeds.sitemap_index(index))]
