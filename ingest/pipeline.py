"""The ingest orchestrator: fetch | parse | (page fetch) | process | dedupe | store, per source.

This is the one module of ``ingest`` that does I/O against the database (through ``store``); HTTP
goes through ``ingest.fetcher``. Sources run concurrently within the fetcher's global and per-host
limits; one bad item never aborts its source and one bad source never aborts the run. Each source
yields one ``SourceResult``. When to come back and how healthy a source is are decided by the
pure ``ingest.schedule``; this module only applies and stores those decisions.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from config.settings import Settings, SourceSettings, parse_interval
from ingest import schedule
from ingest.clean import decode_html
from ingest.dedupe import decide, entry_hash, entry_identity
from ingest.errors import FetchError, IngestError
from ingest.fetcher import Fetcher, host_of
from ingest.outcome import SourceResult, _Counts, to_new_story
from ingest.parse import parse_feed
from ingest.process import needs_page, process_entry
from ingest.robots import RobotsCache
from ingest.types import Fetched, NotModified, ParsedFeed, RawEntry
from ingest.urls import url_key
from store import blobs, sources, stories
from store.db import Database
from store.errors import StorageError
from store.types import SourceState

__all__ = ["Ingestor", "SourceResult", "ingest", "to_new_story", "utcnow"]

log = logging.getLogger("wirefeed.ingest")
Clock = Callable[[], datetime]
LEARN_REDIRECT_AFTER = 3  # a permanent redirect seen this many times in a row is followed


def utcnow() -> datetime:
    return datetime.now(UTC)


def default_owner() -> str:
    """This process's name on leases: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Ingestor:
    """One ingest pass over some sources, sharing one fetcher and one database."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        clock: Clock = utcnow,
        robots: RobotsCache | None = None,
        transport: object | None = None,
        owner: str | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.robots = robots if robots is not None else RobotsCache()
        self.transport = transport
        self.owner = owner or default_owner()

    async def run(
        self, names: Sequence[str] | None = None, *, force: bool = False, only_due: bool = False
    ) -> list[SourceResult]:
        selected = [
            s
            for s in self.settings.sources
            if (names is None and s.enabled) or (names is not None and s.name in names)
        ]
        if only_due:
            service = self.settings.service
            claimed = set(
                sources.claim_due(
                    self.db,
                    [s.name for s in selected],
                    now=self.clock(),
                    owner=self.owner,
                    lease=timedelta(seconds=parse_interval(service.lease)),
                    limit=service.batch,
                )
            )
            selected = [s for s in selected if s.name in claimed]
        delays = {}
        for host in {host_of(s.url) for s in selected}:
            until = sources.host_not_before(self.db, host)
            if until is not None:
                delays[host] = until
        async with Fetcher(
            self.settings.fetch,
            robots=self.robots,
            host_delays=delays,
            transport=self.transport,  # type: ignore[arg-type]
        ) as fetcher:
            results = await asyncio.gather(
                *(
                    self._source(fetcher, s, force=force, explicit=names is not None)
                    for s in selected
                )
            )
            for host, (until, reason) in fetcher.learned_delays.items():
                sources.delay_host(self.db, host, until, reason)
        return list(results)

    async def _source(
        self, fetcher: Fetcher, src: SourceSettings, *, force: bool, explicit: bool
    ) -> SourceResult:
        started = time.monotonic()
        now = self.clock()
        state = sources.get_state(self.db, src.name)
        if state.health == "dead" and not (explicit or force):
            reason = (
                f"dead ({state.health_reason}); revive with 'wirefeed sources reset {src.name}'"
            )
            return SourceResult(src.name, "skipped", error=reason)
        url = state.final_url if state.final_url and state.moved_count < 0 else src.url
        url = state.moved_to if state.moved_to and self._learned(state) else url
        try:
            got = await fetcher.get(
                url,
                now=now,
                etag=None if force else state.etag,
                last_modified=None if force else state.last_modified,
            )
            if isinstance(got, NotModified):
                self._record_success(src, state, None, None, got.cache_seconds, now, url)
                return SourceResult(src.name, "not-modified", seconds=time.monotonic() - started)
            feed, counts = await self._entries(fetcher, src, got, now)
            self._record_success(src, state, got, feed, got.cache_seconds, now, url)
        except (IngestError, StorageError) as exc:
            message = _describe(src.name, exc)
            log.warning(message)
            self._record_error(src, state, exc, now)
            return SourceResult(
                src.name, "error", error=message, seconds=time.monotonic() - started
            )
        result = SourceResult(
            src.name,
            "ok",
            new=counts.new,
            updated=counts.updated,
            duplicate=counts.duplicate,
            unchanged=counts.unchanged,
            failed=counts.failed,
            problems=tuple(counts.problems),
            seconds=time.monotonic() - started,
        )
        log.debug(result.line())
        return result

    @staticmethod
    def _learned(state: SourceState) -> bool:
        return state.moved_count >= LEARN_REDIRECT_AFTER

    async def _entries(
        self, fetcher: Fetcher, src: SourceSettings, got: Fetched, now: datetime
    ) -> tuple[ParsedFeed, _Counts]:
        feed_blob = self._keep(got, "feed", now)
        try:
            feed = parse_feed(got.body, got.final_url, got.content_type)
        except IngestError as exc:
            exc.source = src.name
            raise
        counts = _Counts(failed=len(feed.skipped), problems=list(feed.skipped))
        site_names = tuple(n for n in (feed.title,) if n)
        for entry in feed.entries:
            try:
                outcome = await self._entry(
                    fetcher, src, entry, feed_blob, site_names, feed.rights, now, counts
                )
            except (IngestError, StorageError) as exc:
                counts.failed += 1
                counts.problems.append(f"{entry.link or entry.guid}: {exc}")
                log.warning("%s: item %s: %s", src.name, entry.link or entry.guid, exc)
                continue
            setattr(counts, outcome, getattr(counts, outcome) + 1)
        return feed, counts

    async def _entry(
        self,
        fetcher: Fetcher,
        src: SourceSettings,
        entry: RawEntry,
        feed_blob: str,
        site_names: tuple[str, ...],
        feed_rights: str | None,
        now: datetime,
        counts: _Counts,
    ) -> str:
        guid = entry_identity(entry)
        new_hash = entry_hash(entry)
        known = stories.find_known(
            self.db, source=src.name, guid=guid, url_key=url_key(entry.link), body_hash=None
        )
        decision = decide(
            known_story=known.story_id if known else None,
            known_via=known.via if known else None,
            known_entry_hash=known.entry_hash if known else None,
            new_hash=new_hash,
        )
        if decision.action == "unchanged":
            return "unchanged"
        page_html = page_url = page_blob = None
        if decision.action == "insert" and needs_page(entry, src.full_text):
            page_html, page_url, page_blob = await self._page(fetcher, src, entry, now, counts)
        elif decision.action == "update" and decision.story_id is not None:
            page_html, page_url, page_blob = self._stored_page(decision.story_id)
        draft = process_entry(
            entry,
            source=src,
            sections=self.settings.sections,
            page_html=page_html,
            page_url=page_url,
            site_names=site_names,
            feed_rights=feed_rights,
            feed_blob=feed_blob,
            page_blob=page_blob,
            max_sections=self.settings.sectioning.max_per_story,
        )
        counts.problems.extend(f"{entry.link or guid}: {w}" for w in draft.warnings)
        story = to_new_story(draft, entry_hash_value=new_hash)
        if decision.action == "update" and decision.story_id is not None:
            changed = stories.update_story(self.db, decision.story_id, story, now=now)
            if not changed:
                stories.touch_item(self.db, source=src.name, guid=guid, entry_hash=new_hash)
            return "updated" if changed else "unchanged"
        added = stories.add_story(self.db, story, now=now)
        if added.created:
            return "new"
        return "unchanged" if added.via == "item" else "duplicate"

    async def _page(
        self,
        fetcher: Fetcher,
        src: SourceSettings,
        entry: RawEntry,
        now: datetime,
        counts: _Counts,
    ) -> tuple[str | None, str | None, str | None]:
        """Fetch the article page; a failure falls back to the feed's own text, and says so."""
        assert entry.link
        try:
            got = await fetcher.get(entry.link, now=now, page=True, robots=src.robots)
        except FetchError as exc:
            counts.problems.append(f"{entry.link}: page not used: {exc} (kept the feed's text)")
            log.warning("%s: page %s: %s (using the feed's text)", src.name, entry.link, exc)
            return None, None, None
        if not isinstance(got, Fetched):
            return None, None, None
        digest = self._keep(got, "page", now)
        return decode_html(got.body, got.content_type), got.final_url, digest

    def _keep(self, got: Fetched, kind: str, now: datetime) -> str:
        """Store the raw bytes (content-addressed) so that reingest can replay them."""
        return blobs.put_blob(
            self.db, got.body, kind=kind, url=got.final_url, content_type=got.content_type, now=now
        )

    def _stored_page(self, story_id: int) -> tuple[str | None, str | None, str | None]:
        details = stories.story_details(self.db, story_id) or {}
        digest = details.get("page_blob")
        blob = blobs.get_blob(self.db, str(digest)) if digest else None
        if blob is None:
            return None, None, None
        return decode_html(blob.data, blob.content_type), blob.url, blob.hash

    def _record_success(
        self,
        src: SourceSettings,
        state: SourceState,
        got: Fetched | None,
        feed: ParsedFeed | None,
        cache: float | None,
        now: datetime,
        requested: str,
    ) -> None:
        hints = schedule.Hints(
            ttl_minutes=feed.ttl_minutes if feed else None,
            cache_seconds=cache,
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
        if got is not None:
            new = replace(
                new, etag=got.etag, last_modified=got.last_modified, final_url=got.final_url
            )
            new = _track_redirect(new, requested, got)
        sources.save_state(self.db, new, attempt_at=now)

    def _record_error(
        self, src: SourceSettings, state: SourceState, exc: Exception, now: datetime
    ) -> None:
        verdict = schedule.after_error(
            name=src.name,
            now=now,
            interval=timedelta(seconds=src.interval_seconds),
            errors=state.error_count,
            permanent_errors=state.permanent_errors,
            status=getattr(exc, "status", None),
            permanent=bool(getattr(exc, "permanent", False)) or _is_parse_error(exc),
            retry_after=getattr(exc, "retry_after", None),
        )
        if verdict.health != state.health:
            log.warning("%s: health %s -> %s (%s)", src.name, state.health, verdict.health, exc)
        new = replace(
            state,
            next_due=verdict.due,
            last_error=str(exc),
            last_error_at=now,
            error_count=verdict.errors,
            permanent_errors=verdict.permanent_errors,
            health=verdict.health,
            health_reason=verdict.reason,
        )
        try:
            sources.save_state(self.db, new, attempt_at=now)
        except StorageError as store_exc:
            log.error("%s: could not record the error: %s", src.name, store_exc)


def _is_parse_error(exc: Exception) -> bool:
    return isinstance(exc, IngestError) and exc.stage == "parse"


def _track_redirect(state: SourceState, requested: str, got: Fetched) -> SourceState:
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


def _describe(source: str, exc: Exception) -> str:
    if isinstance(exc, IngestError):
        exc.source = exc.source or source
        where = f" ({exc.url})" if exc.url else ""
        return f"{exc}{where}"
    return f"store: {source}: {exc}"


def ingest(
    db: Database,
    settings: Settings,
    names: Sequence[str] | None = None,
    *,
    force: bool = False,
    only_due: bool = False,
    clock: Clock = utcnow,
) -> list[SourceResult]:
    """One ingest pass (blocking): every selected source once, results in config order."""
    return asyncio.run(
        Ingestor(db, settings, clock=clock).run(names, force=force, only_due=only_due)
    )
