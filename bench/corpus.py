"""Deterministic bench corpus: N outlets x K items as RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds,
with a 60-120 KB article page per item.

``generate(spec)`` yields every file (pages first, then each outlet's feed); ``write_corpus``
writes them under a directory with a ``manifest.json`` (feeds, counts, ETag and Content-Type per
path) that ``bench.server`` serves; ``build_corpus`` keeps them in memory (tests, small runs).
Feeds carry summaries only (the pipeline must fetch every page) unless ``full_content`` is set
(the feed-only run). About ``carried`` of the items are a story another outlet already ran,
with small edits (``bench.corpus_text.carry``) and tracking parameters in the link. Absolute URLs
are written with the ``{base}`` placeholder that the server replaces with its own address.

Pages look like real news pages: inline CSS and scripts, navigation, share bar with inline SVG,
ad slots and a "Read more" link inside the body, tags, previous/next post, newsletter box,
related list, comments, footer, and a preloaded-state JSON blob. It deliberately does not model
images, redirects, broken markup or errors (other benches and tests cover those).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from email.utils import format_datetime
from html import escape
from pathlib import Path

from bench.corpus_text import FIRST, SENTENCES, Story, carry, make_story

BASE = "{base}"
DEFAULT_SEED = 20261101
TYPES = {
    "html": "text/html; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
FORMATS = ("rss", "atom", "json")
FEED_FILE = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
WORDS_A = [
    "harbor",
    "meridian",
    "northgate",
    "summit",
    "riverside",
    "granite",
    "beacon",
    "capital",
    "coastal",
    "union",
]
WORDS_B = [
    "daily",
    "post",
    "wire",
    "ledger",
    "times",
    "herald",
    "courier",
    "tribune",
    "gazette",
    "observer",
]
SECTIONS = [
    "World",
    "Politics",
    "Business",
    "Markets",
    "Technology",
    "Science",
    "Health",
    "Sport",
    "Opinion",
    "Video",
]
COMMENTS = (
    "Finally someone says it.",
    "This is the third time this year, and nothing changes.",
    "Does anyone have the link to the original report?",
    "Great reporting, thank you.",
    "I doubt the numbers in the second paragraph.",
    "We saw the same thing where I live last winter.",
    "Who is paying for all of this?",
)


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


@dataclass(frozen=True, slots=True)
class _Outlet:
    info: FeedInfo
    slug: str
    css: str
    head_js: str
    nav: str
    footer: str
    tail_js: str


def _ident(rng: random.Random, n: int = 6) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n))


def _css(rng: random.Random, prefix: str) -> str:
    props = (
        "margin:0 auto",
        "padding:12px 16px",
        "font:16px/1.5 Georgia,serif",
        "color:#1a1a1a",
        "display:flex",
        "gap:8px",
        "border-bottom:1px solid #e5e5e5",
        "background:#fafafa",
        "text-transform:uppercase",
        "letter-spacing:.04em",
        "max-width:1180px",
    )
    rules = []
    for _ in range(rng.randint(260, 420)):
        sel = f".{prefix}-{_ident(rng, 5)} .{prefix}__{_ident(rng, 4)}"
        rules.append(sel + "{" + ";".join(rng.sample(props, rng.randint(2, 5))) + "}")
    return "".join(rules)


def _js(rng: random.Random, lines: int) -> str:
    out = []
    for _ in range(lines):
        a, b, c = _ident(rng, 3), _ident(rng, 4), _ident(rng, 2)
        out.append(
            f"function {a}{b}({c}){{var {b}=window.{a}||[];{b}.push({{event:'{c}',"
            f"ts:Date.now(),id:{rng.randint(1, 99999)}}});return {b}.length>{c}.length}}"
        )
    return ";".join(out)


def _outlet(rng: random.Random, index: int, spec: Spec) -> _Outlet:
    a, b = WORDS_A[index % 10], WORDS_B[(index // 10 + index) % 10]
    slug = f"{a}-{b}-{index:03d}"
    fmt = FORMATS[index % 3]
    full_text = "always" if index % 4 == 0 and not spec.full_content else "auto"
    info = FeedInfo(
        slug, f"{a.title()} {b.title()} {index}", f"/{slug}/{FEED_FILE[fmt]}", fmt, full_text
    )
    prefix = _ident(rng, 3)
    links = "".join(
        f'<li class="{prefix}-nav__item"><a href="{BASE}/{slug}/{s.lower()}/">{s}</a></li>'
        for s in SECTIONS + tuple(rng.sample(SECTIONS, 6))
    )
    nav = (
        f'<header class="{prefix}-masthead"><a class="{prefix}-logo" href="{BASE}/{slug}/">'
        f"{escape(info.title)}</a><nav><ul>{links}</ul></nav>"
        f'<div class="{prefix}-ticker">Breaking: markets, politics and more</div></header>'
    )
    cols = "".join(
        f"<div><h4>{s}</h4><ul>"
        + "".join(f'<li><a href="{BASE}/{slug}/{s.lower()}/{i}">{s} {i}</a></li>' for i in range(6))
        + "</ul></div>"
        for s in SECTIONS
    )
    footer = (
        f'<footer class="{prefix}-footer">{cols}<p>© 2026 {escape(info.title)}. '
        'All Rights Reserved. <a href="/privacy">Privacy Policy</a> '
        '<a href="#top">Back To Top</a></p></footer>'
    )
    return _Outlet(
        info,
        slug,
        _css(rng, prefix),
        _js(rng, rng.randint(40, 70)),
        nav,
        footer,
        _js(rng, rng.randint(60, 110)),
    )


_SVG = (
    '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M'
    + " ".join(f"{i % 24}.{i % 7} {(i * 7) % 24}.{i % 5}" for i in range(60))
    + 'z"/></svg>'
)


def page_html(
    outlet: _Outlet,
    story: Story,
    url: str,
    related: list[tuple[str, str]],
    rng: random.Random,
    target: int,
) -> str:
    """One article page of about ``target`` bytes for ``story`` as ``outlet`` runs it."""
    t = escape(story.title)
    when = story.published.isoformat()
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": when,
            "author": {"name": story.byline or story.agency},
            "publisher": {"name": outlet.info.title},
        }
    )
    body: list[str] = []
    for i, para in enumerate(story.paragraphs):
        body.append(f"<p>{escape(para)}</p>")
        if i == 2:
            body.append(f'<div class="ad-slot"><script>{_js(rng, 3)}</script></div>')
        if i == 4 and related:
            body.append(
                f'<p class="read-more"><strong>Read more:</strong> '
                f'<a href="{related[0][1]}">{escape(related[0][0])}</a></p>'
            )
    share = "".join(
        f'<a class="share share--{n}" href="https://{n}.example/share?u={url}">{_SVG}</a>'
        for n in ("facebook", "x", "linkedin", "whatsapp", "email")
    )
    rel = "".join(
        f'<li><a href="{u}"><img src="{BASE}/img/{i}.jpg" alt="">{escape(h)}</a>'
        f"<time>{when[:10]}</time></li>"
        for i, (h, u) in enumerate(related)
    )
    byline = f'<div class="byline">{escape(story.byline)}</div>' if story.byline else ""
    head = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t} | '
        f'{escape(outlet.info.title)}</title><meta name="description" content="'
        f'{escape(story.summary)}"><link rel="canonical" href="{url}">'
        f'<meta property="og:title" content="{t}"><meta property="og:url" content="{url}">'
        f'<script type="application/ld+json">{ld}</script><style>{outlet.css}</style>'
        f"<script>{outlet.head_js}</script></head><body>{outlet.nav}"
    )
    previous = related[-1][0] if related else ""
    article = (
        f'<main><nav class="breadcrumb"><a href="{BASE}/{outlet.slug}/">Home</a> › '
        f"{story.topic.title()}</nav><article><h1>{t}</h1>{byline}"
        f'<time datetime="{when}">{when[:16].replace("T", " ")}</time>'
        f'<div class="share-bar">{share}</div><figure><img src="{BASE}/img/{story.id}.jpg" '
        f'alt=""><figcaption>File photo. {escape(story.agency)}</figcaption></figure>'
        f'<div class="entry-content">{"".join(body)}</div><div class="tags">'
        f'<a href="#">{story.topic}</a><a href="#">Wire</a></div></article>'
        f'<div class="post-nav">previous post <a href="#">{escape(previous)}'
        f'</a> next post</div><aside class="newsletter"><h3>Join our newsletter</h3>'
        f'<form><input type="email" placeholder="Email"><button>Subscribe</button></form>'
        f'</aside><section class="related"><h3>You may also like</h3><ul>{rel}</ul></section>'
    )
    tail = f"</main>{outlet.footer}<script>{outlet.tail_js}</script>"
    parts = [head, article, '<section class="comments"><h3>Comments</h3>']
    size = len(head) + len(article) + len(tail) + 200
    while size < target - 6000 and rng.random() < 0.92:
        who = f"{rng.choice(FIRST)}{rng.randint(1, 999)}"
        text = " ".join(rng.choice(COMMENTS) for _ in range(rng.randint(1, 4)))
        c = (
            f'<div class="comment"><img class="avatar" src="{BASE}/a/{who}.png"><b>{who}</b>'
            f'<time>{when[:10]}</time><p>{escape(text)}</p><a href="#">Reply</a></div>'
        )
        parts.append(c)
        size += len(c)
    parts.append("</section>")
    state: dict[str, object] = {"props": {"related": [[h, u] for h, u in related]}}
    deficit = target - size - len(json.dumps(state))
    state["pad"] = [
        {"k": _ident(rng, 8), "v": rng.choice(SENTENCES)[:60].ljust(60)}
        for _ in range(max(0, deficit // 84))
    ]
    parts.append(f'<script id="__STATE__" type="application/json">{json.dumps(state)}</script>')
    parts.append(tail + "</body></html>")
    return "".join(parts)


def _feed(outlet: _Outlet, items: list[tuple[Story, str]], full: bool) -> bytes:
    info = outlet.info
    home = f"{BASE}/{outlet.slug}/"
    if info.format == "json":
        out = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": info.title,
            "home_page_url": home,
            "feed_url": BASE + info.path,
            "items": [],
        }
        for story, link in items:
            item = {
                "id": f"{outlet.slug}:{story.id}",
                "url": link,
                "title": story.title,
                "date_published": story.published.isoformat(),
                "authors": [{"name": story.byline or story.agency}],
                "tags": [story.topic],
            }
            if full:
                item["content_html"] = "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
            else:
                item["summary"] = story.summary
            out["items"].append(item)
        return json.dumps(out, ensure_ascii=False, indent=1).encode()
    entries = []
    for story, link in items:
        t, who = escape(story.title), escape(story.byline or story.agency)
        html = escape("".join(f"<p>{escape(p)}</p>" for p in story.paragraphs))
        summary = escape(story.summary)
        if info.format == "rss":
            body = f"<content:encoded>{html}</content:encoded>" if full else ""
            entries.append(
                f"<item><title>{t}</title><link>{escape(link)}</link><dc:creator>{who}</dc:creator>"
                f"<pubDate>{format_datetime(story.published)}</pubDate><category>{story.topic}"
                f'</category><guid isPermaLink="false">{outlet.slug}:{story.id}</guid>'
                f"<description>{summary}</description>{body}</item>"
            )
        else:
            body = f'<content type="html">{html}</content>' if full else ""
            entries.append(
                f'<entry><title>{t}</title><link rel="alternate" href="{escape(link)}"/>'
                f"<id>tag:{outlet.slug}.example,2026:{story.id}</id><author><name>{who}</name>"
                f"</author><published>{story.published.isoformat()}</published><updated>"
                f'{story.published.isoformat()}</updated><category term="{story.topic}"/>'
                f'<summary type="html">{summary}</summary>{body}</entry>'
            )
    if info.format == "rss":
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content='
            '"http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>{escape(info.title)}</title><link>{home}</link><description>"
            f"News</description>{''.join(entries)}</channel></rss>"
        ).encode()
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>{escape(info.title)}</title><id>{home}</id><link href="{home}"/>'
        f"<updated>{items[-1][0].published.isoformat() if items else '2026-11-01T00:00:00Z'}"
        f"</updated>{''.join(entries)}</feed>"
    ).encode()


def generate(spec: Spec, manifest: Manifest | None = None) -> Iterator[CorpusFile]:
    """Every file of the corpus; fills ``manifest`` (feeds, counts, files) as it goes."""
    manifest = manifest if manifest is not None else Manifest(spec)
    rng = random.Random(spec.seed)
    originals: list[tuple[int, Story]] = []  # (outlet index, story) that others may carry
    recent: list[tuple[str, str]] = []
    next_id = 0
    for index in range(spec.feeds):
        outlet = _outlet(rng, index, spec)
        manifest.feeds.append(outlet.info)
        items: list[tuple[Story, str]] = []
        for _ in range(spec.items):
            others = [s for o, s in originals[-400:] if o != index]
            carried = bool(others) and rng.random() < spec.carried
            if carried:
                story = carry(rng, rng.choice(others))
                manifest.carried += 1
            else:
                story = make_story(rng, next_id)
                next_id += 1
                originals.append((index, story))
            slug = "-".join(story.title.lower().replace(",", "").replace(":", "").split()[:8])
            day = story.published
            path = f"/{outlet.slug}/{day:%Y/%m/%d}/{slug}-{story.id}-{len(items)}.html"
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
        yield _record(
            manifest,
            CorpusFile(
                outlet.info.path, _feed(outlet, items, spec.full_content), TYPES[outlet.info.format]
            ),
        )


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
