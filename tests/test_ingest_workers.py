"""The worker pool: processes that run the pure stages, below the orchestrator's priority."""

from __future__ import annotations

import os

from ingest.workers import WORKER_NICENESS, make_pool


def test_workers_yield_the_cpu_to_the_orchestrator() -> None:
    pool = make_pool(2)
    assert pool is not None
    try:
        seen = set(pool.map(niceness, range(4)))
    finally:
        pool.shutdown()
    assert seen == {min(os.nice(0) + WORKER_NICENESS, 19)}


def niceness(_n: int) -> int:  # module-level: the pool sends it by name
    return os.nice(0)


def test_one_worker_means_no_pool() -> None:
    assert make_pool(1) is None
