"""The jobs the CLI and the service share: ingest, publish, one cycle of both, and reingest.

The scheduled path and the manual path call these same functions, so they cannot drift apart.
Reingest lives here because it reads stored raw inputs (store) and replays them through the
pure stages (ingest) — exactly the composition this package exists for.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from config.settings import Settings
from ingest.clean import decode_html
from ingest.dedupe import entry_hash, entry_identity, usable_guids
from ingest.errors import IngestError
from ingest.extract_template import learn_template, site_of
from ingest.parse import parse_feed
from ingest.pipeline import (
    TEMPLATE_PAGES,
    SourceResult,
    ingest,
    site_page_keys,
    to_new_story,
    utcnow,
)
from ingest.process import process_entry
from ingest.types import RawEntry
from publish.run import publish_site
from publish.types import PublishReport
from store import blobs, stories
from store.db import Database
from store.sections import pins_of
from store.types import NewStory, StoredStory

__all__ = ["ReplayChange", "ingest", "publish", "reingest", "run_cycle"]


def publish(db: Database, settings: Settings, *, full: bool = False) -> PublishReport:
    return publish_site(db, settings, full=full, now=utcnow())


def run_cycle(
    db: Database, settings: Settings, *, only_due: bool = True
) -> tuple[list[SourceResult], PublishReport | None]:
    """One tick: ingest the due sources, publish when anything changed."""
    results = ingest(db, settings, only_due=only_due)
    report = publish(db, settings) if any(r.changed for r in results) else None
    return results, report


@dataclass(frozen=True, slots=True)
class ReplayChange:
    """What replaying one stored story changed (or would change): field -> (old, new)."""

    story_id: int
    title: str
    changes: dict[str, tuple[str, str]]
    error: str | None = None

    def diff_lines(self) -> list[str]:
        out: list[str] = []
        for name, (old, new) in self.changes.items():
            if name == "body_text":
                diff = difflib.unified_diff(
                    old.split("\n\n"), new.split("\n\n"), "stored", "replayed", n=0, lineterm=""
                )
                out.extend(f"    {line[:160]}" for line in list(diff)[2:])
            else:
                out.append(f"    {name}: {old!r} -> {new!r}")
        return out


_COMPARED = ("title", "agency", "dateline", "byline", "credit_line", "body_text")


def _compare(old: StoredStory, new: NewStory, *, pinned: set[str]) -> dict[str, tuple[str, str]]:
    """Field -> (stored, replayed) for what differs; pinned sections are the editor's, not ours."""
    changes = {
        name: (str(getattr(old, name) or ""), str(getattr(new, name) or ""))
        for name in _COMPARED
        if (getattr(old, name) or None) != (getattr(new, name) or None)
    }
    old_sections = ", ".join(sorted(set(old.sections) - pinned))
    new_sections = ", ".join(sorted({a.section for a in new.sections} - pinned))
    if old_sections != new_sections:
        changes["sections"] = (old_sections, new_sections)
    return changes


def reingest(
    db: Database,
    settings: Settings,
    *,
    source: str | None = None,
    since: datetime | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    progress: Callable[[], None] | None = None,
) -> list[ReplayChange]:
    """Replay stored raw inputs through the current stages and config; report what changed."""
    now = now or utcnow()
    configured = {s.name: s for s in settings.sources}
    out: list[ReplayChange] = []
    feeds: dict[str, _StoredFeed] = {}
    sites: dict[str, list[tuple[str, set[str]]]] = {}
    for story in stories.list_stories(db, source=source, since=since):
        src = configured.get(story.source)
        details = stories.story_details(db, story.id) or {}
        if src is None or not details.get("feed_blob"):
            why = "source not configured" if src is None else "no stored feed"
            out.append(ReplayChange(story.id, story.title, {}, error=why))
            continue
        try:
            feed_title, entries = _feed_entries(db, str(details["feed_blob"]), feeds)
            entry = entries.get(story.guid)
            if entry is None:
                raise IngestError("item not found in its stored feed")
            page_html = page_url = None
            template: frozenset[str] = frozenset()
            page_blob = details.get("page_blob")
            if page_blob:
                blob = blobs.get_blob(db, str(page_blob))
                if blob is not None:
                    page_html, page_url = decode_html(blob.data, blob.content_type), blob.url
                    template = _site_template(db, blob.url or "", blob.hash, sites)
            draft = process_entry(
                entry,
                source=src,
                sections=settings.sections,
                page_html=page_html,
                page_url=page_url,
                site_names=(feed_title,) if feed_title else (),
                feed_blob=str(details["feed_blob"]),
                page_blob=str(page_blob) if page_blob else None,
                max_sections=settings.sectioning.max_per_story,
                boilerplate=template,
            )
        except IngestError as exc:
            out.append(ReplayChange(story.id, story.title, {}, error=str(exc)))
            continue
        new = to_new_story(draft, entry_hash_value=entry_hash(entry))
        changes = _compare(story, new, pinned=set(pins_of(db, story.id)))
        if changes and not dry_run:
            stories.update_story(db, story.id, new, now=now, revision=False)
        out.append(ReplayChange(story.id, story.title, changes))
        if progress is not None:
            progress()
    return out


_StoredFeed = tuple[str | None, dict[str, RawEntry]]


def _feed_entries(db: Database, digest: str, cache: dict[str, _StoredFeed]) -> _StoredFeed:
    """A stored feed's title and entries by identity (each feed blob parsed once)."""
    if digest not in cache:
        blob = blobs.get_blob(db, digest)
        if blob is None:
            raise IngestError(f"stored feed {digest[:12]} is missing")
        feed = parse_feed(blob.data, blob.url or "", blob.content_type)
        entries = usable_guids(feed.entries)
        cache[digest] = (feed.title, {entry_identity(e): e for e in entries})
    return cache[digest]


def _site_template(
    db: Database, url: str, own: str, sites: dict[str, list[tuple[str, set[str]]]]
) -> frozenset[str]:
    """The site's template as the live pipeline learns it: from its *other* stored pages."""
    site = site_of(url)
    if site not in sites:
        sites[site] = site_page_keys(db, site, limit=TEMPLATE_PAGES + 1)
    return learn_template(keys for digest, keys in sites[site] if digest != own)


def select_names(settings: Settings, names: Sequence[str]) -> list[str]:
    """Validate ``--source`` names against the config; unknown names raise KeyError."""
    known = {s.name for s in settings.sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise KeyError(", ".join(unknown))
    return list(names)
