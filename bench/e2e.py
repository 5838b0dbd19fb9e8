"""End-to-end bench: Wirefeed vs the sequential baseline over the same generated corpus.

Run: ``.venv/bin/python bench/e2e.py [--feeds 300 --items 20] [--small] [--feed-only] [--profile]``

Generates the corpus (``bench.corpus``) into a temporary directory, serves it from a subprocess
(``bench.server``: its CPU stays out of the measured processes; with 2 cores it still competes
with them, equally for both contenders), then runs, each in its own child process so that peak
RSS is theirs alone: Wirefeed (``ingest.pipeline.ingest`` then ``wirefeed.jobs.publish``, a
temporary SQLite database, one source per feed) and a second Wirefeed pass over the unchanged
feeds (all 304s); the baseline (``bench.baseline``); with ``--profile``, one more Wirefeed run
under cProfile whose CPU is split by stage (``bench.stages``). Prints stories/s of each, the
ratio, peak RSS (the child's whole process tree, sampled from /proc) and the stage split.

stories/s counts feed items turned into a story or recognised as a duplicate of one, over the
wall time of the run (imports and interpreter start excluded, publish included for Wirefeed).
It makes no assertions; the targets are the lead's (issue 9).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import Manifest, Spec, load_manifest, write_corpus  # noqa: E402
from bench.server import start_subprocess  # noqa: E402

SMALL = (60, 10)
BASELINE_FEEDS = 60
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")


def build_settings(manifest: Manifest, base: str, work: Path) -> Any:
    """Settings with one source per feed, the demo config's sections, a temporary database."""
    import tomllib

    from config.load import settings_from_dict
    from wirefeed.demo import DEMO_DATA

    demo = tomllib.loads((DEMO_DATA / "demo.toml").read_text(encoding="utf-8"))
    sections = [
        {**s, "rules": [r for r in s.get("rules", []) if r.get("kind") != "source"]}
        for s in demo.get("sections", [])
    ]
    data = {
        "database": {"url": f"sqlite:///{work / 'wirefeed.db'}"},
        "publish": {"output_dir": str(work / "site")},
        # The corpus is on one host; real outlets are on as many hosts as feeds. Eight
        # connections keep both cores busy against a local server; more only cost CPU (httpx's
        # pool scans its connections pairwise on every request).
        "fetch": {"per_host": 8, "concurrency": 8, "timeout": 60.0, "allow_hosts": [base]},
        "sources": [
            {"name": f.name, "url": base + f.path, "full_text": f.full_text} for f in manifest.feeds
        ],
        "sections": sections,
        "sectioning": demo.get("sectioning", {}),
    }
    return settings_from_dict(data, "bench/e2e.py")


def _rusage() -> dict[str, float]:
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    return {"maxrss_mb": me.ru_maxrss / 1024, "cpu_s": me.ru_utime + me.ru_stime}


def _server_stats(base: str) -> dict[str, int]:
    import httpx

    return dict(httpx.get(base + "/__stats").json())


def child_ours(corpus: Path, base: str, work: Path, profile: str | None) -> dict[str, Any]:
    from ingest.pipeline import ingest
    from store.db import open_database
    from store.stories import count_stories
    from wirefeed.jobs import publish

    settings = build_settings(load_manifest(corpus), base, work)
    db = open_database(settings.database.url)
    out: dict[str, Any] = {}
    if profile:
        from bench.stages import profile_call

        def both() -> None:
            ingest(db, settings)
            publish(db, settings)

        out["stages"] = profile_call(both, ROOT, profile)
        out.update(_rusage())
        return out
    t0 = time.perf_counter()
    results = ingest(db, settings)
    t1 = time.perf_counter()
    report = publish(db, settings)
    t2 = time.perf_counter()
    before = _server_stats(base)
    second = ingest(db, settings)
    t3 = time.perf_counter()
    after = _server_stats(base)
    out.update(
        ingest_s=t1 - t0,
        publish_s=t2 - t1,
        seconds=t2 - t0,
        second_s=t3 - t2,
        new=sum(r.new for r in results),
        duplicate=sum(r.duplicate for r in results),
        updated=sum(r.updated for r in results),
        failed=sum(r.failed for r in results),
        errors=[r.line() for r in results if r.status == "error"][:5],
        stored=count_stories(db),
        published_files=getattr(report, "files_written", None),
        second_status={s: sum(r.status == s for r in second) for s in {r.status for r in second}},
        second_requests={k: after.get(k, 0) - before.get(k, 0) for k in after},
    )
    out.update(_rusage())
    return out


def child_baseline(
    corpus: Path, base: str, work: Path, feed_only: bool, feeds: int
) -> dict[str, Any]:
    from bench.baseline import run_baseline

    urls = [base + f.path for f in load_manifest(corpus).feeds][: feeds or None]
    r = run_baseline(urls, work / "baseline.db", fetch_pages=not feed_only)
    return {
        "stored": r.stories,
        "seconds": r.seconds,
        "items": r.items,
        "failed": r.failed,
        "feeds": len(urls),
        **_rusage(),
    }


def _descendants(pid: int) -> set[int]:
    """``pid`` and every process below it (the workers are the fork server's children)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, todo = {pid}, [pid]
    while todo:
        p = todo.pop()
        for child, parent in parents.items():
            if parent == p and child not in tree:
                tree.add(child)
                todo.append(child)
    return tree


def _tree_rss(tree: set[int], *, proportional: bool = False) -> int:
    """Resident bytes of the processes in ``tree`` (from /proc); ``proportional``: PSS,
    each shared page counted once across the processes sharing it (the worker processes
    share the fork server's pages), instead of RSS, which counts it in each of them."""
    total = 0
    for p in tree:
        try:
            if proportional:
                with open(f"/proc/{p}/smaps_rollup", "rb") as fh:
                    for line in fh:
                        if line.startswith(b"Pss:"):
                            total += int(line.split()[1]) * 1024
                            break
                continue
            with open(f"/proc/{p}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


def _cpu_seconds(tree: set[int], seen: dict[int, float]) -> None:
    """Record each process's CPU so far (user + system) in ``seen``."""
    for p in tree:
        try:
            with open(f"/proc/{p}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            seen[p] = max(seen.get(p, 0.0), (int(fields[11]) + int(fields[12])) / TICK)
        except (OSError, ValueError, IndexError):
            continue


def run_child(kind: str, corpus: Path, base: str, work: Path, args: argparse.Namespace) -> dict:
    """Run one contender in a child process; returns its JSON plus the sampled tree peak RSS."""
    work.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--corpus",
        str(corpus),
        "--base",
        base,
        "--work",
        str(work),
    ] + (["--feed-only"] if args.feed_only else [])
    load = os.getloadavg()[0]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    peak = peak_pss = 0
    samples = 0
    cpu: dict[int, float] = {}
    at_peak: list[int] = []
    started = time.perf_counter()
    peak_at = 0.0
    tree: set[int] = set()
    while proc.poll() is None:
        if samples % 5 == 0:  # listing every process of the machine is the sampler's dearest
            tree = _descendants(proc.pid)  # part: new workers are seen within 0.25 s
        each = {p: _tree_rss({p}) for p in tree}
        if (total := sum(each.values())) > peak:
            peak = total
            others = sorted((v for p, v in each.items() if p != proc.pid), reverse=True)
            at_peak = [each.get(proc.pid, 0), *others]
            peak_at = time.perf_counter() - started
        _cpu_seconds(tree, cpu)
        if samples % 4 == 0:  # PSS costs the kernel more to add up: every 0.2 s
            peak_pss = max(peak_pss, _tree_rss(tree, proportional=True))
        samples += 1
        time.sleep(0.05)
    out, err = proc.communicate()
    if proc.returncode != 0:
        return {"failed_run": f"{kind} run failed (exit {proc.returncode}):\n{err[-2500:]}"}
    result = json.loads(out.strip().splitlines()[-1])
    result["tree_peak_mb"] = peak / 2**20
    result["peak_parts_mb"] = [round(v / 2**20) for v in at_peak]
    result["peak_at_s"] = peak_at
    result["tree_peak_pss_mb"] = peak_pss / 2**20
    result["tree_cpu_s"] = sum(cpu.values())
    result["load"] = load
    return result


def commit_ms(directory: Path, rows: int = 20) -> float:
    """Median cost of one SQLite commit (with its fsync) in ``directory``: disks differ a lot."""
    import sqlite3
    import statistics

    path = directory / "commit-probe.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x INTEGER)")
    times = []
    for i in range(rows):
        t = time.perf_counter()
        conn.execute("INSERT INTO t VALUES (?)", (i,))
        conn.commit()
        times.append(time.perf_counter() - t)
    conn.close()
    path.unlink()
    return statistics.median(times) * 1000


def report(spec: Spec, manifest: Manifest, gen_s: float, base: str, res: dict[str, Any]) -> None:
    mode = "feed-only (full-content feeds)" if spec.full_content else "full text (summary feeds)"
    print(
        f"Wirefeed e2e bench: {spec.feeds} feeds x {spec.items} items = {manifest.items} items, "
        f"{mode}; {manifest.carried} items carried by a second outlet"
    )
    print(
        f"corpus: {manifest.page_bytes / max(manifest.items, 1) / 1024:.0f} KB per page on "
        f"average, generated in {gen_s:.1f} s; server: asyncio subprocess on {base}"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.platform()}; one SQLite commit in the work "
        f"directory: {res['commit_ms']:.1f} ms"
    )
    for r in res.values():
        if isinstance(r, dict) and "failed_run" in r:
            print(r["failed_run"])
    ours = res["ours"] if "failed_run" not in res["ours"] else None
    base_r = res.get("baseline") if "failed_run" not in res.get("baseline", {}) else None
    print()
    print(
        f"{'':10} {'items':>6} {'stored':>7} {'dup':>5} {'failed':>6} {'seconds':>8} "
        f"{'stories/s':>10} {'peak RSS tree':>14} {'(main)':>8} {'load':>5}"
    )
    ours_rate = rate = 0.0
    if ours:
        handled = ours["new"] + ours["duplicate"] + ours["updated"]
        ours_rate = handled / ours["seconds"]
        print(
            f"{'wirefeed':10} {handled:>6} {ours['stored']:>7} {ours['duplicate']:>5} "
            f"{ours['failed']:>6} {ours['seconds']:>8.1f} {ours_rate:>10.1f} "
            f"{ours['tree_peak_mb']:>11.0f} MB {ours['maxrss_mb']:>5.0f} MB {ours['load']:>5.1f}"
        )
    if base_r:
        rate = base_r["stored"] / base_r["seconds"]
        print(
            f"{'baseline':10} {base_r['items']:>6} {base_r['stored']:>7} {'-':>5} "
            f"{base_r['failed']:>6} {base_r['seconds']:>8.1f} {rate:>10.1f} "
            f"{base_r['tree_peak_mb']:>11.0f} MB {base_r['maxrss_mb']:>5.0f} MB "
            f"{base_r['load']:>5.1f}"
        )
        if base_r["items"] < manifest.items:
            print(
                f"  (baseline over the first {base_r['feeds']} feeds of the same corpus: it is "
                "sequential, so its stories/s does not depend on the corpus size)"
            )
    if ours_rate and rate:
        print(f"ratio wirefeed / baseline (stories/s): {ours_rate / rate:.2f}x")
    print(
        "  (load = 1-minute load average when each run started: above ~1 on 2 CPUs, other "
        "work shared the machine and the figures are noisy)"
    )
    if ours:
        _ours_details(manifest, ours)
    served = ", ".join(f"{k}: {v}" for k, v in sorted(res.get("server", {}).items()))
    print(f"server, whole invocation: {served}")
    if "profile" in res and "failed_run" not in res["profile"]:
        from bench.stages import format_stages

        print()
        print(format_stages(res["profile"]["stages"]))


def _ours_details(manifest: Manifest, ours: dict[str, Any]) -> None:
    items = ours["new"] + ours["duplicate"] + ours["updated"] + ours["failed"]
    print(
        f"wirefeed: ingest {ours['ingest_s']:.1f} s ({items / ours['ingest_s']:.0f} stories/s "
        f"for the ingest alone) + publish {ours['publish_s']:.1f} s; "
        f"CPU {ours['tree_cpu_s']:.1f} s in the process tree, {ours['cpu_s']:.1f} s of it in the "
        f"main process (sampled every 0.05 s); {manifest.carried} carried items, "
        f"{ours['duplicate']} found duplicate"
    )
    print(
        f"peak PSS of the tree: {ours.get('tree_peak_pss_mb', 0):.0f} MB (each shared page "
        "counted once; the RSS column counts the fork server's pages again in every worker)"
    )
    parts = " + ".join(str(v) for v in ours.get("peak_parts_mb", []))
    print(
        f"peak RSS tree reached {ours.get('peak_at_s', 0):.1f} s after the run's process started"
        f" (ingest started after its imports); it was, in MB, the main process first: {parts}"
    )
    requests = ", ".join(f"{k}: {v}" for k, v in sorted(ours["second_requests"].items()) if v)
    print(
        f"second run over unchanged feeds: {ours['second_s']:.2f} s; sources "
        f"{ours['second_status']}; requests {requests}"
    )
    for line in ours["errors"]:
        print(f"  error: {line}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=300)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--small", action="store_true", help=f"{SMALL[0]} feeds x {SMALL[1]} items")
    ap.add_argument("--feed-only", action="store_true", help="full-content feeds, no pages")
    ap.add_argument("--profile", action="store_true", help="one more run under cProfile")
    ap.add_argument("--profile-clock", choices=("wall", "cpu"), default="wall")
    ap.add_argument(
        "--baseline-feeds",
        type=int,
        default=BASELINE_FEEDS,
        help="run the baseline over the first N feeds only (0: all); it is sequential, so its "
        f"stories/s does not depend on the corpus size (default {BASELINE_FEEDS})",
    )
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--seed", type=int, default=Spec().seed)
    ap.add_argument("--keep", type=Path, help="work directory to keep (default: a temp dir)")
    ap.add_argument("--child", choices=("ours", "baseline", "profile"), help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--base", help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        if args.child == "baseline":
            out = child_baseline(
                args.corpus, args.base, args.work, args.feed_only, args.baseline_feeds
            )
        else:
            clock = args.profile_clock if args.child == "profile" else None
            out = child_ours(args.corpus, args.base, args.work, clock)
        print(json.dumps(out))
        return
    feeds, items = SMALL if args.small else (args.feeds, args.items)
    spec = Spec(feeds, items, args.seed, args.feed_only)
    with tempfile.TemporaryDirectory(prefix="wirefeed-e2e-") as tmp:
        work = args.keep or Path(tmp)
        for sub in ("corpus", "ours", "base", "prof"):
            shutil.rmtree(work / sub, ignore_errors=True)
        started = time.perf_counter()
        manifest = write_corpus(spec, work / "corpus")
        gen_s = time.perf_counter() - started
        res: dict[str, Any] = {"commit_ms": commit_ms(work)}
        with start_subprocess(work / "corpus") as base:
            res["ours"] = run_child("ours", work / "corpus", base, work / "ours", args)
            if not args.no_baseline:
                res["baseline"] = run_child("baseline", work / "corpus", base, work / "base", args)
            if args.profile:
                res["profile"] = run_child("profile", work / "corpus", base, work / "prof", args)
            res["server"] = _server_stats(base)
        report(spec, manifest, gen_s, base, res)


if __name__ == "__main__":
    main()
