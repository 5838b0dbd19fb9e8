"""The ingest orchestrator: fetch | parse | (page fetch) | process | dedupe | store, per source.

This is the one module of ``ingest`` that does I/O: HTTP through one shared client, the database
through ``store``. Sources run concurrently; one bad item never aborts its source and one bad
source never aborts the run. Each source yields one ``SourceResult``. Scheduling policy (when a
source is due again, how errors back off) is computed here from the source's state; the
scheduler that calls this lives in ``wirefeed``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import httpx

from config.settings import Settings, SourceSettings
from ingest.clean import decode_html
from ingest.dedupe import decide, entry_hash, entry_identity
from ingest.errors import FetchError, IngestError
from ingest.fetch import ACCEPT_PAGE, fetch, make_client
from ingest.parse import parse_feed
from ingest.process import needs_page, process_entry
from ingest.types import Fetched, NotModified, RawEntry, StoryDraft
from ingest.urls import url_key
from store import blobs, sources, stories
from store.db import Database
from store.errors import StorageError
from store.types import NewStory, SectionAssignment, SourceState

log = logging.getLogger("wirefeed.ingest")
Clock = Callable[[], datetime]
MAX_BACKOFF = timedelta(hours=6)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What one pass did for one source; ``line()`` is what the CLI prints."""

    source: str
    status: str  # "ok", "not-modified", "error"
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    unchanged: int = 0
    failed: int = 0
    error: str | None = None
    problems: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated or self.duplicate)

    def line(self) -> str:
        if self.status == "error":
            return f"{self.source}: error: {self.error}"
        if self.status == "not-modified":
            return f"{self.source}: not modified"
        text = (
            f"{self.source}: {self.new} new, {self.updated} updated, {self.duplicate} duplicate, "
            f"{self.unchanged} unchanged"
        )
        if self.failed:
            text += f", {self.failed} failed"
        return text + f" ({self.seconds:.2f} s)"


@dataclass
class _Counts:
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    unchanged: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)


def to_new_story(draft: StoryDraft, *, entry_hash_value: str | None) -> NewStory:
    """Map the ingest draft onto the store's input type."""
    return NewStory(
        source=draft.source,
        guid=draft.guid,
        url=draft.url,
        url_key=draft.url_key,
        canonical_url=draft.canonical_url,
        title=draft.title,
        published=draft.published,
        agency=draft.agency,
        dateline=draft.dateline,
        byline=draft.byline,
        credit_line=draft.credit_line,
        body_text=draft.body.text,
        body_html=draft.body.html,
        body_hash=draft.body_hash,
        sections=tuple(SectionAssignment(h.section, h.rule_id, h.matched) for h in draft.sections),
        summary=draft.summary,
        contributors=draft.contributors,
        evidence=tuple((e.field, e.rule, e.text) for e in draft.evidence),
        lead_image=draft.lead_image,
        rights=draft.rights,
        entry_hash=entry_hash_value,
        feed_blob=draft.feed_blob,
        page_blob=draft.page_blob,
    )


class Ingestor:
    """One ingest pass over some sources, sharing one HTTP client and one database."""

    def __init__(
        self, db: Database, settings: Settings, *, clock: Clock = utcnow, concurrency: int = 8
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.concurrency = concurrency

    async def run(
        self, names: Sequence[str] | None = None, *, force: bool = False, only_due: bool = False
    ) -> list[SourceResult]:
        selected = [
            s
            for s in self.settings.sources
            if (names is None and s.enabled) or (names is not None and s.name in names)
        ]
        if only_due:
            due = set(sources.due_sources(self.db, [s.name for s in selected], now=self.clock()))
            selected = [s for s in selected if s.name in due]
        fs = self.settings.fetch
        limit = asyncio.Semaphore(self.concurrency)
        async with make_client(
            user_agent=fs.user_agent, timeout=fs.timeout, max_redirects=fs.max_redirects
        ) as client:

            async def one(src: SourceSettings) -> SourceResult:
                async with limit:
                    return await self._source(client, src, force=force)

            return list(await asyncio.gather(*(one(s) for s in selected)))

    async def _source(
        self, client: httpx.AsyncClient, src: SourceSettings, *, force: bool
    ) -> SourceResult:
        started = time.monotonic()
        now = self.clock()
        state = sources.get_state(self.db, src.name)
        try:
            got = await fetch(
                client,
                src.url,
                etag=None if force else state.etag,
                last_modified=None if force else state.last_modified,
                max_bytes=self.settings.fetch.max_bytes,
                now=now,
            )
            if isinstance(got, NotModified):
                self._record_success(src, state, None, now)
                return SourceResult(src.name, "not-modified", seconds=time.monotonic() - started)
            counts = await self._entries(client, src, got, now)
            self._record_success(src, state, got, now)
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
        log.info(result.line())
        return result

    async def _entries(
        self, client: httpx.AsyncClient, src: SourceSettings, got: Fetched, now: datetime
    ) -> _Counts:
        feed_blob = blobs.put_blob(
            self.db,
            got.body,
            kind="feed",
            url=got.final_url,
            content_type=got.content_type,
            now=now,
        )
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
                    client, src, entry, feed_blob, site_names, feed.rights, now
                )
            except (IngestError, StorageError) as exc:
                counts.failed += 1
                counts.problems.append(f"{entry.link or entry.guid}: {exc}")
                log.warning("%s: item %s: %s", src.name, entry.link or entry.guid, exc)
                continue
            setattr(counts, outcome, getattr(counts, outcome) + 1)
        return counts

    async def _entry(
        self,
        client: httpx.AsyncClient,
        src: SourceSettings,
        entry: RawEntry,
        feed_blob: str,
        site_names: tuple[str, ...],
        feed_rights: str | None,
        now: datetime,
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
            page_html, page_url, page_blob = await self._page(client, src, entry, now)
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
        )
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
        self, client: httpx.AsyncClient, src: SourceSettings, entry: RawEntry, now: datetime
    ) -> tuple[str | None, str | None, str | None]:
        """Fetch the article page; a failure falls back to the feed's own text."""
        assert entry.link
        try:
            got = await fetch(
                client,
                entry.link,
                max_bytes=self.settings.fetch.max_bytes,
                accept=ACCEPT_PAGE,
                now=now,
            )
        except FetchError as exc:
            log.warning("%s: page %s: %s (using the feed's text)", src.name, entry.link, exc)
            return None, None, None
        if not isinstance(got, Fetched):
            return None, None, None
        digest = blobs.put_blob(
            self.db,
            got.body,
            kind="page",
            url=got.final_url,
            content_type=got.content_type,
            now=now,
        )
        return decode_html(got.body, got.content_type), got.final_url, digest

    def _stored_page(self, story_id: int) -> tuple[str | None, str | None, str | None]:
        details = stories.story_details(self.db, story_id) or {}
        digest = details.get("page_blob")
        blob = blobs.get_blob(self.db, str(digest)) if digest else None
        if blob is None:
            return None, None, None
        return decode_html(blob.data, blob.content_type), blob.url, blob.hash

    def _record_success(
        self, src: SourceSettings, state: SourceState, got: Fetched | None, now: datetime
    ) -> None:
        new = replace(
            state,
            next_due=now + timedelta(seconds=src.interval_seconds),
            last_success=now,
            error_count=0,
            health="healthy",
        )
        if got is not None:
            new = replace(
                new, etag=got.etag, last_modified=got.last_modified, final_url=got.final_url
            )
        sources.save_state(self.db, new, attempt_at=now)

    def _record_error(
        self, src: SourceSettings, state: SourceState, exc: Exception, now: datetime
    ) -> None:
        errors = state.error_count + 1
        delay = min(
            timedelta(seconds=src.interval_seconds * (2 ** min(errors - 1, 8))), MAX_BACKOFF
        )
        retry = getattr(exc, "retry_after", None)
        if retry:
            delay = max(delay, timedelta(seconds=min(float(retry), MAX_BACKOFF.total_seconds())))
        new = replace(
            state,
            next_due=now + delay,
            last_error=str(exc),
            last_error_at=now,
            error_count=errors,
            health="degraded" if errors < 3 else "failing",
        )
        try:
            sources.save_state(self.db, new, attempt_at=now)
        except StorageError as store_exc:
            log.error("%s: could not record the error: %s", src.name, store_exc)


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
