"""A pool of worker processes for the CPU-bound stages (extract, clean, attribute, fingerprint).

Fetching stays async in the main process; the pure per-item chain runs in these workers so that
both cores work. Workers start from a fork server that has already imported the stages, so each
starts in milliseconds and imports nothing per task. Small runs skip the pool: below
``MIN_TASKS`` items its start-up costs more than it saves. This module runs no stage itself.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from ingest.fingerprint import Fingerprint, fingerprint
from ingest.process import process_entry
from ingest.types import RawEntry, StoryDraft

MIN_TASKS = 24  # fewer items than this are processed in-process


def process_item(entry: RawEntry, kwargs: dict[str, Any]) -> tuple[StoryDraft, Fingerprint]:
    """``process_entry`` plus the body's fingerprint: the whole CPU-bound part of one item."""
    draft = process_entry(entry, **kwargs)
    return draft, fingerprint(draft.body.text)


def worker_count(configured: int) -> int:
    """``configured`` processes, or one per core for 0; 1 means no pool."""
    return configured if configured > 0 else max(1, os.cpu_count() or 1)


def make_pool(workers: int) -> Executor | None:
    """A process pool of ``workers`` processes, or None when one process is all there is."""
    if workers <= 1:
        return None
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ingest.workers"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)
