"""Tests for ingest.extract: golden pages, metadata, per-source rules, robustness, dev-set floor."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.settings import ExtractRules
from ingest.extract import extract_article
from ingest.types import Article

DATA = Path(__file__).parent / "data" / "extract"
GOLDEN = sorted(DATA.glob("*.html"))
URL = "https://news.example/world/story"


@pytest.mark.parametrize("page", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden_text(page: Path) -> None:
    article = extract_article(page.read_text(encoding="utf-8"), URL)
    assert article.text == page.with_suffix(".txt").read_text(encoding="utf-8").strip()


def test_golden_set_is_present() -> None:
    names = {p.stem for p in GOLDEN}
    assert {
        "seed_wire_republisher",
        "share_bar",
        "related_list",
        "newsletter_box",
        "comments",
        "cookie_banner",
        "lazy_image",
    } <= names


def test_seed_page_has_no_chrome_and_metadata() -> None:
    article = extract_article((DATA / "seed_wire_republisher.html").read_text("utf-8"), URL)
    for chrome in (
        "previous post",
        "You may also like",
        "Recent Posts",
        "Subscription",
        "Copyright",
        "Investing",
        "Back To Top",
        "Advertisement",
    ):
        assert chrome not in article.text
    assert article.title == "Minister to press partners on shipping delays during visit"
    assert article.title not in article.text
    assert article.canonical_url == "https://mirror.example/world-news/minister-to-press-partners/"
    assert article.published is not None and article.published.year == 2024
    assert article.html.startswith("<p>WASHINGTON")
    assert "<script" not in article.html and "<form" not in article.html


def test_lazy_images_resolved_in_html() -> None:
    article = extract_article((DATA / "lazy_image.html").read_text("utf-8"), URL)
    assert 'src="https://news.example/img/ships.jpg"' in article.html
    assert 'src="https://news.example/img/port-1200.jpg"' in article.html
    assert "data:image" not in article.html


def test_jsonld_metadata_and_full_article_body() -> None:
    body = " ".join(["This sentence is part of the complete story body."] * 20)
    html = f"""<html><head><script type="application/ld+json">
    {{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Head",
      "author": {{"@type": "Person", "name": "Jane Roe"}}, "datePublished": "2024-05-01T10:00:00Z",
      "image": ["https://img.example/a.jpg"], "license": "https://creativecommons.org/licenses/by/4.0/",
      "articleBody": "{body}"}}</script></head>
    <body><div class="menu"><a href="/">Home</a></div><p>Teaser only.</p></body></html>"""
    article = extract_article(html, URL)
    assert article.title == "Head"
    assert article.byline == "Jane Roe"
    assert article.published is not None and article.published.month == 5
    assert article.lead_image == "https://img.example/a.jpg"
    assert article.license_url == "https://creativecommons.org/licenses/by/4.0/"
    assert article.text.startswith("This sentence is part")


def test_rules_body_and_drop_selectors() -> None:
    html = """<html><body><div class="teaser"><p>A long teaser paragraph that a generic extractor
    might prefer because it is long, long, long, long and has commas, commas, commas.</p></div>
    <div id="story"><p>The real story text lives here.</p><p class="promo">Buy now</p></div>
    </body></html>"""
    rules = ExtractRules(body="#story", drop=(".promo",))
    article = extract_article(html, URL, rules)
    assert article.text == "The real story text lives here."


def test_invalid_rule_selector_falls_back_to_generic() -> None:
    html = (
        "<html><body><article><p>"
        + "Plain story words, here. " * 10
        + "</p></article></body></html>"
    )
    article = extract_article(html, URL, ExtractRules(body="][not css"))
    assert article.text.startswith("Plain story words")


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "\x00\x01\x02",
        "<",
        "<html>",
        "<?xml version='1.0' encoding='utf-8'?><a>x</a>",
        "\ufeff<html><body></body></html>",
        "<p>" * 5000,
        "<div>" * 3000 + "text",
        "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + "\xff" * 50,
    ],
)
def test_never_raises_on_malformed_input(html: str) -> None:
    article = extract_article(html, URL)
    assert isinstance(article, Article)
    assert isinstance(article.text, str) and isinstance(article.html, str)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdiv p&;#\x00\n")), max_size=300))
def test_never_raises_on_random_markup(html: str) -> None:
    assert isinstance(extract_article(html, URL), Article)


def test_dev_set_quality_floor() -> None:
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from bench.scoring import dev_available, load_dev, score_page, summarize

    if not dev_available():
        pytest.skip("../shared/extraction-dev not present")
    scores = [score_page(extract_article(p.html, p.url).text, p.expected) for p in load_dev()]
    summary = summarize(scores)
    assert summary.f1 >= 0.965
    assert summary.mean_page_f1 >= 0.96
    assert min(s.f1 for s in scores) >= 0.5
