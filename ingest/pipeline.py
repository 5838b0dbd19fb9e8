"""The ingest orchestrator: fetch | parse | (page fetch) | process | dedupe | store, per source.

With ``ingest.pipeline_store`` (its database side) this is the only part of ``ingest`` that does
I/O against the database; HTTP goes through ``ingest.fetcher``. Sources run concurrently within
the fetcher's global and per-host limits; one bad item never aborts its source and one bad source
never aborts the run. Each source yields one ``SourceResult``. When to come back and how healthy
a source is are decided by the pure ``ingest.schedule``; this module only applies and stores
those decisions.

Where the work runs (the orchestrator is one thread, so it keeps only what must be serial):
parsing a feed, hashing its items and processing each item (extract, clean, attribute, sections,
fingerprint and text analysis) go to the worker processes, a feed's ready items as one task
(``batching.TaskBatcher``); a feed's items are looked up in a few statements; new stories are
stored many to a transaction (``batching.Batcher`` over ``store.batch``), each with its own
outcome.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from datetime import datetime, timedelta
from typing import Any, TypeVar

from config.settings import Settings, SourceSettings, parse_interval
from ingest import health, memory
from ingest.batching import Batcher, TaskBatcher
from ingest.cluster import better_copy, near_match
from ingest.dedupe import Decision, decide, guid_key
from ingest.dedupe_near import WINDOW
from ingest.errors import FetchError, IngestError
from ingest.extract_template import learn_template, site_of
from ingest.fetcher import Fetcher, host_of
from ingest.fingerprint import forget, remember
from ingest.outcome import Item, SourceResult, _Counts, default_owner, to_new_story, utcnow
from ingest.pipeline_store import (
    keep,
    record_error,
    record_success,
    site_page_keys,
    stored_page,
    update_story,
)
from ingest.process import needs_page
from ingest.robots import RobotsCache
from ingest.types import Fetched, NotModified, ParsedFeed, RawEntry
from ingest.workers import (
    MIN_TASKS,
    Processed,
    make_pool,
    parse_items,
    process_item,
    process_items,
    worker_count,
)
from store import sources, stories
from store.batch import PageBlob, StoryWrite, add_stories
from store.db import Database
from store.errors import StorageError
from store.stories import Added
from store.types import Known

__all__ = ["Ingestor", "SourceResult", "ingest", "site_page_keys", "to_new_story", "utcnow"]

log = logging.getLogger("wirefeed.ingest")
Clock = Callable[[], datetime]
T = TypeVar("T")
TEMPLATE_PAGES = 6  # a site's stored pages compared to learn its template
ITEMS_IN_FLIGHT = 128  # items being fetched, processed or stored at once (bounds memory)
FEEDS_IN_FLIGHT = 16  # fetched feeds being parsed or waiting for item slots (bounds memory)


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
        pool: Executor | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.robots = robots if robots is not None else RobotsCache()
        self.transport = transport
        self.owner = owner or default_owner()
        self.pool = pool
        self.priorities = {s.name: s.priority for s in settings.sources}
        self._slots = asyncio.Semaphore(ITEMS_IN_FLIGHT)
        self._feeds = asyncio.Semaphore(FEEDS_IN_FLIGHT)
        self._templates: dict[str, frozenset[str]] = {}
        self._writes: Batcher[StoryWrite, Added] = Batcher(functools.partial(add_stories, self.db))
        self._tasks: TaskBatcher[tuple[RawEntry, dict[str, Any], Fetched | None], Processed] | None
        self._tasks = TaskBatcher(pool, process_items) if pool is not None else None

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
            why = f"dead ({state.health_reason}); revive: wirefeed sources reset {src.name}"
            return SourceResult(src.name, "skipped", error=why)
        url = state.moved_to if state.moved_to and health.learned(state) else src.url
        try:
            got = await fetcher.get(
                url,
                now=now,
                etag=None if force else state.etag,
                last_modified=None if force else state.last_modified,
            )
            if isinstance(got, NotModified):
                record_success(self.db, src, state, got, None, now, url)
                return SourceResult(src.name, "not-modified", seconds=time.monotonic() - started)
            async with self._feeds:  # fetching outruns processing: parsed feeds wait here
                feed, counts = await self._entries(fetcher, src, got, now)
            record_success(self.db, src, state, got, feed, now, url)
        except Exception as exc:  # one bad source never aborts the run, whatever went wrong
            if not isinstance(exc, IngestError | StorageError):
                log.exception("%s: unexpected error (a bug: please report it)", src.name)
            message = describe(src.name, exc)
            log.warning(message)
            record_error(self.db, src, state, exc, now)
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

    async def _entries(
        self, fetcher: Fetcher, src: SourceSettings, got: Fetched, now: datetime
    ) -> tuple[ParsedFeed, _Counts]:
        feed_blob = keep(self.db, got, "feed", now)
        try:
            parsed = await self._offload(
                parse_items,
                got.body,
                got.final_url,
                got.content_type,
                max_items=self.settings.fetch.max_items,
            )
        except IngestError as exc:
            exc.source = src.name
            raise
        feed = parsed.feed
        counts = _Counts(failed=len(feed.skipped), problems=list(feed.skipped))
        item = Item(src, feed_blob, tuple(n for n in (feed.title,) if n), feed.rights, now)
        known = stories.find_known_many(self.db, src.name, parsed.keys)
        outcomes = await asyncio.gather(
            *(
                self._entry(fetcher, item, entry, keys[0], new_hash, known, counts)
                for entry, keys, new_hash in zip(
                    parsed.entries, parsed.keys, parsed.hashes, strict=True
                )
            )
        )
        for outcome in outcomes:
            setattr(counts, outcome, getattr(counts, outcome) + 1)
        return feed, counts

    async def _entry(
        self,
        fetcher: Fetcher,
        item: Item,
        entry: RawEntry,
        guid: str,
        new_hash: str,
        stored: Mapping[str, Known],
        counts: _Counts,
    ) -> str:
        """One feed item, start to end; returns the counter it adds to ("failed" on errors).

        ``stored`` is what the feed's items are known as (one look-up for the whole feed);
        ``guid`` and ``new_hash`` (its entry hash) came with the parsed feed."""
        src = item.source
        try:
            known = stored.get(guid)
            decision = decide(
                known_story=known.story_id if known else None,
                known_via=known.via if known else None,
                known_entry_hash=known.entry_hash if known else None,
                new_hash=new_hash,
            )
            if decision.action == "unchanged":
                return "unchanged"
            async with self._slots:  # bounded: pages in memory, tasks queued on the workers
                return await self._build(fetcher, item, entry, decision, guid, new_hash, counts)
        except Exception as exc:  # one bad item never aborts its source
            return self._failed(src, entry, guid, exc, counts)

    async def _build(
        self,
        fetcher: Fetcher,
        item: Item,
        entry: RawEntry,
        decision: Decision,
        guid: str,
        new_hash: str,
        counts: _Counts,
    ) -> str:
        """Fetch the page if needed, run the stages, store: a new or changed item."""
        src, now = item.source, item.now
        try:
            page: Fetched | None = None
            if decision.action == "insert" and needs_page(entry, src.full_text):
                page = await self._page(fetcher, src, entry, now, counts)
            elif decision.action == "update" and decision.story_id is not None:
                page = stored_page(self.db, decision.story_id)
            done = await self._process(
                entry,
                {
                    "boilerplate": self._template(page.final_url) if page else frozenset(),
                    "source": src,
                    "sections": self.settings.sections,
                    "site_names": item.site_names,
                    "feed_rights": item.rights,
                    "feed_blob": item.feed_blob,
                    "max_sections": self.settings.sectioning.max_per_story,
                },
                page,
            )
            draft = done.draft
            if done.analysis is not None:  # the near-duplicate check compares it: no redo here
                remember(draft.body.text, done.analysis)
            counts.problems.extend(f"{entry.link or guid}: {w}" for w in draft.warnings)
            story = to_new_story(
                draft,
                entry_hash_value=new_hash,
                guid_key=guid_key(guid),
                fingerprint=done.fingerprint,
            )
            if decision.action == "update" and decision.story_id is not None:
                return update_story(self.db, src, decision.story_id, story, now, counts)
            kept = None
            if page is not None and done.page is not None:  # stored before the story
                kept = PageBlob(page.body, page.final_url, page.content_type, done.page)
            prefer = better_copy(story, self.priorities)
            added = await self._writes.submit(
                StoryWrite(
                    story,
                    now,
                    near=near_match(story, self.priorities, prefer),
                    prefer=prefer,
                    window=WINDOW,
                    page=kept,
                )
            )
        except Exception as exc:  # one bad item never aborts its source
            return self._failed(src, entry, guid, exc, counts)
        if added.created:
            return "new"
        return "unchanged" if added.via == "item" else "duplicate"

    def _failed(
        self, src: SourceSettings, entry: RawEntry, guid: str, exc: Exception, counts: _Counts
    ) -> str:
        if not isinstance(exc, IngestError | StorageError):
            log.exception("%s: item %s: unexpected error", src.name, entry.link or guid)
            exc = IngestError(f"unexpected {type(exc).__name__}: {exc}")
        counts.problems.append(f"{entry.link or guid}: {exc}")
        log.warning("%s: item %s: %s", src.name, entry.link or guid, exc)
        return "failed"

    async def _process(
        self, entry: RawEntry, kwargs: dict[str, Any], page: Fetched | None
    ) -> Processed:
        """The CPU-bound chain for one item: in a worker process when there is a pool, where
        the items ready at the same moment (a full-content feed's) travel as one task."""
        if self._tasks is None:
            return process_item(entry, kwargs, page)
        return await self._tasks.submit((entry, kwargs, page))

    async def _offload(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a pure, CPU-bound stage in a worker process when there is a pool."""
        if self.pool is None:
            return fn(*args, **kwargs)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, functools.partial(fn, *args, **kwargs))

    async def _page(
        self,
        fetcher: Fetcher,
        src: SourceSettings,
        entry: RawEntry,
        now: datetime,
        counts: _Counts,
    ) -> Fetched | None:
        """Fetch the article page; a failure falls back to the feed's own text, and says so."""
        assert entry.link
        try:
            got = await fetcher.get(entry.link, now=now, page=True, robots=src.robots)
        except FetchError as exc:
            counts.problems.append(f"{entry.link}: page not used: {exc} (kept the feed's text)")
            log.warning("%s: page %s: %s (using the feed's text)", src.name, entry.link, exc)
            return None
        return got if isinstance(got, Fetched) else None

    def _template(self, url: str) -> frozenset[str]:
        """The site's template (blocks its stored pages share), learned once per run; the page
        being processed is not stored yet, so only *other* pages count."""
        site = site_of(url)
        if site not in self._templates:
            pages = site_page_keys(self.db, site, limit=TEMPLATE_PAGES)
            self._templates[site] = learn_template(keys for _digest, keys in pages)
        return self._templates[site]


def describe(source: str, exc: Exception) -> str:
    """One line naming the stage, the source and the reason."""
    if isinstance(exc, IngestError):
        exc.source = exc.source or source
        where = f" ({exc.url})" if exc.url else ""
        return f"{exc}{where}"
    if isinstance(exc, StorageError):
        return f"store: {source}: {exc}"
    return f"ingest: {source}: unexpected {type(exc).__name__}: {exc}"


def ingest(
    db: Database,
    settings: Settings,
    names: Sequence[str] | None = None,
    *,
    force: bool = False,
    only_due: bool = False,
    clock: Clock = utcnow,
    pool: Executor | None = None,
) -> list[SourceResult]:
    """One ingest pass (blocking): every selected source once, results in config order.

    With several sources a pool of worker processes (``[service] workers``) shares the CPU-bound
    stages; ``pool`` passes one that outlives the call (the service keeps one for its lifetime).
    """
    own = None
    if pool is None and len(names or settings.sources) * 8 >= MIN_TASKS:
        pool = own = make_pool(worker_count(settings.service.workers))
    try:
        ingestor = Ingestor(db, settings, clock=clock, pool=pool)
        return asyncio.run(ingestor.run(names, force=force, only_due=only_due))
    finally:
        forget()  # the analyses kept for this run's near-duplicate checks
        if own is not None:
            own.shutdown()
        memory.release()  # what the run freed, back to the system before a publish
