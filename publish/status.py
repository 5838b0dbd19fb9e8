"""Aggregate the operator status page's data: per-source health and stories per hour per section.

``summarize`` takes plain records (source states, stories' ``first_seen``) and returns a frozen
``StatusData``: for each configured source its health, last success, last error and stories per
day over the last ``PER_DAY_DAYS`` days; and the number of stories first seen in each hour of
the last ``days`` days, per configured section. Everything is measured up to ``now`` floored to
the hour, so the page (and its key) changes at most once an hour when nothing else happens.

Pure: no database (``publish.run`` reads the store), no rendering (``chart``, templates).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from publish.paths import utc

if TYPE_CHECKING:
    from publish.listings import Section
    from store.types import SourceState, StoredStory

PER_DAY_DAYS = 7
CHART_DAYS = 3


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One source's line on the status page."""

    name: str
    health: str
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    error_count: int
    stories_week: int

    @property
    def per_day(self) -> float:
        return self.stories_week / PER_DAY_DAYS


@dataclass(frozen=True, slots=True)
class StatusData:
    """Everything the status page shows; ``counts[i][h]`` = stories of section i in hour h."""

    as_of: datetime
    hours: tuple[datetime, ...]
    sections: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    sources: tuple[SourceHealth, ...]
    total_stories: int

    def day_totals(self) -> list[tuple[datetime, tuple[int, ...]]]:
        """(day start, per-section totals) for each day in the chart, oldest first."""
        days: dict[datetime, list[int]] = {}
        for h, hour in enumerate(self.hours):
            day = hour.replace(hour=0)
            row = days.setdefault(day, [0] * len(self.sections))
            for i in range(len(self.sections)):
                row[i] += self.counts[i][h]
        return [(d, tuple(v)) for d, v in days.items()]


def summarize(
    stories: Iterable[StoredStory],
    states: Mapping[str, SourceState],
    source_names: Sequence[str],
    sections: Sequence[Section],
    lookup: Mapping[str, Section],
    now: datetime,
    *,
    days: int = CHART_DAYS,
) -> StatusData:
    """See the module docstring. Sources are the configured ones, then any others with state."""
    as_of = utc(now).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    n_hours = days * 24
    start = as_of - timedelta(hours=n_hours)
    week_start = as_of - timedelta(days=PER_DAY_DAYS)
    index = {sec.slug: i for i, sec in enumerate(sections)}
    counts = [[0] * n_hours for _ in sections]
    per_source: dict[str, int] = {}
    total = 0
    for story in stories:
        total += 1
        seen = utc(story.first_seen)
        if week_start <= seen < as_of:
            per_source[story.source] = per_source.get(story.source, 0) + 1
        if not start <= seen < as_of:
            continue
        hour = int((seen - start).total_seconds() // 3600)
        done: set[int] = set()
        for name in story.sections:
            sec = lookup.get(name)
            if sec is not None and index[sec.slug] not in done:
                done.add(index[sec.slug])
                counts[index[sec.slug]][hour] += 1
    names = list(dict.fromkeys([*source_names, *sorted(states)]))
    health = []
    for name in names:
        st = states.get(name)
        health.append(
            SourceHealth(
                name=name,
                health=st.health if st else "new",
                last_success=utc(st.last_success) if st and st.last_success else None,
                last_error=st.last_error if st else None,
                last_error_at=utc(st.last_error_at) if st and st.last_error_at else None,
                error_count=st.error_count if st else 0,
                stories_week=per_source.get(name, 0),
            )
        )
    return StatusData(
        as_of=as_of,
        hours=tuple(start + timedelta(hours=h) for h in range(n_hours)),
        sections=tuple(sec.name for sec in sections),
        counts=tuple(tuple(row) for row in counts),
        sources=tuple(health),
        total_stories=total,
    )
