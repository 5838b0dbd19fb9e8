"""The site's files other than story pages, each as a ``Spec``: path, input key, render thunk.

Section fronts and archive pages, the home page, the 404 page, feeds (site and per section),
sitemaps, robots.txt, the stylesheet and the operator status page. The key of a spec is a
fingerprint of exactly what its file shows (story ids with their digests, pager links, ...), so
the planner can compare it with the key recorded last time and skip rendering when it matches.
Rendering happens only when the planner calls ``Spec.render``.

Story order inside the sitemaps is by id (publication order), in chunks of ``SITEMAP_MAX`` once
the site outgrows one file, so new stories only ever change the last chunk.

Pure: no file system writes, no database, no clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from publish import archive, chart, feeds, render
from publish.listings import Section
from publish.paths import (
    HOME,
    NOT_FOUND,
    STATUS,
    STYLESHEET,
    absolute,
    section_file,
    section_path,
    utc,
)
from publish.registry import fingerprint

if TYPE_CHECKING:
    from publish.policy import SourcePolicy
    from publish.status import StatusData
    from store.types import StoredStory

STATIC = Path(__file__).parent / "static"
HOME_PER_SECTION = 5
HOME_LATEST = 10
RECENT = 6
SITEMAP_MAX = 50_000  # URLs per sitemap file (the protocol's limit)


@dataclass(frozen=True, slots=True)
class Spec:
    """One output file not yet rendered: its path, the key of its inputs, how to render it."""

    path: str
    key: str
    render: Callable[[], bytes]


@dataclass(frozen=True, slots=True)
class Context:
    """What the non-story outputs need: live stories (policy applied) and their digests."""

    site: render.Site
    site_key: str
    live: tuple[StoredStory, ...]  # newest first
    digests: Mapping[int, str]
    groups: Mapping[str, tuple[StoredStory, ...]]  # live, per section slug, newest first
    stored_groups: Mapping[str, tuple[StoredStory, ...]]  # every stored story, for archive ranks
    policies: Mapping[int, SourcePolicy]  # story id -> its source's policy
    per_page: int
    feed_items: int

    def sig(self, stories: Sequence[StoredStory]) -> tuple[tuple[int, str], ...]:
        return tuple((s.id, self.digests[s.id]) for s in stories)


def listing_specs(ctx: Context) -> list[Spec]:
    """Archive pages (newest first), then section fronts, then feeds, home, 404, robots."""
    top = ctx.live[:RECENT]
    views = {s.id: s for s in ctx.live}
    archives: list[Spec] = []
    fronts: list[Spec] = []
    for sec in ctx.site.sections:
        pages = archive.section_listings(sec, ctx.stored_groups[sec.slug], views, ctx.per_page)
        for lst in pages:  # front, then archives newest first: a sealed page precedes its links
            shown = tuple(views[s.id] for s in lst.stories)
            listing = dataclasses.replace(lst, stories=shown)
            path = section_path(sec.slug, lst.number)
            recent = top if lst.is_front else ()
            key = fingerprint(
                ctx.site_key, path, lst.older, lst.newer, ctx.sig(shown), ctx.sig(recent)
            )
            spec = Spec(path, key, _bind(render.render_section, ctx.site, listing, recent))
            (fronts if lst.is_front else archives).append(spec)
    specs = archives + fronts
    for sec in ctx.site.sections:
        specs += feed_specs(ctx, ctx.groups[sec.slug][: ctx.feed_items], sec)
    specs += feed_specs(ctx, ctx.live[: ctx.feed_items], None)
    latest = [(sec, ctx.groups[sec.slug][:HOME_PER_SECTION]) for sec in ctx.site.sections]
    home_top = ctx.live[:HOME_LATEST]
    home_key = fingerprint(ctx.site_key, HOME, [ctx.sig(s) for _, s in latest], ctx.sig(home_top))
    specs.append(Spec(HOME, home_key, _bind(render.render_home, ctx.site, latest, home_top)))
    nf_key = fingerprint(ctx.site_key, NOT_FOUND, ctx.sig(top))
    specs.append(Spec(NOT_FOUND, nf_key, _bind(render.render_not_found, ctx.site, top)))
    robots = _robots(ctx.site.base_url)
    specs.append(Spec("robots.txt", fingerprint(ctx.site_key, robots), lambda: robots))
    css = (STATIC / "style.css").read_bytes()
    specs.insert(0, Spec(STYLESHEET, fingerprint(ctx.site_key, css), lambda: css))
    return specs


def _bind(fn: Callable[..., bytes], *args: object) -> Callable[[], bytes]:
    return lambda: fn(*args)


def feed_specs(ctx: Context, stories: Sequence[StoredStory], section: Section | None) -> list[Spec]:
    """RSS, Atom and JSON Feed for the site (``section`` None) or for one section."""
    site = ctx.site
    if section is None:
        title, home, prefix = site.title, HOME, ""
        description = f"Latest stories from {site.title}"
    else:
        title = f"{site.title}: {section.name}"
        home, prefix = section_path(section.slug), section_file(section.slug, "")
        description = f"Latest {section.name} stories from {site.title}"

    def items() -> list[feeds.FeedItem]:
        return [
            feeds.feed_item(
                s,
                absolute(site.base_url, site.paths[s.id]),
                [sec.name for sec in site.story_sections[s.id]],
                source_feed=ctx.policies[s.id].feed_url if s.id in ctx.policies else None,
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

    sig = ctx.sig(stories)
    out = []
    for name, make in (
        ("feed.xml", feeds.rss),
        ("atom.xml", feeds.atom),
        ("feed.json", feeds.json_feed),
    ):
        path = prefix + name
        out.append(Spec(path, fingerprint(ctx.site_key, path, sig), _feed(make, info(name), items)))
    return out


def _feed(
    make: Callable[[feeds.FeedInfo, list[feeds.FeedItem]], bytes],
    info: feeds.FeedInfo,
    items: Callable[[], list[feeds.FeedItem]],
) -> Callable[[], bytes]:
    return lambda: make(info, items())


def _robots(base_url: str) -> bytes:
    return (
        f"User-agent: *\nAllow: /\nDisallow: /status/\n\nSitemap: {base_url}sitemap.xml\n".encode()
    )


def sitemap_specs(ctx: Context, listing_paths: Sequence[str]) -> list[Spec]:
    """sitemap.xml; past SITEMAP_MAX URLs an index of sitemap-pages.xml + sitemap-<n>.xml."""
    site = ctx.site
    newest = max((utc(s.date) for s in ctx.live), default=None)
    page_entries = [(absolute(site.base_url, p), newest) for p in listing_paths]
    by_id = sorted(ctx.live, key=lambda s: s.id)

    def story_entries(chunk: Sequence[StoredStory]) -> list[tuple[str, datetime | None]]:
        return [
            (absolute(site.base_url, site.paths[s.id]), max(utc(s.updated), utc(s.date)))
            for s in chunk
        ]

    pages_key = fingerprint(ctx.site_key, listing_paths, newest)
    if len(page_entries) + len(by_id) <= SITEMAP_MAX:
        key = fingerprint(pages_key, ctx.sig(by_id))
        return [
            Spec("sitemap.xml", key, lambda: feeds.sitemap(page_entries + story_entries(by_id)))
        ]
    specs = [Spec("sitemap-pages.xml", pages_key, lambda: feeds.sitemap(page_entries))]
    index: list[tuple[str, datetime | None]] = [(site.base_url + "sitemap-pages.xml", newest)]
    for n, start in enumerate(range(0, len(by_id), SITEMAP_MAX), start=1):
        chunk = by_id[start : start + SITEMAP_MAX]
        name = f"sitemap-{n}.xml"
        last = max(max(utc(s.updated), utc(s.date)) for s in chunk)
        key = fingerprint(ctx.site_key, name, ctx.sig(chunk))
        specs.append(Spec(name, key, _bind(lambda c: feeds.sitemap(story_entries(c)), chunk)))
        index.append((site.base_url + name, last))
    specs.append(
        Spec("sitemap.xml", fingerprint(ctx.site_key, index), lambda: feeds.sitemap_index(index))
    )
    return specs


def status_spec(ctx: Context, status: StatusData) -> Spec:
    """The operator status page (its key is the aggregated data, as of the hour)."""

    def make() -> bytes:
        return render.render_status(ctx.site, status, chart.hourly_chart(status))

    return Spec(STATUS, fingerprint(ctx.site_key, STATUS, status), make)
