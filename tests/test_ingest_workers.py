"""The worker pool: processes that run the pure stages, below the orchestrator's priority."""

from __future__ import annotations

import os
from pathlib import Path

from ingest.workers import WORKER_NICENESS, make_pool
from tests.conftest import workers_left_after_kill


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


ORPHAN_SCRIPT = """
import os, sys, time
from ingest.workers import make_pool
from tests.test_ingest_workers import niceness

if __name__ == "__main__":
    pool = make_pool(2)
    list(pool.map(niceness, range(8)))
    kids = [p.pid for p in pool._processes.values()]
    print(" ".join(map(str, kids)), flush=True)
    time.sleep(60)
"""


def test_workers_leave_when_the_orchestrator_is_killed(tmp_path: Path) -> None:
    assert workers_left_after_kill(ORPHAN_SCRIPT, tmp_path) == []
