"""Fetch bench: CPU per article page through Wirefeed's HTTP stack, lean transport vs httpx's own.

Generates a small corpus (``bench.corpus``: article pages of 60-120 KB), serves it from the
bench server in a subprocess (its CPU stays out of the figures), and fetches the same pages
with ``ingest.fetch.fetch`` through two clients built by ``ingest.fetch.make_client``: the
default one (``ingest.transport.LeanTransport`` under httpx's client) and the one a proxy or
HTTP/2 setting selects (httpx's own transport with the SSRF guard), eight requests at a time
as the ingest does. It prints this process's CPU per page (the orchestrator's cost of a
fetch), the wall time, and the ratio; rounds alternate between the two, medians are quoted.

    python bench/fetch.py [--pages 2000] [--rounds 3]

It measures the client side only, on 127.0.0.1: no network latency, no TLS.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.corpus import Spec, write_corpus  # noqa: E402
from bench.server import start_subprocess  # noqa: E402
from config.allow import parse_allow  # noqa: E402
from ingest.fetch import ACCEPT_PAGE, fetch, make_client  # noqa: E402
from ingest.guard import guarded_transport  # noqa: E402
from ingest.types import Fetched  # noqa: E402

CONCURRENCY = 8


def client(kind: str, base: str) -> httpx.AsyncClient:
    allow = parse_allow([base])
    if kind == "lean":
        return make_client(
            user_agent="wirefeed-bench", timeout=30, max_redirects=3, allow=allow, http2=False
        )
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    return make_client(
        user_agent="wirefeed-bench",
        timeout=30,
        max_redirects=3,
        transport=guarded_transport(allow, limits=limits),
    )


async def one_round(kind: str, base: str, paths: list[str]) -> tuple[float, float, int]:
    """(CPU us per page, wall s, bytes) for fetching every path once."""
    async with client(kind, base) as c:
        await fetch(c, base + paths[0], max_bytes=10_000_000, accept=ACCEPT_PAGE)  # connect
        slots = asyncio.Semaphore(CONCURRENCY)

        async def get(path: str) -> int:
            async with slots:
                got = await fetch(c, base + path, max_bytes=10_000_000, accept=ACCEPT_PAGE)
            assert isinstance(got, Fetched)
            return len(got.body)

        cpu, wall = time.process_time(), time.perf_counter()
        sizes = await asyncio.gather(*(get(p) for p in paths))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu / len(paths) * 1e6, wall, sum(sizes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="wirefeed-fetch-") as tmp:
        feeds = args.pages // 15 + 1  # 20 items a feed, some of them carried copies
        manifest = write_corpus(Spec(feeds=feeds, items=20), Path(tmp))
        paths = [p for p in manifest.files if p.endswith(".html")][: args.pages]
        results: dict[str, list[tuple[float, float, int]]] = {"lean": [], "httpx": []}
        with start_subprocess(Path(tmp)) as base:
            for _ in range(args.rounds):
                for kind in results:
                    results[kind].append(asyncio.run(one_round(kind, base, paths)))
    size = results["lean"][0][2] / len(paths) / 1024
    print(f"{len(paths)} pages of {size:.0f} KB on average, {CONCURRENCY} at a time, 127.0.0.1")
    med = {
        k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v))
        for k, v in results.items()
    }
    for kind, label in (("lean", "ingest.transport (default)"), ("httpx", "httpx's own transport")):
        cpu, wall = med[kind]
        print(f"  {label:28s} {cpu:6.0f} us CPU per page  {wall:5.2f} s wall")
    print(f"ratio of CPU per page, httpx's / ours: {med['httpx'][0] / med['lean'][0]:.2f}x")


if __name__ == "__main__":
    main()
