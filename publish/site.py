"""The pure core of publishing as one call: stories + settings in, every output file out.

``build_site(stories, settings, now)`` is ``plan.plan_site`` with no previous record: every
page, feed and asset as ``Page(path, content)``, story pages before the listings and feeds that
link to them (the writer keeps that order). Deterministic: the same stories give the same bytes.
Incremental publishing (what to skip) is ``plan``'s business; this is the from-scratch view
that tests and one-off exports use.

No file system writes, no database, no clock (``now`` only matters for retention).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from publish.plan import plan_site
from publish.types import Page

if TYPE_CHECKING:
    from config.settings import Settings
    from publish.status import StatusData
    from store.types import StoredStory


def build_site(
    stories: Iterable[StoredStory],
    settings: Settings,
    now: datetime,
    *,
    status: StatusData | None = None,
) -> list[Page]:
    """Every file of the site, story pages first; see the module docstring."""
    return list(plan_site(stories, settings, now, status=status).pages)
