"""Deterministic bench corpus: N outlets x K items as RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds,
with a 60-120 KB article page per item.

``generate(spec)`` yields every file (pages first, then each outlet's feed); ``write_corpus``
writes them under a directory with a ``manifest.json`` (feeds, counts, ETag and Content-Type per
path) that ``bench.server`` serves; ``build_corpus`` keeps them in memory (tests, small runs).
Feeds carry summaries only (the pipeline must fetch every page) unless ``full_content`` is set
(the feed-only run). About ``carried`` of the items are a story another outlet already ran,
with small edits (``bench.corpus_text.carry``) and tracking parameters in the link. Absolute URLs
are written with the ``{base}`` placeholder that the server replaces with its own address.

Run ``python -m bench.corpus DIR [--feeds N --items K --full-content]`` to look at one. Pages are
drawn by ``bench.corpus_html``, story text by ``bench.corpus_text``. It deliberately does not
model images, redirects, broken markup or errors (other benches and tests cover those).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.corpus_html import BASE, feed_bytes, make_outlet, page_html
from bench.corpus_text import Story, carry, make_story

DEFAULT_SEED = 20261101
TYPES = {
    "html": "text/html; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
FORMATS = ("rss", "atom", "json")
FEED_FILE = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
WORDS_A = "harbor meridian northgate summit riverside granite beacon capital coastal union"
WORDS_B = "daily post wire ledger times herald courier tribune gazette observer"


@dataclass(frozen=True, slots=True)
class Spec:
    feeds: int = 300
    items: int = 20
    seed: int = DEFAULT_SEED
    full_content: bool = False
    carried: float = 0.2  # share of items that repeat another outlet's story


@dataclass(frozen=True, slots=True)
class FeedInfo:
    name: str
    title: str
    path: str
    format: str
    full_text: str  # what the bench's Settings use for this source: "always" or "auto"


@dataclass(frozen=True, slots=True)
class CorpusFile:
    path: str
    body: bytes
    content_type: str

    @property
    def etag(self) -> str:
        return '"' + hashlib.blake2b(self.body, digest_size=12).hexdigest() + '"'


@dataclass
class Manifest:
    spec: Spec
    feeds: list[FeedInfo] = field(default_factory=list)
    items: int = 0
    carried: int = 0
    page_bytes: int = 0
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (etag, type)

    def to_json(self) -> str:
        data = asdict(self)
        return json.dumps(data, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data = json.loads(text)
        feeds = [FeedInfo(**f) for f in data.pop("feeds")]
        files = {k: (v[0], v[1]) for k, v in data.pop("files").items()}
        return cls(spec=Spec(**data.pop("spec")), feeds=feeds, files=files, **data)


def generate(spec: Spec, manifest: Manifest | None = None) -> Iterator[CorpusFile]:
    """Every file of the corpus; fills ``manifest`` (feeds, counts, files) as it goes."""
    manifest = manifest if manifest is not None else Manifest(spec)
    rng = random.Random(spec.seed)
    originals: list[tuple[int, Story]] = []  # (outlet index, story) that others may carry
    recent: list[tuple[str, str]] = []
    taken: set[int] = set()
    next_id = 0
    for index in range(spec.feeds):
        a, b = WORDS_A.split()[index % 10], WORDS_B.split()[(index // 10 + index) % 10]
        fmt = FORMATS[index % 3]
        full_text = "always" if index % 4 == 0 and not spec.full_content else "auto"
        slug = f"{a}-{b}-{index:03d}"
        info = FeedInfo(
            slug, f"{a.title()} {b.title()} {index}", f"/{slug}/{FEED_FILE[fmt]}", fmt, full_text
        )
        outlet = make_outlet(rng, info.name, info.title)
        manifest.feeds.append(info)
        items: list[tuple[Story, str]] = []
        for _ in range(spec.items):
            others = [s for o, s in originals[-400:] if o != index and s.id not in taken]
            carried = bool(others) and rng.random() < spec.carried
            if carried:
                story = carry(rng, rng.choice(others))
                taken.add(story.id)  # each story is carried by one second outlet at most
                manifest.carried += 1
            else:
                story = make_story(rng, next_id)
                next_id += 1
                originals.append((index, story))
            words = story.title.lower().replace(",", "").replace(":", "").split()
            slug = "-".join(words[:8])
            path = f"/{info.name}/{story.published:%Y/%m/%d}/{slug}-{story.id}-{len(items)}.html"
            url = BASE + path
            tracking = f"?utm_source=rss&utm_medium=feed&utm_campaign={slug[:30]}"
            link = url + (tracking if carried or index % 5 == 1 else "")
            related = recent[-rng.randint(8, 16) :]
            target = rng.randint(60_000, 120_000)
            page = page_html(outlet, story, url, related, rng, target).encode()
            manifest.page_bytes += len(page)
            manifest.items += 1
            items.append((story, link))
            recent = [*recent[-40:], (story.title, url)]
            yield _record(manifest, CorpusFile(path, page, TYPES["html"]))
        feed = feed_bytes(outlet, fmt, info.path, items, spec.full_content)
        yield _record(manifest, CorpusFile(info.path, feed, TYPES[fmt]))


def _record(manifest: Manifest, f: CorpusFile) -> CorpusFile:
    manifest.files[f.path] = (f.etag, f.content_type)
    return f


def build_corpus(spec: Spec) -> tuple[Manifest, dict[str, CorpusFile]]:
    """The whole corpus in memory (fine for small specs; 300 x 20 is about 550 MB)."""
    manifest = Manifest(spec)
    files = {f.path: f for f in generate(spec, manifest)}
    return manifest, files


def write_corpus(spec: Spec, directory: Path) -> Manifest:
    """Write the corpus under ``directory`` (URL path = file path) plus ``manifest.json``."""
    manifest = Manifest(spec)
    root = Path(directory)
    for f in generate(spec, manifest):
        target = root / f.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.body)
    (root / "manifest.json").write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def load_manifest(directory: Path) -> Manifest:
    return Manifest.from_json((Path(directory) / "manifest.json").read_text(encoding="utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser(description="Write the bench corpus to a directory.")
    ap.add_argument("directory", type=Path)
    ap.add_argument("--feeds", type=int, default=300)
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--full-content", action="store_true")
    a = ap.parse_args()
    m = write_corpus(Spec(a.feeds, a.items, a.seed, a.full_content), a.directory)
    print(
        f"{len(m.feeds)} feeds, {m.items} items ({m.carried} carried), "
        f"{m.page_bytes / m.items / 1024:.0f} KB per page on average"
    )


if __name__ == "__main__":
    main()
