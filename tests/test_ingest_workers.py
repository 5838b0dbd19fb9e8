"""The worker pool: processes that run the pure stages, below the orchestrator's priority."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
    script = tmp_path / "orchestrator.py"
    script.write_text(ORPHAN_SCRIPT, encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    workers = [int(pid) for pid in proc.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:  # a zombie is gone too
        return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
