"""Benchmark article extractors on the extraction dev set: quality and speed, in one process.

Usage: ``python bench/extraction.py [--show N] [--pages] [module:function ...]``. Each function is
called as ``f(html, url)`` and may return a ``str``, ``None`` or an object with ``.text``. The
default compares ours (``ingest.extract:extract_article``) with trafilatura's defaults
(``bench.extraction:trafilatura_default``). Prints P, R, F1, mean per-page F1, failures, pages
under 0.5 F1, median/p95 ms per page, and the ratios of each extractor to the last one (the
baseline). Pages are processed interleaved (every extractor on page 1, then page 2...) so that
machine noise hits all of them alike.

It does not copy the dev pages anywhere; with ``../shared/extraction-dev`` absent it exits 2.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.scoring import PageScore, dev_available, load_dev, score_page, summarize  # noqa: E402

DEFAULT = ["ingest.extract:extract_article", "bench.extraction:trafilatura_default"]


def trafilatura_default(html: str, url: str) -> str | None:
    """The baseline: trafilatura's plain-text extraction with its default settings."""
    import trafilatura

    return trafilatura.extract(html, url=url)


def _load(spec: str) -> Callable[[str, str], Any]:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _as_text(result: Any) -> str:
    if result is None:
        return ""
    if isinstance(result, str):
        return result
    return str(getattr(result, "text", "") or "")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("extractors", nargs="*", default=DEFAULT)
    parser.add_argument("--show", type=int, default=0, help="list the N worst pages per extractor")
    args = parser.parse_args(argv)
    if not dev_available():
        print("extraction dev set not found (../shared/extraction-dev)", file=sys.stderr)
        return 2
    pages = list(load_dev())
    funcs = [(spec, _load(spec)) for spec in args.extractors]
    for _spec, func in funcs:  # warm-up: imports, regex compilation, caches
        with contextlib.suppress(Exception):
            func(pages[0].html, pages[0].url)
    scores: dict[str, list[PageScore]] = {s: [] for s, _ in funcs}
    times: dict[str, list[float]] = {s: [] for s, _ in funcs}
    failures: dict[str, list[str]] = {s: [] for s, _ in funcs}
    for page in pages:
        for spec, func in funcs:
            start = time.perf_counter()
            try:
                text = _as_text(func(page.html, page.url))
            except Exception as exc:
                text = ""
                failures[spec].append(f"{page.id[:12]}: {type(exc).__name__}: {exc}")
            times[spec].append((time.perf_counter() - start) * 1000)
            scores[spec].append(score_page(text, page.expected))
    rows = []
    print(f"{len(pages)} pages")
    header = f"{'extractor':45} {'P':>6} {'R':>6} {'F1':>6} {'pageF1':>6} {'fail':>4} {'<0.5':>4}"
    print(header + f" {'med ms':>7} {'p95 ms':>7}")
    for spec, _ in funcs:
        summ = summarize(scores[spec])
        low = [p.id for p, s in zip(pages, scores[spec], strict=True) if s.f1 < 0.5]
        med, p95 = statistics.median(times[spec]), _p95(times[spec])
        rows.append((spec, summ, med))
        print(
            f"{spec:45} {summ.precision:6.3f} {summ.recall:6.3f} {summ.f1:6.3f} "
            f"{summ.mean_page_f1:6.3f} {len(failures[spec]):4d} {len(low):4d} {med:7.1f} {p95:7.1f}"
        )
    base_spec, base, base_med = rows[-1]
    for spec, summ, med in rows[:-1]:
        print(
            f"ratio {spec} / {base_spec}: F1 {summ.f1 / base.f1:.3f}, "
            f"pageF1 {summ.mean_page_f1 / base.mean_page_f1:.3f}, median ms {med / base_med:.2f}"
        )
    for spec, _ in funcs:
        for line in failures[spec]:
            print(f"FAIL {spec} {line}")
        if args.show:
            ranked = sorted(zip(pages, scores[spec], strict=True), key=lambda ps: ps[1].f1)
            for page, s in ranked[: args.show]:
                prec = "-" if s.precision is None else f"{s.precision:.2f}"
                print(
                    f"  {spec[:20]} {page.id[:12]} F1 {s.f1:.2f} P {prec} R {s.recall:.2f} "
                    f"{page.url[:70]}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
