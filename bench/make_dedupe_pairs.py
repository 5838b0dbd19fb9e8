"""Build the labelled near-duplicate set in tests/data/dedupe/ from the hand-written stories.

Reads ``stories_*.toml`` (40 base wire stories in 20 topic pairs, 12 second-agency versions of
the same events, 12 follow-ups) and writes ``docs.jsonl`` (one story copy per line) and
``pairs.csv`` (pair id, kind, label, doc a, doc b). Deterministic: a fixed seed, no clock, so
re-running it reproduces the committed files byte for byte.

Labels: ``same`` (one story: lightly edited copies, heavy outlet rewrites, corrections),
``related`` (same event by two agencies, or a follow-up) and ``different`` (same topic but
another story, daily template reports, unrelated stories). It does not score anything
(``bench/dedupe.py`` does).

Run: .venv/bin/python -m bench.make_dedupe_pairs
"""

from __future__ import annotations

import csv
import json
import random
import re
import tomllib
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from bench.dedupe_edits import (
    correct,
    heavy_rewrite,
    light_edit,
    template_reports,
)

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "dedupe"
SEED = 20260505
LIGHT_PER_STORY = 4
UNRELATED_PAIRS = 40


@dataclass(frozen=True)
class Doc:
    id: str
    source: str
    agency: str | None
    dateline: str | None
    published: str
    title: str
    body: str
    surname: str = ""


def _load() -> tuple[list[Doc], list[tuple[str, Doc]], list[tuple[str, Doc]]]:
    base: list[Doc] = []
    agency: list[tuple[str, Doc]] = []
    followup: list[tuple[str, Doc]] = []
    for path in sorted(DATA.glob("stories_*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for s in data.get("story", []):
            base.append(
                Doc(
                    id=s["id"],
                    source="wire",
                    agency=s["agency"],
                    dateline=s["dateline"],
                    published=s["published"],
                    title=s["title"],
                    body=s["body"].strip(),
                    surname=s.get("surname", ""),
                )
            )
        by_id = {d.id: d for d in base}
        for kind, out in (("agency", agency), ("followup", followup)):
            for s in data.get(kind, []):
                ref = by_id[s["ref"]]
                out.append(
                    (
                        ref.id,
                        Doc(
                            id=f"{ref.id}-{kind}",
                            source=f"{kind}-wire",
                            agency=s.get("agency", ref.agency),
                            dateline=ref.dateline,
                            published=s["published"],
                            title=s["title"],
                            body=s["body"].strip(),
                        ),
                    )
                )
    return base, agency, followup


def _later(published: str, rng: random.Random, max_hours: int) -> str:
    when = datetime.fromisoformat(published.replace("Z", "+00:00"))
    when += timedelta(minutes=rng.randint(5, max_hours * 60))
    return when.isoformat().replace("+00:00", "Z")


def _with_background(ref: Doc, doc: Doc, rng: random.Random) -> Doc:
    """Wires end a follow-up with background paragraphs from the earlier story: copy 1 or 2."""
    paras = ref.body.split("\n\n")
    take = paras[-rng.randint(1, 2) :] if len(paras) > 3 else paras[-1:]
    return replace(doc, body=doc.body + "\n\n" + "\n\n".join(take))


def build() -> tuple[list[Doc], list[tuple[str, str, str, str, str]]]:
    rng = random.Random(SEED)
    base, agency, followup = _load()
    by_id = {d.id: d for d in base}
    docs: dict[str, Doc] = {d.id: d for d in base}
    pairs: list[tuple[str, str, str, str, str]] = []

    def pair(kind: str, label: str, a: Doc, b: Doc) -> None:
        docs.setdefault(a.id, a)
        docs.setdefault(b.id, b)
        pairs.append((f"p{len(pairs) + 1:04d}", kind, label, a.id, b.id))

    for d in base:
        for n in range(LIGHT_PER_STORY):
            body, title, drop = light_edit(d.body, d.title, d.surname, rng)
            copy = replace(
                d,
                id=f"{d.id}-light{n}",
                source=f"outlet-{n}",
                title=title,
                body=body,
                published=_later(d.published, rng, 6),
                agency=None if "agency" in drop else d.agency,
                dateline=None if "dateline" in drop else d.dateline,
            )
            pair("light", "same", d, copy)
        body, title = heavy_rewrite(d.body, d.title, rng)
        heavy = replace(
            d,
            id=f"{d.id}-heavy",
            source="outlet-rewrite",
            title=title,
            body=body,
            dateline=None,
            published=_later(d.published, rng, 12),
        )
        pair("heavy", "same", d, heavy)
        body, title = correct(d.body, d.title, rng)
        fixed = replace(
            d, id=f"{d.id}-corr", title=title, body=body, published=_later(d.published, rng, 8)
        )
        pair("correction", "same", d, fixed)

    for d in base:
        if d.id.endswith("a"):
            other = by_id[d.id[:-1] + "b"]
            # Same subject on the same day: only the text can tell them apart.
            moved = replace(other, id=f"{other.id}-sameday", published=_later(d.published, rng, 5))
            pair("topic", "different", d, moved)
    for ref_id, doc in agency:
        pair("agency", "related", by_id[ref_id], doc)
    for ref_id, doc in followup:
        pair("followup", "related", by_id[ref_id], _with_background(by_id[ref_id], doc, rng))
    for series in template_reports(rng):
        reports = [
            Doc(
                id=r["id"],
                source="wire",
                agency=r["agency"],
                dateline=r["dateline"],
                published=r["published"],
                title=r["title"],
                body=r["body"],
            )
            for r in series
        ]
        for i in range(len(reports)):
            for j in range(i + 1, len(reports)):
                pair("template", "different", reports[i], reports[j])
    topics = sorted({d.id[:3] for d in base})
    seen: set[tuple[str, str]] = set()
    while len(seen) < UNRELATED_PAIRS:
        ta, tb = rng.sample(topics, 2)
        a = by_id[ta + rng.choice("ab")]
        b = by_id[tb + rng.choice("ab")]
        key = (min(a.id, b.id), max(a.id, b.id))
        if key in seen:
            continue
        seen.add(key)
        pair("unrelated", "different", a, b)
    return list(docs.values()), pairs


def write(docs: list[Doc], pairs: list[tuple[str, str, str, str, str]]) -> None:
    with (DATA / "docs.jsonl").open("w", encoding="utf-8") as fh:
        for d in docs:
            row = asdict(d)
            row.pop("surname")
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    with (DATA / "pairs.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["pair", "kind", "label", "a", "b"])
        out.writerows(pairs)


def main() -> None:
    docs, pairs = build()
    write(docs, pairs)
    kinds: dict[str, int] = {}
    for _p, kind, _label, _a, _b in pairs:
        kinds[kind] = kinds.get(kind, 0) + 1
    words = [len(re.findall(r"\w+", d.body)) for d in docs]
    print(f"{len(docs)} docs ({min(words)}-{max(words)} words), {len(pairs)} pairs: {kinds}")


if __name__ == "__main__":
    main()
