"""Tests for ingest.attribute: golden cases, HTML/text consistency, and properties."""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.agencies import CANONICAL_NAMES, agencies_in, agency_for
from ingest.attribute import attribute
from ingest.types import Attribution, Body

DATA = Path(__file__).parent / "data" / "attribute"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_fdb296628c4a67ba.txt"
EXPECTED_KEYS = ("agency", "dateline", "byline", "credit_line", "contributors", "body_after")


def _cases() -> list[dict[str, Any]]:
    with (DATA / "cases.toml").open("rb") as handle:
        return list(tomllib.load(handle)["case"])


def _html_of(text: str) -> str:
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in text.split("\n\n"))


def _html_paragraphs(source: str) -> list[str]:
    """Visible text of each block of an HTML fragment, whitespace collapsed."""
    if not source.strip():
        return []
    root = lxml.html.fragment_fromstring(source, create_parent="div")
    blocks = root.findall(".//p") or [root]
    texts = [" ".join(b.text_content().split()) for b in blocks]
    return [t for t in texts if t]


def _text_paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def _run(case: dict[str, Any]) -> Attribution:
    text = case["text"].strip()
    return attribute(
        Body(html=_html_of(text), text=text),
        feed_authors=tuple(case.get("feed_authors", ())),
        page_byline=case.get("page_byline"),
        default_agency=case.get("default_agency"),
        site_names=tuple(case.get("site_names", ())),
    )


CASES = _cases()


def test_golden_set_is_big_and_covers_every_agency() -> None:
    assert len(CASES) >= 60
    assert len({c["id"] for c in CASES}) == len(CASES)
    expected = {c["agency"] for c in CASES}
    for name in CANONICAL_NAMES:
        assert name in expected, f"no golden case for {name}"
    for case in CASES:
        missing = [k for k in EXPECTED_KEYS if k not in case]
        assert not missing, f"{case['id']}: missing expected keys {missing}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case: dict[str, Any]) -> None:
    result = _run(case)
    text = case["text"].strip()
    want_body = text if case["body_after"] == "=" else case["body_after"].strip()
    got = {
        "agency": result.agency or "",
        "dateline": result.dateline or "",
        "byline": result.byline or "",
        "credit_line": result.credit_line or "",
        "contributors": list(result.contributors),
        "body_after": result.body.text,
    }
    want = {key: case[key] for key in EXPECTED_KEYS}
    want["body_after"] = want_body
    assert got == want, f"{case['id']}: {case.get('note', '')}\nevidence: {result.evidence}"


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_html_matches_text(case: dict[str, Any]) -> None:
    result = _run(case)
    assert _html_paragraphs(result.body.html) == _text_paragraphs(result.body.text)
    assert not [e for e in result.evidence if e.rule == "html-unmatched"]


def test_unchanged_body_is_returned_as_is() -> None:
    body = Body(html="<p>Nothing to see  here.</p>", text="Nothing to see here.")
    assert attribute(body).body is body


def test_every_value_has_evidence() -> None:
    case = next(c for c in CASES if c["id"] == "reuters-dateline-date-trailer")
    result = _run(case)
    fields = {e.field for e in result.evidence}
    assert {"agency", "dateline", "contributors", "body"} <= fields
    assert any(e.rule == "lead-agency" and "(Reuters)" in e.text for e in result.evidence)


@pytest.mark.skipif(not SEED.exists(), reason="shared seed page not available")
def test_seed_story() -> None:
    page = SEED.read_text(encoding="utf-8")
    start = page.index("WASHINGTON — US Secretary")
    end = page.index("— Reuters", start) + len("— Reuters")
    text = page[start:end]
    result = attribute(Body(_html_of(text), text), page_byline="by April 17, 2024")
    assert (result.agency, result.dateline, result.byline) == ("Reuters", "WASHINGTON", None)
    assert result.credit_line == "— Reuters"
    assert result.body.text.startswith("US Secretary of State Antony Blinken")
    assert result.body.text.endswith("in Italy this week, he added.")
    assert result.body.text == text[len("WASHINGTON — ") : -len(" — Reuters")]
    assert _html_paragraphs(result.body.html) == _text_paragraphs(result.body.text)


# --- HTML edits -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "text", "want_html"),
    [
        (  # dateline wrapped in <strong>, entity dash, credit in its own paragraph
            "<p><strong>PARIS</strong> (AFP) &mdash; Le Louvre a rouvert.</p>\n"
            '<p class="c">©AFP</p>',
            "PARIS (AFP) — Le Louvre a rouvert.\n\n©AFP",
            "<p>Le Louvre a rouvert.</p>\n",
        ),
        (  # suffix credit in <em>, a link elsewhere stays byte-identical
            '<p>LONDON (Reuters) - A <a href="/x?a=1&amp;b=2">bank</a> fell.</p>'
            "<p>It said so.<em> — Reuters</em></p>",
            "LONDON (Reuters) - A bank fell.\n\nIt said so. — Reuters",
            '<p>A <a href="/x?a=1&amp;b=2">bank</a> fell.</p><p>It said so.</p>',
        ),
        (  # whitespace and newlines inside the HTML collapse like the text
            "<div>\n  <p>\n    WASHINGTON&nbsp;—\n    Talks began.\n  </p>\n</div>",
            "WASHINGTON — Talks began.",
            "<div>\n  <p>\n    Talks began.\n  </p>\n</div>",
        ),
        (  # byline paragraph and Reuters trailer removed as whole blocks
            "<p>By <b>Jane Doe</b></p><p>Story text.</p><p>(Reporting by Jo Ames; Editing by"
            " Al Roe)</p>",
            "By Jane Doe\n\nStory text.\n\n(Reporting by Jo Ames; Editing by Al Roe)",
            "<p>Story text.</p>",
        ),
    ],
)
def test_html_cuts(source: str, text: str, want_html: str) -> None:
    result = attribute(Body(html=source, text=text))
    assert result.body.html == want_html
    assert _html_paragraphs(result.body.html) == _text_paragraphs(result.body.text)


def test_html_keeps_untouched_empty_elements_and_repeated_text() -> None:
    text = "— Reuters\n\nStory — Reuters"
    source = '<p><span class="x"></span>— Reuters</p><p>Story — Reuters</p>'
    result = attribute(Body(html=source, text=text))
    assert result.body.text == "— Reuters\n\nStory"
    assert result.body.html == '<p><span class="x"></span>— Reuters</p><p>Story</p>'


def test_html_mismatch_is_reported_not_raised() -> None:
    result = attribute(Body(html="<p>Something else entirely.</p>", text="PARIS (AFP) - Hi."))
    assert result.body.text == "Hi."
    assert result.body.html == "<p>Something else entirely.</p>"
    assert any(e.rule == "html-unmatched" for e in result.evidence)


# --- agency table -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "want"),
    [
        ("AP", "Associated Press"),
        ("ap", None),
        ("The Associated Press", "Associated Press"),
        ("Agence France-Presse", "AFP"),
        ("PTI", "Press Trust of India"),
        ("CP", "The Canadian Press"),
        ("AA", "Anadolu"),
        ("Deutsche Presse-Agentur", "dpa"),
        ("Kyodo News", "Kyodo"),
        ("PA", "PA Media"),
        ("Press Association", "PA Media"),
        ("Reuters Staff", "Reuters"),
        ("ITAR-TASS", "TASS"),
        ("Getty Images", None),
        ("CNN", None),
    ],
)
def test_agency_for(token: str, want: str | None) -> None:
    assert agency_for(token) == want


def test_agencies_in_rejects_mixed_lists() -> None:
    assert agencies_in("AFP/Reuters") == ("AFP", "Reuters")
    assert agencies_in("AFP via Getty Images") is None
    assert agencies_in("Reuters and friends") is None


# --- properties -------------------------------------------------------------------------------

_VOCABULARY = (
    "the minister said on tuesday that talks with Reuters and AP would resume after AFP "
    "reported data compiled by Bloomberg told officials could not verify in London Paris "
    "photo via Getty Images editing reporting by agencies — - : ( ) © 2024 April 17"
)
_WORDS = st.sampled_from(_VOCABULARY.split())
_SENTENCE = st.builds(
    lambda first, rest: " ".join([first.capitalize(), *rest]) + ".",
    st.sampled_from(["officials", "prices", "the council", "rescuers", "a spokesman"]),
    st.lists(_WORDS, min_size=3, max_size=14),
)
_PARAGRAPH = st.lists(_SENTENCE, min_size=1, max_size=3).map(" ".join)
_LEADS = st.sampled_from(
    ["", "WASHINGTON — ", "LONDON, April 17 (Reuters) - ", "KYIV, Ukraine (AP) — ", "(AFP) - "]
)
_TRAILERS = st.sampled_from(
    ["", " — Reuters", "\n\n(Reporting by Jo Ames; Editing by Al Roe)", "\n\n©AFP", " (Yonhap)"]
)


def _fancy_html_of(text: str) -> str:
    """Like ``_html_of`` but with entities, inline tags around the first word and odd spacing."""
    out = []
    for paragraph in text.split("\n\n"):
        escaped = html.escape(paragraph, quote=False).replace("—", "&mdash;")
        first, _, rest = escaped.partition(" ")
        out.append(f"<p>\n  <strong>{first}</strong> {rest.replace(' ', '  ')}\n</p>")
    return "<div>" + "".join(out) + "</div>"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PARAGRAPH, min_size=1, max_size=5), _LEADS, _TRAILERS, st.booleans())
def test_property_no_story_sentence_is_lost(
    paragraphs: list[str], lead: str, trailer: str, fancy: bool
) -> None:
    text = lead + "\n\n".join(paragraphs) + trailer
    result = attribute(Body((_fancy_html_of if fancy else _html_of)(text), text))
    cut = [e.text for e in result.evidence if e.field == "body" and e.rule.startswith("cut-")]
    for paragraph in paragraphs:
        for sentence in re.findall(r"[^.]+\.", paragraph):
            if not any(c in sentence or sentence.strip() in c for c in cut):
                assert sentence.strip() in result.body.text
    assert _html_paragraphs(result.body.html) == _text_paragraphs(result.body.text)
    assert not [e for e in result.evidence if e.rule == "html-unmatched"]


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=400),
    st.lists(st.text(max_size=40), max_size=3),
    st.none() | st.text(max_size=40),
    st.none() | st.text(max_size=20),
)
def test_property_never_raises(
    text: str, authors: list[str], page_byline: str | None, default: str | None
) -> None:
    result = attribute(
        Body(html=_html_of(text), text=text),
        feed_authors=tuple(authors),
        page_byline=page_byline,
        default_agency=default,
    )
    assert isinstance(result, Attribution)
    # Cuts only remove text: every word that survives comes from the input.
    assert all(word in text for word in result.body.text.split())
