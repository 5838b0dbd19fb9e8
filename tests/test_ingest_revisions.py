"""Revision classification, word diffs and the update cap (ingest.revisions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ingest.revisions import MAX_PER_DAY, classify_revision, comparable_words, may_record, word_diff

TITLE = "Quake shakes southern Peru, damaging homes"
BODY = (
    "A magnitude 6.1 earthquake struck southern Peru early Thursday, damaging dozens of homes "
    "and cutting power to several towns, authorities said. Updated 5 minutes ago.\n\n"
    "Civil defense official Rosa Quispe said at least 14 people had been treated for minor "
    "injuries and 87 homes had been damaged. Photo: https://img.example.com/quake.jpg?w=800\n\n"
    "More at https://news.example.com/peru?utm_source=rss&id=7 (posted 10:32 GMT)."
)


@pytest.mark.parametrize(
    "new_body",
    [
        BODY.replace(" ", "  ").replace("\n\n", "\n \n"),  # whitespace
        BODY.replace("5 minutes ago", "2 hours ago").replace("10:32 GMT", "11:47 GMT"),  # stamps
        BODY.replace("utm_source=rss", "utm_source=twitter"),  # tracking parameters
        BODY.replace("quake.jpg?w=800", "quake-large.webp"),  # image URL
        BODY.replace('"', "\u201c"),  # typography
    ],
)
def test_cosmetic_changes_do_not_bump_updated(new_body: str) -> None:
    rev = classify_revision(TITLE, BODY, TITLE, new_body)
    assert rev.kind == "cosmetic" and not rev.bumps_updated and rev.diff == ""


def test_a_changed_figure_is_a_correction_with_a_diff() -> None:
    rev = classify_revision(TITLE, BODY, TITLE, BODY.replace("14 people", "16 people"))
    assert rev.kind == "correction" and rev.changed == 1 and not rev.bumps_updated
    assert "-[14] +[16]" in rev.diff and "least" in rev.diff  # context words around the change


def test_new_paragraph_or_headline_is_substantive() -> None:
    added = BODY + "\n\nThe death toll rose to three after rescuers reached a remote hamlet."
    rev = classify_revision(TITLE, BODY, TITLE, added)
    assert rev.kind == "substantive" and rev.bumps_updated
    assert "+[The death toll rose to three" in rev.diff
    retitled = classify_revision(TITLE, BODY, "Death toll from Peru quake rises to three", BODY)
    assert retitled.kind == "substantive"


def test_comparable_words_drop_noise_but_keep_real_links() -> None:
    words = comparable_words("See https://x.example/a?utm_medium=feed&id=2 at 9:15 a.m. EST")
    assert words == ["See", "https://x.example/a?id=2", "at"]


def test_word_diff_counts_the_larger_side_of_each_change() -> None:
    changed, diff = word_diff(["a", "b", "c", "d"], ["a", "x", "y", "z", "d"])
    assert changed == 3 and diff == "…a -[b c] +[x y z] d…"
    assert word_diff(["same"], ["same"]) == (0, "")


def test_update_cap_counts_the_last_24_hours_only() -> None:
    now = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
    recent = [now - timedelta(hours=h) for h in range(MAX_PER_DAY - 1)]
    assert may_record(recent, now)
    assert not may_record([*recent, now - timedelta(hours=23)], now)
    assert may_record([*recent, now - timedelta(hours=25)], now)
    naive = [t.replace(tzinfo=None) for t in recent]
    assert may_record(naive, now.replace(tzinfo=None), limit=MAX_PER_DAY)


def test_an_updated_at_stamp_is_cosmetic() -> None:
    from ingest.revisions import classify_revision as classify

    old = "The rules take effect in April."
    assert classify("T", old, "T", old + " Updated 10:32 GMT.").kind == "cosmetic"
    assert classify("T", old, "T", old + " Posted at 9:05 pm").kind == "cosmetic"
