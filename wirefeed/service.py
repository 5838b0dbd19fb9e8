"""``wirefeed run``: the background service, a dumb tick over per-source state in the database.

APScheduler calls ``tick`` at a fixed interval (one instance at a time, missed runs coalesced);
each tick ingests the sources that are due (due times live in the database, so a restart loses
nothing) and publishes when anything changed. SIGTERM and SIGINT stop the scheduler after the
tick in flight: every story is written in its own transaction, so nothing is half-written.
This module holds no ingest or publish logic.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from datetime import UTC, datetime
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler

from config.settings import Settings
from store.db import Database
from wirefeed.jobs import run_cycle

log = logging.getLogger("wirefeed.service")


def tick(db: Database, settings: Settings) -> bool:
    """One scheduler tick; True when it published. Errors are logged, never raised."""
    started = time.monotonic()
    try:
        results, report = run_cycle(db, settings, only_due=True)
    except Exception:  # the service must outlive any one bad tick
        log.exception("tick failed")
        return False
    changed = sum(r.new + r.updated for r in results)
    log.info(
        "tick: %d sources due, %d stories new or updated, %s (%.2f s)",
        len(results),
        changed,
        f"published {report.files_written} files" if report else "nothing to publish",
        time.monotonic() - started,
    )
    return report is not None


def run_service(
    settings: Settings,
    db: Database,
    *,
    tick_seconds: float = 30.0,
    stop: threading.Event | None = None,
) -> None:
    """Run until SIGTERM/SIGINT (or ``stop`` is set), then let the tick in flight finish."""
    stop = stop or threading.Event()
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        tick,
        "interval",
        args=(db, settings),
        seconds=tick_seconds,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=max(1, int(tick_seconds)),
        id="ingest-and-publish",
    )

    def _stop(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping after the work in flight", signal.Signals(signum).name)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    log.info("service started: %d sources, tick every %.0f s", len(settings.sources), tick_seconds)
    scheduler.start()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        scheduler.shutdown(wait=True)
        log.info("service stopped")
