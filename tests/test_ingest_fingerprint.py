"""Fingerprints and similarity over word shingles (ingest.fingerprint)."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.fingerprint import (
    BANDS,
    LEAD_WORDS,
    MIN_WORDS,
    analyse,
    analysis_of,
    fingerprint,
    numbers_of,
    shingles_of,
    similarity,
    words_of,
)
from store.schema_dedupe import BAND_COUNT

ROOT = Path(__file__).resolve().parents[1]
STORY = (
    "The central bank raised its benchmark interest rate by 50 basis points to 6.25 percent on "
    "Tuesday, surprising analysts who had expected a smaller move. Governor Ines Varela said "
    "further tightening could be needed if inflation failed to slow. The peso strengthened 0.9% "
    "against the dollar after the decision, while yields on two-year bonds rose 12 basis points. "
    "The next rate meeting is scheduled for April 28, when new projections will be published."
)
OTHER = (
    "Firefighters battled a wildfire west of the city for a second day as strong winds pushed "
    "the flames toward several villages. About 2,000 residents were evacuated overnight and a "
    "motorway was closed in both directions while water-dropping aircraft worked the hillsides."
)


def test_words_ignore_case_punctuation_honorifics_and_percent_spellings() -> None:
    assert words_of("Mr. Miller said 5% of THE vote") == words_of("Miller said 5 percent of vote")
    assert words_of("A rise of 5 per cent") == ["rise", "of", "5"]


def test_stopword_only_shingles_are_left_out() -> None:
    assert shingles_of(words_of("it was in the")) == frozenset()  # nothing but function words
    assert len(shingles_of(words_of("it was in the harbour"))) == 1


def test_light_edits_keep_most_bands_and_unrelated_stories_share_none() -> None:
    base = fingerprint(STORY)
    edited = fingerprint(STORY.replace("Varela said", "Mr. Varela said").replace(" ", "  "))
    assert base.usable and len(base.bands) == BANDS
    assert edited == base  # honorific and spacing are normalized away
    trimmed = fingerprint(STORY.rsplit(". ", 1)[0] + ". The ministry declined to comment.")
    assert sum(a == b for a, b in zip(base.bands, trimmed.bands, strict=True)) >= 1
    other = fingerprint(OTHER)
    assert all(a != b for a, b in zip(base.bands, other.bands, strict=True))


def test_short_bodies_get_no_usable_fingerprint() -> None:
    short = fingerprint("Breaking: quake hits southern Peru, no casualties reported")
    assert short.words < MIN_WORDS and not short.usable and set(short.bands) == {None}


def test_band_values_fit_31_bits() -> None:
    assert all(0 <= b < 2**31 for b in fingerprint(STORY).bands if b is not None)


def test_fingerprints_are_stable_across_processes() -> None:
    """The index is persisted: values must not depend on Python's per-process hash seed."""
    code = (
        "import sys; from ingest.fingerprint import fingerprint; "
        "print(fingerprint(sys.stdin.read()).bands)"
    )
    outs = set()
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", code],
            input=STORY,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            check=True,
        )
        outs.add(run.stdout.strip())
    assert outs == {str(fingerprint(STORY).bands)}


def test_similarity_scores_copies_cuts_and_strangers() -> None:
    same = similarity(STORY, STORY)
    assert same.jaccard == same.containment == same.numbers == same.lead == 1.0
    cut = similarity(STORY, STORY.rsplit(". ", 2)[0] + ".")
    assert cut.containment == 1.0 and cut.jaccard < 1.0 and cut.lead == 1.0
    apart = similarity(STORY, OTHER)
    assert apart.containment < 0.05 and apart.overlap_words < 0.1
    assert similarity("", STORY).containment == 0.0


def test_numbers_agreement_tells_template_reports_apart() -> None:
    day1 = STORY
    day2 = STORY.replace("50", "25").replace("6.25", "6.00").replace("0.9", "0.4")
    day2 = day2.replace("12", "7").replace("April 28", "May 30")
    assert similarity(day1, day2).numbers < 0.5
    assert numbers_of("1,400 and 6.25 and 2026") == {"1400", "6.25", "2026"}


def test_band_count_matches_the_store_schema() -> None:
    assert BANDS == BAND_COUNT


def test_an_analysis_survives_the_trip_from_a_worker_process() -> None:
    for text in (
        "WASHINGTON — The Senate voted 51-49 on Tuesday to pass the $1.2 trillion bill.",
        "",
        "one",
    ):
        sent = analyse(text)
        assert pickle.loads(pickle.dumps(sent)) == sent


@pytest.mark.parametrize(
    "text",
    [
        "",
        "one",
        "two words",
        "the of and",  # stopwords only: no shingle at all
        "the of and Reuters",
        "word " * 59,
        "word " * 61,
        "Ünïcödé café: 5% per cent, Mr. Smith said on Tuesday. " * 12,
        "WASHINGTON (Reuters) - The central bank held rates at 5.25% on Wednesday, "
        "saying inflation was still too high; markets had expected the pause. " * 6,
    ],
)
def test_the_one_pass_analysis_equals_the_definition(text: str) -> None:
    words = words_of(text)
    got = analysis_of(text)
    assert got.shingles == shingles_of(words)
    assert got.lead == shingles_of(words[:LEAD_WORDS])


def test_an_analysis_sent_from_a_worker_keeps_its_packed_form() -> None:
    # A worker pickles the analysis packed; the main process keeps that form for its cache
    # instead of packing the sets again. Equal either way.
    sent = analysis_of(STORY)
    received = pickle.loads(pickle.dumps(sent))
    assert received == sent and hash(received) == hash(sent)
    assert received.was_packed is not None and received.packed() == sent.packed()
    assert sent.was_packed is None  # made here: packed on demand
