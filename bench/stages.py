"""Where the CPU went: run a call under cProfile and split its CPU time by pipeline stage.

The profiler's clock is the wall clock (blocking calls such as SQLite commits show in their stage;
the event loop idling in epoll is "wait") or ``time.thread_time`` (CPU of the profiled thread
only). Each function's own time goes to a stage by its module (``ingest.fetch*`` ->
fetch, ``ingest.extract*`` -> extract, ``store.*`` -> store, ``publish.*`` -> publish, ...);
a function outside our packages (lxml, feedparser, httpx, sqlalchemy, asyncio...) inherits the
stages of its callers, weighted by how much of its time each caller accounts for (cProfile's
per-caller figures), recursively. Time nobody in our packages asked for (the event loop's own
bookkeeping) is "other".

It deliberately does not see other threads or worker processes: the other threads' CPU is
reported as a total beside the split (``other_threads_s``), not attributed to stages; the
workers' CPU is ``bench/e2e.py``'s process-tree figure (they are the fork server's children, so
this process's rusage never sees them).
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

# (module prefix, stage), first match wins; modules are dotted paths relative to the repo root.
STAGES: tuple[tuple[str, str], ...] = (
    ("ingest.fetch", "fetch"),
    ("ingest.robots", "fetch"),
    ("ingest.transport", "fetch"),
    ("ingest.http11", "fetch"),
    ("ingest.guard", "fetch"),
    ("ingest.parse", "parse"),
    ("ingest.jsonfeed", "parse"),
    ("ingest.extract", "extract"),
    ("ingest.clean", "clean"),
    ("ingest.attribute", "attribute"),
    ("ingest.agencies", "attribute"),
    ("ingest.sections", "sections"),
    ("ingest.dedupe", "dedupe"),
    ("ingest.fingerprint", "dedupe"),
    ("ingest.urls", "dedupe"),
    ("store.", "store"),
    ("publish.", "publish"),
    ("ingest.", "pipeline"),  # orchestration: pipeline, process, outcome, schedule...
    ("wirefeed.", "pipeline"),
)
ORDER = (
    "fetch",
    "parse",
    "extract",
    "clean",
    "attribute",
    "sections",
    "dedupe",
    "store",
    "publish",
    "pipeline",
    "other",
    "wait",
)
Func = tuple[str, int, str]


def module_of(filename: str, root: Path) -> str | None:
    """Dotted module of a source file under ``root`` (None for builtins and other trees)."""
    try:
        rel = Path(filename).resolve().relative_to(root)
    except (ValueError, OSError):
        return None
    return ".".join(rel.with_suffix("").parts)


def stage_of(filename: str, root: Path) -> str | None:
    mod = module_of(filename, root)
    if mod is None or mod.startswith("bench."):
        return None
    for prefix, stage in STAGES:
        if mod.startswith(prefix) or mod == prefix.rstrip("."):
            return stage
    return None


def _builtin_stage(func: Func) -> str | None:
    """Blocking waits of the event loop (network idle, waiting on workers) are their own stage."""
    if func[0] == "~" and ("of 'select." in func[2] or "select.select" in func[2]):
        return "wait"
    return None


def split_by_stage(stats: dict[Func, Any], root: Path) -> dict[str, float]:
    """Seconds of own time per stage, third-party time inherited from callers."""
    memo: dict[Func, dict[str, float]] = {}
    busy: set[Func] = set()

    def shares(func: Func) -> dict[str, float]:
        if func in memo:
            return memo[func]
        own = stage_of(func[0], root) or _builtin_stage(func)
        if own is not None:
            return memo.setdefault(func, {own: 1.0})
        if func in busy:
            return {"other": 1.0}
        busy.add(func)
        callers = stats[func][4] if func in stats else {}
        weights = {c: (v[2] or v[1] * 1e-9) for c, v in callers.items()}
        total = sum(weights.values())
        mix: dict[str, float] = defaultdict(float)
        if total <= 0:
            mix["other"] = 1.0
        else:
            for caller, w in weights.items():
                for stage, part in shares(caller).items():
                    mix[stage] += part * w / total
        busy.discard(func)
        return memo.setdefault(func, dict(mix))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20000))
    try:
        out: dict[str, float] = defaultdict(float)
        for func, (_cc, _nc, tt, _ct, _callers) in stats.items():
            for stage, part in shares(func).items():
                out[stage] += tt * part
    finally:
        sys.setrecursionlimit(limit)
    return dict(out)


def top_functions(stats: dict[Func, Any], n: int = 12) -> list[tuple[str, float]]:
    rows = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:n]
    return [(f"{Path(f[0]).name}:{f[1]}({f[2]})", v[2]) for f, v in rows]


def profile_call(fn: Callable[[], object], root: Path, clock: str = "wall") -> dict[str, Any]:
    """Run ``fn`` under cProfile; the stage split (``clock``: "wall" or "cpu") and CPU totals."""
    prof = cProfile.Profile(time.perf_counter if clock == "wall" else time.thread_time)
    wall, cpu = time.perf_counter(), time.process_time()
    thread = time.thread_time()
    prof.runcall(fn)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    thread = time.thread_time() - thread
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    return {
        "clock": clock,
        "stages": split_by_stage(stats, root.resolve()),
        "wall_s": wall,
        "main_thread_s": thread,
        "other_threads_s": max(0.0, cpu - thread),
        "top": top_functions(stats),
    }


def format_stages(p: dict[str, Any]) -> str:
    stages: dict[str, float] = p["stages"]
    total = sum(stages.values()) or 1.0
    what = "wall time" if p["clock"] == "wall" else "CPU time"
    lines = [
        f"where the {what} went (a separate run under cProfile, main thread, {what} clock; "
        f"wall {p['wall_s']:.1f} s, main-thread CPU {p['main_thread_s']:.1f} s, other threads "
        f"{p['other_threads_s']:.1f} s, worker processes not seen here; "
        "profiling inflates Python-heavy code; 'wait' = event loop idle in select/epoll):"
    ]
    for stage in ORDER:
        if stage in stages:
            s = stages[stage]
            lines.append(f"  {stage:10} {s:8.2f} s  {100 * s / total:5.1f} %")
    lines.append("  top functions by own time:")
    lines.extend(f"    {t:7.2f} s  {name}" for name, t in p["top"])
    return "\n".join(lines)
