"""Publish the site: read stories and source states from the store, plan, write what changed.

The one module in ``publish`` that imports ``store``. It reads the last run's record from the
output directory, lets the pure planner (``plan.plan_site``) decide which pages to render, and
hands them to the writer (``write.write_pages``), with a pool of worker processes
(``[service] workers``) when there are enough pages to share. It does no rendering or deciding
itself.

Every run still loads every stored story: the planner needs their digests to know what changed
(see README: a store query for "changed since" would make that cheaper at large sizes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from publish import listings, status
from publish.listings import Section
from publish.plan import plan_site
from publish.stage import worker_pool
from publish.types import PublishReport
from publish.write import read_registry, write_pages
from store.sources import all_states
from store.stories import list_stories

if TYPE_CHECKING:
    from config.settings import Settings
    from store.db import Database
    from store.types import SourceState, StoredStory


def publish_stories(
    stories: Sequence[StoredStory],
    settings: Settings,
    *,
    full: bool = False,
    now: datetime,
    states: Mapping[str, SourceState] | None = None,
) -> PublishReport:
    """Publish ``stories`` incrementally (``full`` re-renders and rewrites everything)."""
    out = settings.publish.output_dir
    lookup = listings.section_lookup(settings.sections)
    sections = [Section(s.name, s.slug) for s in settings.sections]
    data = status.summarize(
        stories, states or {}, [s.name for s in settings.sources], sections, lookup, now
    )
    plan = plan_site(stories, settings, now, read_registry(out), full=full, status=data)
    portable = sum(1 for page in plan.pages if page.portable)
    with worker_pool(portable, settings.service.workers) as pool:
        report = write_pages(
            plan.pages, out, paths=plan.paths, registry=plan.registry, force=full, pool=pool
        )
    return PublishReport(
        files_written=report.files_written,
        files_unchanged=report.files_unchanged + len(plan.paths - {p.path for p in plan.pages}),
        stories=plan.stories,
        sections=len(settings.sections),
        output_dir=str(Path(out).resolve()),
        files_removed=report.files_removed,
        pages_rendered=len(plan.pages),
        stories_gone=plan.gone,
    )


def publish_site(
    db: Database, settings: Settings, *, full: bool = False, now: datetime
) -> PublishReport:
    """Publish every stored story (``store.stories.list_stories``) to ``settings.publish``."""
    return publish_stories(list_stories(db), settings, full=full, now=now, states=all_states(db))
