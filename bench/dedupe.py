"""Precision and recall of "same story" on the labelled pairs in tests/data/dedupe/.

Usage: ``python bench/dedupe.py [--show]`` (``--scale`` runs ``bench/dedupe_scale.py`` instead).
Two figures per run:

- pair: ``ingest.dedupe_near.same_story`` on each labelled pair (the confirming decision alone);
- end to end: every copy in the set is fingerprinted into a real SQLite database through
  ``store.fingerprints``; a pair counts as "same" only when the index offers the other copy as a
  candidate (within the time window) AND ``same_story`` confirms it, which is what the pipeline
  will do.

Also prints "related" for the pairs labelled related (two agencies, follow-ups) and the mean
number of candidates a look-up returns. Targets: precision >= 0.995, recall >= 0.95. It does not
time anything at scale (``bench/dedupe_scale.py``) and never edits the labelled set
(``bench/make_dedupe_pairs.py`` builds it).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from ingest.dedupe_near import WINDOW, Candidate, Verdict, same_story  # noqa: E402
from ingest.fingerprint import fingerprint  # noqa: E402
from store import fingerprints  # noqa: E402
from store.migrations import migrate  # noqa: E402
from store.schema_dedupe import STATEMENTS  # noqa: E402

DATA = ROOT / "tests" / "data" / "dedupe"


@dataclass(frozen=True, slots=True)
class Pair:
    id: str
    kind: str
    label: str
    a: str
    b: str


@dataclass(frozen=True, slots=True)
class Score:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_set(data: Path = DATA) -> tuple[dict[str, Candidate], list[Pair]]:
    """The labelled copies (as ``Candidate``s, keyed by doc id) and pairs."""
    docs: dict[str, Candidate] = {}
    with (data / "docs.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            docs[d["id"]] = Candidate(
                title=d["title"],
                body_text=d["body"],
                agency=d["agency"],
                dateline=d["dateline"],
                published=datetime.fromisoformat(d["published"].replace("Z", "+00:00")),
            )
    with (data / "pairs.csv").open(encoding="utf-8", newline="") as fh:
        pairs = [Pair(r["pair"], r["kind"], r["label"], r["a"], r["b"]) for r in csv.DictReader(fh)]
    return docs, pairs


def score(pairs: list[Pair], predicted: dict[str, bool]) -> Score:
    c: Counter[str] = Counter()
    for p in pairs:
        truth, got = p.label == "same", predicted[p.id]
        c["tp" if truth and got else "fp" if got else "fn" if truth else "tn"] += 1
    return Score(c["tp"], c["fp"], c["fn"], c["tn"])


def pair_verdicts(docs: dict[str, Candidate], pairs: list[Pair]) -> dict[str, Verdict]:
    return {p.id: same_story(docs[p.a], docs[p.b]) for p in pairs}


def end_to_end(
    docs: dict[str, Candidate], pairs: list[Pair], verdicts: dict[str, Verdict]
) -> tuple[dict[str, bool], float]:
    """Index every copy in SQLite; a pair is "same" when found as a candidate and confirmed."""
    engine = create_engine("sqlite://")
    ids = {doc_id: n for n, doc_id in enumerate(sorted(docs), start=1)}
    with engine.begin() as conn:
        migrate(conn, target=2)
        for stmt in STATEMENTS:
            conn.execute(text(stmt.format(id="INTEGER PRIMARY KEY", blob="BLOB", ts="TIMESTAMP")))
        for doc_id, n in ids.items():
            d = docs[doc_id]
            fp = fingerprint(d.body_text)
            fingerprints.add_fingerprint(conn, n, fp.bands, words=fp.words, published=d.published)
        found: dict[str, set[int]] = {}
        sizes = []
        for doc_id, n in ids.items():
            d = docs[doc_id]
            hits = fingerprints.find_candidates(
                conn,
                fingerprint(d.body_text).bands,
                published=d.published,
                window=WINDOW,
                exclude=n,
            )
            found[doc_id] = {sid for sid, _shared in hits}
            sizes.append(len(hits))
    engine.dispose()
    predicted = {
        p.id: verdicts[p.id].same and (ids[p.b] in found[p.a] or ids[p.a] in found[p.b])
        for p in pairs
    }
    return predicted, sum(sizes) / len(sizes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every misjudged pair")
    parser.add_argument("--scale", action="store_true", help="run bench/dedupe_scale.py")
    args, rest = parser.parse_known_args(argv)
    if args.scale:
        from bench import dedupe_scale

        return dedupe_scale.main(rest)
    docs, pairs = load_set()
    verdicts = pair_verdicts(docs, pairs)
    by_pair = score(pairs, {p: v.same for p, v in verdicts.items()})
    e2e_pred, mean_candidates = end_to_end(docs, pairs, verdicts)
    e2e = score(pairs, e2e_pred)
    same = sum(p.label == "same" for p in pairs)
    print(f"labelled set: {len(docs)} copies, {len(pairs)} pairs ({same} same)")
    for name, s in (("pair verdict", by_pair), ("end to end  ", e2e)):
        print(
            f"{name}: precision {s.precision:.4f}  recall {s.recall:.4f}  "
            f"(tp {s.tp} fp {s.fp} fn {s.fn} tn {s.tn})"
        )
    print(f"candidates per look-up (index of {len(docs)} copies): mean {mean_candidates:.2f}")
    kinds: dict[str, Counter[str]] = {}
    for p in pairs:
        v = verdicts[p.id]
        k = kinds.setdefault(p.kind, Counter())
        k["n"] += 1
        k["same"] += v.same
        k["related"] += v.related
        k["e2e_same"] += e2e_pred[p.id]
    for kind, k in kinds.items():
        print(
            f"  {kind:<10} n={k['n']:<4} same={k['same']:<4} e2e same={k['e2e_same']:<4} "
            f"related={k['related']}"
        )
    if args.show:
        for p in pairs:
            v = verdicts[p.id]
            if v.same != (p.label == "same") or e2e_pred[p.id] != (p.label == "same"):
                print(f"{p.id} {p.kind} {p.label}: {p.a} ~ {p.b}: {v} e2e={e2e_pred[p.id]}")
    ok = min(by_pair.precision, e2e.precision) >= 0.995 and min(by_pair.recall, e2e.recall) >= 0.95
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
