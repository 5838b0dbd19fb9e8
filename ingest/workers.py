"""A pool of worker processes for the CPU-bound stages (extract, clean, attribute, fingerprint).

Fetching stays async in the main process; the pure per-item chain runs in these workers so that
both cores work. Workers start from a fork server that has already imported the stages, so each
starts in milliseconds and imports nothing per task. Small runs skip the pool: below
``MIN_TASKS`` items its start-up costs more than it saves. This module runs no stage itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import threading
import time
import zlib
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ingest.clean_text import decode_page
from ingest.dedupe import entry_hash, entry_identity, guid_key, usable_guids
from ingest.fingerprint import Analysis, Fingerprint, analysis_of, fingerprint_of
from ingest.parse import parse_feed
from ingest.process import process_entry
from ingest.types import Fetched, ParsedFeed, RawEntry, StoryDraft
from ingest.urls import url_key

MIN_TASKS = 24  # fewer items than this are processed in-process


@dataclass(frozen=True, slots=True)
class Processed:
    """What a worker returns: the draft, its fingerprint and text analysis (the main process
    compares it with stored candidates), and the page packed for storage."""

    draft: StoryDraft
    fingerprint: Fingerprint
    page: tuple[str, bytes] | None = None  # (hash, compressed bytes) of the raw page
    analysis: Analysis | None = None


def process_item(entry: RawEntry, kwargs: dict[str, Any], page: Fetched | None) -> Processed:
    """The whole CPU-bound part of one item: decode and pack the page, ``process_entry``, and
    the body's fingerprint."""
    packed = None
    if page is not None:
        digest = hashlib.sha256(page.body).hexdigest()
        packed = (digest, zlib.compress(page.body, 1))
        page_html, page_bytes = decode_page(page.body, page.content_type)
        kwargs = kwargs | {
            "page_html": page_html,
            "page_url": page.final_url,
            "page_blob": digest,
            "page_bytes": page_bytes,  # the fetched bytes when they are page_html's UTF-8
        }
    draft = process_entry(entry, **kwargs)
    analysis = analysis_of(draft.body.text)
    return Processed(draft, fingerprint_of(analysis), packed, analysis)


def process_items(
    jobs: list[tuple[RawEntry, dict[str, Any], Fetched | None]],
) -> list[Processed | Exception]:
    """``process_item`` for several items in one task; a failing item fails alone."""
    out: list[Processed | Exception] = []
    for entry, kwargs, page in jobs:
        try:
            out.append(process_item(entry, kwargs, page))
        except Exception as exc:  # reported against this item by the orchestrator
            out.append(exc)
    return out


@dataclass(frozen=True, slots=True)
class FeedItems:
    """A parsed feed with what the orchestrator needs of each usable item before deciding:
    ``(guid, url key, guid key)`` to look it up, and its entry hash to notice a change."""

    feed: ParsedFeed
    entries: tuple[RawEntry, ...]
    keys: tuple[tuple[str, str | None, str | None], ...]
    hashes: tuple[str, ...]


def parse_items(body: bytes, url: str, content_type: str | None, *, max_items: int) -> FeedItems:
    """``parse_feed`` plus each usable item's keys and entry hash (CPU work off the
    orchestrator: a full-content feed's hashes cost as much as storing its items)."""
    feed = parse_feed(body, url, content_type, max_items=max_items)
    entries = tuple(usable_guids(feed.entries))
    keys = []
    for entry in entries:
        guid = entry_identity(entry)
        keys.append((guid, url_key(entry.link), guid_key(guid)))
    return FeedItems(feed, entries, tuple(keys), tuple(entry_hash(e) for e in entries))


def worker_count(configured: int) -> int:
    """``configured`` processes, or one per core for 0; 1 means no pool."""
    return configured if configured > 0 else max(1, os.cpu_count() or 1)


def make_pool(workers: int) -> Executor | None:
    """A process pool of ``workers`` processes, or None when one process is all there is."""
    if workers <= 1:
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ingest.workers"])
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )


WORKER_NICENESS = 10
WATCH_SECONDS = 1.0


def _start_worker(orchestrator: int) -> None:
    """Each worker: lower its priority, and leave when the orchestrator is gone."""
    _yield_to_orchestrator()
    threading.Thread(target=_watch, args=(orchestrator,), daemon=True).start()


def _watch(orchestrator: int) -> None:
    """Exit once ``orchestrator`` no longer exists: a killed service (``kill -9``, OOM) must not
    leave its workers behind, and a worker's own copy of the task queue keeps it waiting for
    tasks that will never come."""
    while True:
        time.sleep(WATCH_SECONDS)
        try:
            os.kill(orchestrator, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # the pid is taken by another user's process: ours is gone
            os._exit(0)


def _yield_to_orchestrator() -> None:
    """Run the workers at a lower CPU priority than the process that feeds them.

    The orchestrator (fetching, storing, handing out work) is one thread; the workers are
    many. With every core busy, a fair scheduler gives each runnable process the same share,
    so the orchestrator, the one serial step, would get a fraction of a core while the workers
    wait for the work it cannot hand out fast enough. Lower-priority workers still use every
    cycle the orchestrator leaves.
    """
    with contextlib.suppress(OSError):  # not permitted here: run at the same priority
        os.nice(WORKER_NICENESS)
