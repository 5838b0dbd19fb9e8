"""Decide what a publish run writes: the pure heart of incremental publishing.

``plan_site(stories, settings, now, previous)`` compares the stored stories with the record of
the last run (``registry.Registry``) and returns the pages to write, in a safe order, plus the
new record. Nothing is rendered that the record shows unchanged:

1. Each live story gets a digest of everything its page shows of it (after its source's
   policy). New, changed and removed stories are *dirty*.
2. A story page shows its story, its previous/next in its first section and related stories
   from a window of ``WINDOW`` older stories of that section (no site-wide "recent" list), so a
   dirty story can only change the pages of the ``WINDOW`` newer stories of its sections and
   its older neighbour. Only those pages get a fresh key; a page renders when its key differs
   from the recorded one. Without a usable record (first run, ``full``, templates or site
   settings changed) every page renders.
3. Listings, feeds, sitemaps, home, 404 and status are few: their keys are always computed
   (``outputs``), and they render only when their key changed.
4. Stories removed from the store or past ``settings.publish.retention_days`` leave the
   listings and get a "no longer available" page at their old address (recorded forever).

Order (so that no written page ever links to a missing one, even if the run dies half-way):
new story pages first, oldest first, a page that links to a new story not yet written being
written provisionally without that link and again at the end of the story phase; then changed
existing pages and gone pages; then archive pages (newest first: a newly sealed archive page is
the newest), section fronts, feeds, home, the rest; stale files are removed last.

No file system, no database, no clock (``now`` only decides retention and the status hour).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from publish import listings, outputs, policy, render
from publish.listings import Neighbours, Section
from publish.paths import safe_slug, story_path, utc
from publish.registry import EMPTY, Published, Registry, fingerprint, fingerprint_files
from publish.types import Page

if TYPE_CHECKING:
    from config.settings import Settings
    from publish.status import StatusData
    from store.types import StoredStory

WINDOW = 30  # older same-section stories a page may relate to
RELATED = 5
RECENT = 5  # the stories published just before this one, site-wide: stable, so a new story
# never makes older pages stale (a page "as of" its own date, like a paper's edition)
FORMAT = "wirefeed-publish-3"  # the site key also hashes publish/*.py, templates and static
_PKG = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Plan:
    """Pages to write in order (a path may come twice: provisional, then final), every path the
    site now has (anything else the last run wrote is stale), and the record to leave."""

    pages: tuple[Page, ...]
    paths: frozenset[str]
    registry: Registry
    stories: int
    gone: int


def site_key(settings: Settings) -> str:
    """Fingerprint of code-visible inputs shared by every page (see ``registry``)."""
    cfg = settings.publish
    files = [*(_PKG / "templates").glob("*.html"), *(_PKG / "static").glob("*"), *_PKG.glob("*.py")]
    return fingerprint(
        FORMAT,
        fingerprint_files(files),
        cfg.site_title,
        cfg.base_url,
        cfg.items_per_page,
        cfg.feed_items,
        [(s.name, s.slug) for s in settings.sections],
    )


def retention_cutoff(settings: Settings, now: datetime) -> datetime | None:
    """Stories dated before this leave the site; None keeps everything."""
    days = settings.publish.retention_days
    return None if days is None else utc(now) - timedelta(days=days)


def assign_paths(stories: Iterable[StoredStory], known: Mapping[int, Published]) -> dict[int, str]:
    """Recorded paths stay; a new story gets yyyy/mm/dd/slug, '-<id>' added on a collision."""
    paths = {s.id: known[s.id].path for s in stories if s.id in known}
    taken = {p.path for p in known.values()} | set(paths.values())
    for story in sorted((s for s in stories if s.id not in paths), key=lambda s: s.id):
        slug = safe_slug(story.slug, story.title, story.id)
        path = story_path(story.date, slug)
        if path in taken:
            path = story_path(story.date, f"{slug[:70]}-{story.id}")
        taken.add(path)
        paths[story.id] = path
    return paths


def digest(story: StoredStory, path: str, sections: tuple[Section, ...], mode: str) -> str:
    """Everything a page (its own or a listing) shows of ``story`` (policy already applied)."""
    return fingerprint(
        path, mode, story.title, story.date, story.updated, story.revisions, story.agency,
        story.dateline, story.byline, story.credit_line, [s.slug for s in sections],
        story.body_html, story.summary, story.also_at, story.url, story.canonical_url,
        story.lead_image, story.rights,
    )  # fmt: skip


def _sort_key(story: StoredStory) -> tuple[float, int]:
    return (-utc(story.date).timestamp(), -story.id)


def plan_site(
    stories: Iterable[StoredStory],
    settings: Settings,
    now: datetime,
    previous: Registry = EMPTY,
    *,
    full: bool = False,
    status: StatusData | None = None,
) -> Plan:
    """See the module docstring."""
    cfg = settings.publish
    skey = site_key(settings)
    trust = bool(previous.stories or previous.keys) and previous.site_key == skey and not full
    lookup = listings.section_lookup(settings.sections)
    sections = tuple(Section(s.name, s.slug) for s in settings.sections)
    ordered = listings.newest_first(stories)
    cutoff = retention_cutoff(settings, now)
    table = policy.policies(settings)
    pols = {s.id: policy.policy_of(s, table) for s in ordered}
    live = tuple(
        policy.apply_policy(s, pols[s.id])
        for s in ordered
        if cutoff is None or utc(s.date) >= cutoff
    )
    paths = assign_paths(live, previous.stories)
    secs = {s.id: listings.sections_of(s, lookup) for s in live}
    digests = {s.id: digest(s, paths[s.id], secs[s.id], pols[s.id].mode) for s in live}
    groups = listings.group_by_section(live, sections, lookup)
    record: dict[int, Published] = {
        i: dataclasses.replace(p, live=False) for i, p in previous.stories.items()
    }
    for s in live:
        ts = utc(s.date).timestamp()
        record[s.id] = Published(paths[s.id], digests[s.id], ts, tuple(x.slug for x in secs[s.id]))
    dirty = {
        i for i, p in record.items() if previous.stories.get(i) != p
    }  # new, changed, gone now, or back from gone
    site = render.Site(cfg.site_title, cfg.base_url, sections, paths, secs)
    affected = (
        _propagate(dirty, previous.stories, record, groups) if trust else {s.id for s in live}
    )
    story_pages = _story_pages(site, skey, live, affected, groups, digests, pols, previous, trust)
    gone_pages: list[Page] = []
    gone_key = fingerprint(skey, "gone")
    keys = {p: k for p, k in previous.keys.items()}
    for _, p in sorted(record.items()):
        if p.live:
            continue
        if not (trust and previous.keys.get(p.path) == gone_key):
            gone_pages.append(
                Page(
                    p.path,
                    make=functools.partial(render.render_gone, site, p.path),
                    portable=True,
                )
            )
        keys[p.path] = gone_key
    for page, key in story_pages[1]:
        keys[page.path] = key
    stored_groups = listings.group_by_section(ordered, sections, lookup)
    ctx = outputs.Context(
        site, skey, live, digests, groups, stored_groups, pols, cfg.items_per_page, cfg.feed_items
    )
    specs = outputs.listing_specs(ctx)
    listing_paths = [s.path for s in specs if s.path.endswith("index.html")]
    specs += outputs.sitemap_specs(ctx, listing_paths)
    if status is not None:
        specs.append(outputs.status_spec(ctx, status))
    other: list[Page] = []
    for spec in specs:
        if not (trust and previous.keys.get(spec.path) == spec.key):
            other.append(Page(spec.path, make=spec.render))
        keys[spec.path] = spec.key
    all_paths = frozenset({p.path for p in record.values()} | {s.path for s in specs})
    keys = {p: k for p, k in keys.items() if p in all_paths}
    return Plan(
        pages=(*story_pages[0], *gone_pages, *other),
        paths=all_paths,
        registry=Registry(skey, keys, record),
        stories=len(live),
        gone=sum(1 for p in record.values() if not p.live),
    )


def _propagate(
    dirty: set[int],
    before: Mapping[int, Published],
    after: Mapping[int, Published],
    groups: Mapping[str, tuple[StoredStory, ...]],
) -> set[int]:
    """Dirty live stories plus every story whose page may show one of them (see docstring)."""
    out = {i for i in dirty if after[i].live}
    keys: dict[str, list[tuple[float, int]]] = {}
    for i in dirty:
        for rec in (before.get(i), after.get(i)):
            if rec is None:
                continue
            for slug in rec.sections:
                group = groups.get(slug)
                if not group:
                    continue
                if slug not in keys:
                    keys[slug] = [_sort_key(s) for s in group]
                at = bisect.bisect_left(keys[slug], (-rec.ts, -i))
                out.update(s.id for s in group[max(0, at - WINDOW - 1) : at + 2])
    return out


def _story_pages(
    site: render.Site,
    skey: str,
    live: tuple[StoredStory, ...],
    affected: set[int],
    groups: Mapping[str, tuple[StoredStory, ...]],
    digests: Mapping[int, str],
    pols: Mapping[int, policy.SourcePolicy],
    previous: Registry,
    trust: bool,
) -> tuple[list[Page], list[tuple[Page, str]]]:
    """(pages in write order, [(final page, key)]) for the affected stories whose key changed."""
    position: dict[str, dict[int, int]] = {}
    terms: dict[int, frozenset[str]] = {}

    def terms_of(s: StoredStory) -> frozenset[str]:
        got = terms.get(s.id)
        if got is None:
            got = terms[s.id] = listings.terms(s)
        return got

    todo: list[tuple[StoredStory, Neighbours | None, tuple[StoredStory, ...], str]] = []
    earlier: dict[int, tuple[StoredStory, ...]] = {}
    for n, s in enumerate(live):  # newest first
        if s.id not in affected:
            continue
        earlier[s.id] = tuple(live[n + 1 : n + 1 + RECENT])
        own = site.story_sections[s.id]
        nb: Neighbours | None = None
        related: tuple[StoredStory, ...] = ()
        if own:
            group = groups[own[0].slug]
            if own[0].slug not in position:
                position[own[0].slug] = {g.id: n for n, g in enumerate(group)}
            at = position[own[0].slug][s.id]
            nb = Neighbours(
                own[0],
                group[at + 1] if at + 1 < len(group) else None,
                group[at - 1] if at > 0 else None,
            )
            window = [(c, terms_of(c)) for c in group[at + 1 : at + 1 + WINDOW]]
            related = listings.related_in_window(terms_of(s), window, RELATED)
        linked = [x for x in (nb.older, nb.newer) if x] if nb else []
        shown = linked + list(related) + list(earlier[s.id])
        key = fingerprint(skey, digests[s.id], [(x.id, digests[x.id]) for x in shown])
        if not (trust and previous.keys.get(site.paths[s.id]) == key):
            todo.append((s, nb, related, key))
    todo.reverse()  # oldest first
    unwritten = (
        {s.id for s, *_ in todo if s.id not in previous.stories} if previous.stories else set()
    )
    first: list[Page] = []
    later: list[Page] = []
    finals: list[tuple[Page, str]] = []
    for s, nb, related, key in todo:
        mode = pols[s.id].mode
        page = Page(
            site.paths[s.id],
            make=functools.partial(
                render.render_story,
                site,
                s,
                neighbours=nb,
                related=related,
                recent=earlier[s.id],
                mode=mode,
            ),
            portable=True,
        )
        finals.append((page, key))
        if s.id not in unwritten:
            later.append(page)
            continue
        unwritten.discard(s.id)
        hide = {x.id for x in (nb.older, nb.newer) if x} & unwritten if nb else set()
        hide |= {r.id for r in (*related, *earlier[s.id])} & unwritten
        if not hide:
            first.append(page)
            continue
        safe_nb = (
            Neighbours(
                nb.section,
                None if nb.older and nb.older.id in hide else nb.older,
                None if nb.newer and nb.newer.id in hide else nb.newer,
            )
            if nb
            else None
        )
        safe_related = tuple(r for r in related if r.id not in hide)
        first.append(
            Page(
                page.path,
                make=functools.partial(
                    render.render_story,
                    site,
                    s,
                    neighbours=safe_nb,
                    related=safe_related,
                    recent=tuple(r for r in earlier[s.id] if r.id not in hide),
                    mode=mode,
                ),
                portable=True,
            )
        )
        later.append(page)
    return first + later, finals
