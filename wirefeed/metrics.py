"""Prometheus metrics of the service: fetches, errors, stories and latency, per source.

The service records each tick's ``SourceResult``s here; ``serve_metrics`` exposes them on an HTTP
port and ``write_metrics`` to a text file (for node_exporter's textfile collector). This module
does not look inside the pipeline: it only counts what the pipeline reported.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import start_http_server as _start_http_server

from ingest.pipeline import SourceResult

REGISTRY = CollectorRegistry()
FETCHES = Counter(
    "wirefeed_fetches", "Feed fetches by outcome", ["source", "outcome"], registry=REGISTRY
)
ERRORS = Counter("wirefeed_errors", "Failed fetches and items", ["source"], registry=REGISTRY)
STORIES = Counter(
    "wirefeed_stories", "Stories by what happened to them", ["source", "kind"], registry=REGISTRY
)
LATENCY = Histogram(
    "wirefeed_source_seconds",
    "Seconds to ingest one source (fetch to store)",
    ["source"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
    registry=REGISTRY,
)
HEALTHY = Gauge("wirefeed_last_tick_ok", "1 if the last tick ran without error", registry=REGISTRY)
HEALTH_STATES = ("new", "healthy", "degraded", "failing", "dead")
SOURCE_HEALTH = Gauge(
    "wirefeed_source_health",
    "1 for the health state each source is in (new, healthy, degraded, failing, dead)",
    ["source", "state"],
    registry=REGISTRY,
)


def record_health(states: Mapping[str, str]) -> None:
    """Set each source's health gauge: 1 for its state, 0 for the others."""
    for source, current in states.items():
        for state in HEALTH_STATES:
            SOURCE_HEALTH.labels(source, state).set(1 if state == current else 0)


def record(results: Iterable[SourceResult]) -> None:
    for r in results:
        FETCHES.labels(r.source, r.status).inc()
        if r.status == "error":
            ERRORS.labels(r.source).inc()
        if r.failed:
            ERRORS.labels(r.source).inc(r.failed)
        for kind in ("new", "updated", "duplicate", "unchanged"):
            value = getattr(r, kind)
            if value:
                STORIES.labels(r.source, kind).inc(value)
        if r.status != "skipped":
            LATENCY.labels(r.source).observe(r.seconds)


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    _start_http_server(port, addr=host, registry=REGISTRY)


def write_metrics(path: str | Path) -> None:
    """Write the metrics atomically to ``path`` (text exposition format)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".metrics-")
    with os.fdopen(fd, "wb") as out:
        out.write(generate_latest(REGISTRY))
    os.replace(tmp, target)


def exposition() -> str:
    return generate_latest(REGISTRY).decode("utf-8")
