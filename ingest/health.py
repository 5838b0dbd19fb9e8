"""A source's next state after a fetch: due time, health, validators, learned redirects.

Applies the policy of ``ingest.schedule`` to a ``SourceState`` (plain data from ``store.types``)
and returns the new state; the pipeline stores it. Pure: no database, no clock (``now`` given).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from config.settings import SourceSettings
from ingest import schedule
from ingest.errors import IngestError
from ingest.types import Fetched, NotModified, ParsedFeed
from store.types import SourceState

LEARN_REDIRECT_AFTER = 3  # a permanent redirect seen this many times in a row is followed


def learned(state: SourceState) -> bool:
    """Whether the source's permanent redirect has been seen often enough to follow it."""
    return state.moved_count >= LEARN_REDIRECT_AFTER


def on_success(
    state: SourceState,
    src: SourceSettings,
    got: Fetched | NotModified,
    feed: ParsedFeed | None,
    now: datetime,
    requested: str,
) -> SourceState:
    """State after a successful fetch (``NotModified`` for a 304)."""
    hints = schedule.Hints(
        ttl_minutes=feed.ttl_minutes if feed else None,
        cache_seconds=got.cache_seconds,
        item_times=tuple(e.published for e in feed.entries if e.published) if feed else (),
    )
    verdict = schedule.after_success(
        name=src.name, now=now, interval=timedelta(seconds=src.interval_seconds), hints=hints
    )
    new = replace(
        state,
        next_due=verdict.due,
        last_success=now,
        error_count=0,
        permanent_errors=0,
        health=verdict.health,
        health_reason=f"ok; next in {verdict.due - now} ({verdict.reason})",
    )
    if isinstance(got, Fetched):
        new = replace(new, etag=got.etag, last_modified=got.last_modified, final_url=got.final_url)
        new = track_redirect(new, requested, got)
    return new


def on_error(state: SourceState, src: SourceSettings, exc: Exception, now: datetime) -> SourceState:
    """State after a failed fetch or an unreadable feed (which counts as a permanent error)."""
    parse_failed = isinstance(exc, IngestError) and exc.stage == "parse"
    verdict = schedule.after_error(
        name=src.name,
        now=now,
        interval=timedelta(seconds=src.interval_seconds),
        errors=state.error_count,
        permanent_errors=state.permanent_errors,
        status=getattr(exc, "status", None),
        permanent=bool(getattr(exc, "permanent", False)) or parse_failed,
        retry_after=getattr(exc, "retry_after", None),
    )
    return replace(
        state,
        next_due=verdict.due,
        last_error=str(exc),
        last_error_at=now,
        error_count=verdict.errors,
        permanent_errors=verdict.permanent_errors,
        health=verdict.health,
        health_reason=verdict.reason,
    )


def track_redirect(state: SourceState, requested: str, got: Fetched) -> SourceState:
    """Count permanent redirects to one place; learned at once for http -> https of one address.

    Once learned, the source is fetched at ``moved_to`` directly (no redirect then: keep it).
    """
    if not got.permanent_redirect:
        if state.moved_to and requested == state.moved_to:
            return state
        return replace(state, moved_to=None, moved_count=0)
    count = state.moved_count + 1 if state.moved_to == got.final_url else 1
    if requested.startswith("http://") and got.final_url == "https://" + requested[7:]:
        count = max(count, LEARN_REDIRECT_AFTER)
    return replace(state, moved_to=got.final_url, moved_count=count)
