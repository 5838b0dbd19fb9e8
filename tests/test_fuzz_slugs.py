"""Property tests (hypothesis) on store.slugs: the only source of output file names.

Whatever the title (any Unicode, path separators, dots, controls, lone surrogates), a slug is
``^[a-z0-9-]{1,80}$``, never ``.`` or ``..``, and its numbered alternatives keep that shape.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from store.slugs import MAX_LEN, slugify, with_suffix

SLUG = re.compile(r"^[a-z0-9-]{1,80}$")
FAST = settings(max_examples=200, deadline=None, derandomize=True)
TRICKY = st.sampled_from(
    ["..", "/", "\\", ".", "%2e%2e", "\x00", "\ud800", "\u202e", " ", "-", "é"]
)
TITLE = st.lists(
    st.one_of(TRICKY, st.text(st.characters(codec=None, categories=None), max_size=30)),
    max_size=20,
).map("".join)


@FAST
@given(TITLE, st.integers(min_value=2, max_value=10**6))
def test_slugs_are_safe_file_names(title: str, n: int) -> None:
    slug = slugify(title)
    assert SLUG.match(slug) and slug not in (".", "..") and len(slug) <= MAX_LEN, slug
    assert not slug.startswith("-") and not slug.endswith("-")
    alt = with_suffix(slug, n)
    assert SLUG.match(alt) and alt != slug and alt.endswith(f"-{n}"), alt


def test_path_like_titles_never_escape() -> None:
    for title in ("../../etc/passwd", "..", ".", "/", "", "\x00\ud800", "----"):
        assert SLUG.match(slugify(title)) and "." not in slugify(title)
