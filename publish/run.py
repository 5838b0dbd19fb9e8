"""Publish the site: read stories from the store, build every page, write what changed.

The one module in ``publish`` that imports ``store``; everything it calls is the pure core
(``site.build_site``) and the writer (``write.write_site``). It does no rendering itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from publish.site import build_site
from publish.types import PublishReport
from publish.write import write_site
from store.stories import list_stories

if TYPE_CHECKING:
    from config.settings import Settings
    from store.db import Database
    from store.types import StoredStory


def publish_stories(
    stories: Sequence[StoredStory], settings: Settings, *, full: bool = False, now: datetime
) -> PublishReport:
    """Build the site from ``stories`` and write it; ``full`` rewrites unchanged files too."""
    pages = build_site(stories, settings, now)
    report = write_site(pages, settings.publish.output_dir, force=full)
    return PublishReport(
        files_written=report.files_written,
        files_unchanged=report.files_unchanged,
        stories=len({s.id for s in stories}),
        sections=len(settings.sections),
        output_dir=str(Path(settings.publish.output_dir).resolve()),
        files_removed=report.files_removed,
    )


def publish_site(
    db: Database, settings: Settings, *, full: bool = False, now: datetime
) -> PublishReport:
    """Publish every stored story (``store.stories.list_stories``) to ``settings.publish``."""
    return publish_stories(list_stories(db), settings, full=full, now=now)
