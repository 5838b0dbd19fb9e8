"""Scoring of extracted article text against a ground truth, and loading of the dev set.

Implements the article-extraction-benchmark method: ``\\w+`` tokens (case kept), multisets of
4-token shingles (a 1-3 token text is one shingle, an empty text none), per-page precision and
recall on shared shingles (multiset minimum); precision averaged over pages with output, recall
over all pages, F1 of those averages, plus the plain mean of per-page F1.

It does not run extractors or time them (``bench/extraction.py`` does) and never copies the dev
pages: they are read from ``../shared/extraction-dev`` at run time.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DEV_DIR = Path(__file__).resolve().parents[2] / "shared" / "extraction-dev"
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class DevPage:
    """One page of the dev set: its id, URL, HTML and expected body."""

    id: str
    url: str
    html: str
    expected: str


@dataclass(frozen=True, slots=True)
class PageScore:
    precision: float | None  # None when the extractor returned nothing
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class Summary:
    precision: float
    recall: float
    f1: float
    mean_page_f1: float


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The multiset of ``n``-token shingles of ``text``."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def score_page(predicted: str | None, expected: str) -> PageScore:
    """Precision, recall and F1 of one prediction (``None``/empty scores recall 0)."""
    pred = shingles(predicted or "")
    true = shingles(expected)
    shared = sum((pred & true).values())
    recall = shared / sum(true.values()) if true else (1.0 if not pred else 0.0)
    if not pred:
        return PageScore(None, recall, 0.0)
    precision = shared / sum(pred.values())
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PageScore(precision, recall, f1)


def summarize(scores: list[PageScore]) -> Summary:
    """Benchmark aggregate: P over pages with output, R over all, F1 of the averages."""
    with_output = [s.precision for s in scores if s.precision is not None]
    p = sum(with_output) / len(with_output) if with_output else 0.0
    r = sum(s.recall for s in scores) / len(scores) if scores else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    mean_f1 = sum(s.f1 for s in scores) / len(scores) if scores else 0.0
    return Summary(p, r, f1, mean_f1)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        head = raw[:4096].decode("ascii", "ignore")
        m = re.search(r"charset=[\"']?([\w.:-]+)", head, re.I)
        for enc in ([m.group(1)] if m else []) + ["cp1252"]:
            try:
                return raw.decode(enc, "replace")
            except LookupError:
                continue
        return raw.decode("utf-8", "replace")


def dev_available(root: Path = DEV_DIR) -> bool:
    return (root / "ground-truth.json").is_file()


def load_dev(root: Path = DEV_DIR) -> Iterator[DevPage]:
    """Yield the dev pages in id order (decoded as the README says)."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        raw = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes())
        item = truth[page_id]
        yield DevPage(page_id, item["url"], _decode(raw), item["articleBody"])
