"""``wirefeed run``: the background service, a dumb tick over per-source state in the database.

APScheduler calls ``Service.tick`` at a fixed interval (one instance at a time, missed runs
coalesced); each tick ingests the sources that are due (due times live in the database, so a
restart loses nothing) and publishes when anything changed. The config is reloaded on SIGHUP and
when its file changes: new sources are due at once, removed ones stop, an invalid file is
refused with a message and the service keeps the settings it has. SIGTERM and SIGINT stop the
scheduler after the tick in flight; every story is written in its own transaction, so nothing is
half-written. This module holds no ingest or publish logic.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler

from config import ConfigError, Settings
from config.settings import parse_interval
from ingest.pipeline import SourceResult
from store.db import Database
from store.sources import all_states
from wirefeed import metrics
from wirefeed.jobs import run_cycle

log = logging.getLogger("wirefeed.service")


class Service:
    """The state of a running service: current settings, where they came from, and the DB."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        loader: Callable[[], Settings] | None = None,
        config_path: Path | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.loader = loader
        self.config_path = config_path
        self._mtime = self._config_mtime()
        self._reload_requested = threading.Event()
        self._lock = threading.Lock()

    def _config_mtime(self) -> float | None:
        try:
            return os.stat(self.config_path).st_mtime if self.config_path else None
        except OSError:
            return None

    def request_reload(self) -> None:
        self._reload_requested.set()

    def maybe_reload(self) -> bool:
        """Reload the config if asked (SIGHUP) or if its file changed; True when it changed."""
        mtime = self._config_mtime()
        if not self._reload_requested.is_set() and mtime == self._mtime:
            return False
        self._reload_requested.clear()
        self._mtime = mtime
        if self.loader is None:
            return False
        try:
            new = self.loader()
        except ConfigError as exc:
            log.error("config reload refused, keeping the running config: %s", exc)
            return False
        if new.database.url != self.settings.database.url:
            log.warning("config reload: a new [database] url needs a restart; keeping the old one")
        old_names = {s.name for s in self.settings.sources}
        new_names = {s.name for s in new.sources}
        self.settings = new
        log.info(
            "config reloaded: %d sources (%d added, %d removed)",
            len(new_names),
            len(new_names - old_names),
            len(old_names - new_names),
        )
        return True

    def tick(self) -> bool:
        """One scheduler tick; True when it published. Errors are logged, never raised."""
        with self._lock:
            self.maybe_reload()
            started = time.monotonic()
            try:
                results, report = run_cycle(self.db, self.settings, only_due=True)
            except Exception:  # the service must outlive any one bad tick
                log.exception("tick failed")
                metrics.HEALTHY.set(0)
                return False
            metrics.HEALTHY.set(1)
            metrics.record(results)
            states = all_states(self.db)
            metrics.record_health(
                {s.name: states[s.name].health for s in self.settings.sources if s.name in states}
            )
            for r in results:
                _log_result(r)
            if self.settings.service.metrics_file:
                try:
                    metrics.write_metrics(self.settings.service.metrics_file)
                except OSError as exc:
                    log.error("cannot write metrics file: %s", exc)
            log.info(
                "tick: %d sources due, %d stories new or updated, %s (%.2f s)",
                len(results),
                sum(r.new + r.updated for r in results),
                f"published {report.files_written} files" if report else "nothing to publish",
                time.monotonic() - started,
                extra={"sources_due": len(results)},
            )
            return report is not None


def _log_result(r: SourceResult) -> None:
    level = logging.WARNING if r.status == "error" else logging.INFO
    log.log(
        level,
        r.line(),
        extra={
            "source": r.source,
            "status": r.status,
            "new": r.new,
            "updated": r.updated,
            "duplicate": r.duplicate,
            "unchanged": r.unchanged,
            "failed": r.failed,
            "seconds": round(r.seconds, 3),
            "error": r.error,
        },
    )


def run_service(
    service: Service,
    *,
    tick_seconds: float | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Run until SIGTERM/SIGINT (or ``stop`` is set), then let the tick in flight finish."""
    stop = stop or threading.Event()
    every = tick_seconds or parse_interval(service.settings.service.tick)
    if service.settings.service.metrics_port:
        metrics.serve_metrics(service.settings.service.metrics_port)
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.add_job(
        service.tick,
        "interval",
        seconds=every,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=max(1, int(every)),
        id="ingest-and-publish",
    )

    def _stop(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping after the work in flight", signal.Signals(signum).name)
        stop.set()

    def _hup(_signum: int, _frame: FrameType | None) -> None:
        log.info("received SIGHUP: reloading the config before the next tick")
        service.request_reload()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGHUP, _hup)
    log.info("service started: %d sources, tick every %.0f s", len(service.settings.sources), every)
    scheduler.start()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        scheduler.shutdown(wait=True)
        log.info("service stopped")
