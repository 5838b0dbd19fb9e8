"""HTML pages and feed documents of the bench corpus (``bench.corpus`` decides what goes where).

``make_outlet`` draws one outlet's chrome once (inline CSS and scripts, a mega-menu, footer link
farm); ``page_html`` wraps a story in it the way news sites do: head with JSON-LD and OpenGraph,
share bar with inline SVG, an ad slot and a "Read more" link inside the body, tags,
previous/next post, newsletter box, related cards, a "most read" sidebar, comments and a
preloaded-state blob, padded with comments to the requested size. Class lists are utility-CSS
long, and the element count (~1,500-2,500 per page) is what a real page costs a parser.
``feed_bytes`` renders RSS 2.0, Atom 1.0 or JSON Feed 1.1 with summaries or full content.

It deliberately does not draw random story text (``bench.corpus_text``) or write files.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from email.utils import format_datetime
from html import escape

from bench.corpus_text import FIRST, SENTENCES, Story

BASE = "{base}"
MENU = ["World", "Politics", "Business", "Markets", "Technology", "Science", "Health", "Sport"]
MENU += ["Opinion", "Video"]
COMMENTS = (
    "Finally someone says it.",
    "This is the third time this year, and nothing changes.",
    "Does anyone have the link to the original report?",
    "Great reporting, thank you.",
    "I doubt the numbers in the second paragraph.",
    "We saw the same thing where I live last winter.",
    "Who is paying for all of this?",
)
UTIL = "flex items-center gap-2 px-4 py-2 text-sm font-medium text-gray-700 hover:underline"
_SVG = (
    '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path d="M'
    + " ".join(f"{i % 24}.{i % 7} {(i * 7) % 24}.{i % 5}" for i in range(60))
    + 'z"/></svg>'
)


@dataclass(frozen=True, slots=True)
class Outlet:
    slug: str
    title: str
    css: str
    head_js: str
    nav: str
    footer: str
    tail_js: str


def ident(rng: random.Random, n: int = 6) -> str:
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
        "max-width:1180px",
    )
    rules = []
    for _ in range(rng.randint(60, 160)):
        sel = f".{prefix}-{ident(rng, 5)} .{prefix}__{ident(rng, 4)}"
        rules.append(sel + "{" + ";".join(rng.sample(props, rng.randint(2, 5))) + "}")
    return "".join(rules)


def _js(rng: random.Random, lines: int) -> str:
    out = []
    for _ in range(lines):
        a, b, c = ident(rng, 3), ident(rng, 4), ident(rng, 2)
        out.append(
            f"function {a}{b}({c}){{var {b}=window.{a}||[];{b}.push({{event:'{c}',"
            f"ts:Date.now(),id:{rng.randint(1, 99999)}}});return {b}.length>{c}.length}}"
        )
    return ";".join(out)


def make_outlet(rng: random.Random, slug: str, title: str) -> Outlet:
    """One outlet's shared chrome, drawn once and reused by all its pages."""
    p = ident(rng, 3)
    menu = []
    for sec in MENU:
        subs = "".join(
            f'<li class="{p}-sub__item"><a class="{UTIL}" href="{BASE}/{slug}/{sec.lower()}/'
            f'{ident(rng, 5)}/"><span>{sec} {ident(rng, 6).title()}</span></a></li>'
            for _ in range(rng.randint(4, 8))
        )
        menu.append(
            f'<li class="{p}-nav__item"><div class="{p}-nav__head"><a class="{UTIL}" '
            f'href="{BASE}/{slug}/{sec.lower()}/"><span>{sec}</span></a><button aria-label='
            f'"open"><svg width="8" height="8"><path d="M0 0l4 4 4-4z"/></svg></button></div>'
            f'<div class="{p}-mega"><ul class="{p}-sub">{subs}'
            "</ul></div></li>"
        )
    nav = (
        f'<header class="{p}-masthead"><div class="{p}-bar"><div class="{p}-wrap">'
        f'<a class="{p}-logo" href="{BASE}/{slug}/">{escape(title)}</a></div></div>'
        f'<nav class="{p}-nav"><ul>{"".join(menu)}</ul></nav>'
        f'<div class="{p}-ticker"><span>Breaking:</span> markets, politics and more</div></header>'
    )
    cols = "".join(
        f'<div class="{p}-col"><h4>{s}</h4><ul>'
        + "".join(
            f'<li><a class="{UTIL}" href="{BASE}/{slug}/{s.lower()}/{i}">{s} {i}</a></li>'
            for i in range(5)
        )
        + "</ul></div>"
        for s in MENU
    )
    footer = (
        f'<footer class="{p}-footer"><div class="{p}-cols">{cols}</div><p>© 2026 '
        f'{escape(title)}. All Rights Reserved. <a href="/privacy">Privacy Policy</a> '
        '<a href="#top">Back To Top</a></p></footer>'
    )
    head_js, tail_js = _js(rng, rng.randint(20, 40)), _js(rng, rng.randint(30, 60))
    return Outlet(slug, title, _css(rng, p), head_js, nav, footer, tail_js)


def _card(headline: str, url: str, when: str, n: int) -> str:
    return (
        f'<div class="card"><a class="{UTIL}" href="{url}"><figure class="card__media"><img '
        f'src="{BASE}/img/{n}.jpg" alt="" loading="lazy"></figure><div class="card__body"><h3>'
        f'{escape(headline)}</h3><span class="card__kicker">Wire</span><time>{when}</time>'
        "</div></a></div>"
    )


def page_html(
    outlet: Outlet,
    story: Story,
    url: str,
    related: list[tuple[str, str]],
    rng: random.Random,
    target: int,
) -> str:
    """One article page of about ``target`` bytes for ``story`` as ``outlet`` runs it."""
    t = escape(story.title)
    when = story.published.isoformat()
    day = when[:10]
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": when,
            "author": {"name": story.byline or story.agency},
            "publisher": {"name": outlet.title},
        }
    )
    body: list[str] = []
    for i, para in enumerate(story.paragraphs):
        body.append(f"<p>{escape(para)}</p>")
        if i == 2:
            body.append(f'<div class="ad-slot"><script>{_js(rng, 2)}</script></div>')
        if i == 4 and related:
            body.append(
                f'<p class="read-more"><strong>Read more:</strong> '
                f'<a href="{related[0][1]}">{escape(related[0][0])}</a></p>'
            )
    share = "".join(
        f'<li><a class="share share--{n} {UTIL}" href="https://{n}.example/share?u={url}">'
        f"{_SVG}<span>{n}</span></a></li>"
        for n in ("facebook", "x", "linkedin", "whatsapp", "email")
    )
    cards = "".join(_card(h, u, day, i) for i, (h, u) in enumerate(related))
    most = "".join(
        f'<li><span class="rank">{i + 1}</span><a class="{UTIL}" href="{u}">{escape(h)}</a></li>'
        for i, (h, u) in enumerate(related[::-1][:10])
    )
    byline = (
        f'<div class="byline"><span>{escape(story.byline)}</span></div>' if story.byline else ""
    )
    previous = related[-1][0] if related else ""
    head = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t} | '
        f'{escape(outlet.title)}</title><meta name="description" content="'
        f'{escape(story.summary)}"><link rel="canonical" href="{url}">'
        f'<meta property="og:title" content="{t}"><meta property="og:url" content="{url}">'
        f'<script type="application/ld+json">{ld}</script><style>{outlet.css}</style>'
        f"<script>{outlet.head_js}</script></head><body>{outlet.nav}"
    )
    article = (
        f'<div class="page"><div class="container"><main><nav class="breadcrumb"><a href="'
        f'{BASE}/{outlet.slug}/">Home</a> › {story.topic.title()}</nav><article><header>'
        f"<h1>{t}</h1>{byline}"
        f'<time datetime="{when}">{when[:16].replace("T", " ")}</time></header>'
        f'<ul class="share-bar">{share}</ul><figure><img src="{BASE}/img/{story.id}.jpg" '
        f'alt=""><figcaption>File photo. {escape(story.agency)}</figcaption></figure>'
        f'<div class="entry-content">{"".join(body)}</div><div class="tags">'
        f'<a href="#">{story.topic}</a><a href="#">Wire</a></div></article>'
        f'<div class="post-nav">previous post <a href="#">{escape(previous)}'
        f'</a> next post</div><aside class="newsletter"><h3>Join our newsletter</h3>'
        f'<form><input type="email" placeholder="Email"><button>Subscribe</button></form>'
        f'</aside><section class="related"><h3>You may also like</h3><div class="grid">'
        f"{cards}</div></section>"
    )
    side = f'</main><aside class="sidebar"><h3>Most read</h3><ol>{most}</ol></aside></div></div>'
    tail = f"{outlet.footer}<script>{outlet.tail_js}</script></body></html>"
    state = json.dumps({"props": {"related": related, "topic": story.topic}})
    parts = [head, article, '<section class="comments"><h3>Comments</h3>']
    size = sum(map(len, (head, article, side, tail, state))) + 120
    while size < target:
        who = f"{rng.choice(FIRST)}{rng.randint(1, 999)}"
        text = " ".join(rng.choice(COMMENTS + SENTENCES[:3]) for _ in range(rng.randint(1, 3)))
        c = (
            f'<div class="comment"><header class="comment__meta"><img class="avatar" src="'
            f'{BASE}/a/{who}.png" alt=""><b>{who}</b><time>{day}</time></header><div class='
            f'"comment__text"><p>{escape(text)}</p></div><footer><a class="{UTIL}" href="#">'
            f'Reply</a><a class="{UTIL}" href="#">Like</a></footer></div>'
        )
        parts.append(c)
        size += len(c)
    parts.append(f'</section>{side}<script id="__STATE__" type="application/json">{state}')
    parts.append("</script>" + tail)
    return "".join(parts)


def _paragraphs(story: Story) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)


def feed_bytes(
    outlet: Outlet, fmt: str, path: str, items: list[tuple[Story, str]], full: bool
) -> bytes:
    """The outlet's feed in ``fmt`` ("rss", "atom" or "json") listing ``items`` (story, link)."""
    home = f"{BASE}/{outlet.slug}/"
    if fmt == "json":
        out: dict[str, object] = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": outlet.title,
            "home_page_url": home,
            "feed_url": BASE + path,
        }
        entries: list[dict[str, object]] = []
        for story, link in items:
            item: dict[str, object] = {
                "id": f"{outlet.slug}:{story.id}",
                "url": link,
                "title": story.title,
                "date_published": story.published.isoformat(),
                "authors": [{"name": story.byline or story.agency}],
                "tags": [story.topic],
            }
            if full:
                item["content_html"] = _paragraphs(story)
            else:
                item["summary"] = story.summary
            entries.append(item)
        out["items"] = entries
        return json.dumps(out, ensure_ascii=False, indent=1).encode()
    xml = []
    for story, link in items:
        t, who = escape(story.title), escape(story.byline or story.agency)
        html, summary = escape(_paragraphs(story)), escape(story.summary)
        if fmt == "rss":
            body = f"<content:encoded>{html}</content:encoded>" if full else ""
            xml.append(
                f"<item><title>{t}</title><link>{escape(link)}</link><dc:creator>{who}"
                f"</dc:creator><pubDate>{format_datetime(story.published)}</pubDate><category>"
                f'{story.topic}</category><guid isPermaLink="false">{outlet.slug}:{story.id}'
                f"</guid><description>{summary}</description>{body}</item>"
            )
        else:
            stamp = story.published.isoformat()
            body = f'<content type="html">{html}</content>' if full else ""
            xml.append(
                f'<entry><title>{t}</title><link rel="alternate" href="{escape(link)}"/>'
                f"<id>tag:{outlet.slug}.example,2026:{story.id}</id><author><name>{who}</name>"
                f"</author><published>{stamp}</published><updated>{stamp}</updated>"
                f'<category term="{story.topic}"/><summary type="html">{summary}</summary>'
                f"{body}</entry>"
            )
    title = escape(outlet.title)
    if fmt == "rss":
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content='
            '"http://purl.org/rss/1.0/modules/content/" xmlns:dc='
            f'"http://purl.org/dc/elements/1.1/"><channel><title>{title}</title><link>{home}'
            f"</link><description>News</description>{''.join(xml)}</channel></rss>"
        ).encode()
    updated = max((s.published for s, _ in items), default=None)
    stamp = updated.isoformat() if updated else "2026-11-01T00:00:00+00:00"
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f'<title>{title}</title><id>{home}</id><link href="{home}"/><updated>{stamp}'
        f"</updated>{''.join(xml)}</feed>"
    ).encode()
