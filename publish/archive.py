"""Stable pagination of a section: a front page plus archive pages that do not move.

Pages numbered from the newest end shift by one story every time a story arrives, so every
page of a section would change on every publish. Here archive page ``n`` holds the stories of
rank ``(n-1)*per .. n*per - 1`` counted from the section's OLDEST stored story; the front page
holds the rest (between ``per`` and ``2*per - 1`` stories once the section has that many). A new
story therefore changes the front page only, and every ``per`` stories one archive page is
sealed. Ranks count every stored story of the section, including those past retention, so
stories expiring off the old end empty their archive pages instead of shifting the others.
Pages with no story left to show are not published, and older/newer links skip them.

Pure: stories in, ``Listing`` records out. No rendering, paths or clock here.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publish.listings import Section
    from store.types import StoredStory

FRONT = 0


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing page of a section.

    ``number`` is 0 for the section front, else the archive page number (1 = oldest stories).
    ``older`` / ``newer`` name the adjacent published pages (``newer`` 0 = the front), or None.
    """

    section: Section
    number: int
    stories: tuple[StoredStory, ...]
    older: int | None
    newer: int | None

    @property
    def is_front(self) -> bool:
        return self.number == FRONT


def section_listings(
    section: Section,
    stored: Sequence[StoredStory],
    shown: Container[int],
    per_page: int,
) -> list[Listing]:
    """The front page and the archive pages of ``section``, front first then newest archive.

    ``stored`` is every stored story of the section, newest first (expired ones included: they
    anchor the ranks); ``shown`` holds the ids that may be listed (live, within retention).
    """
    per = max(1, per_page)
    n = len(stored)
    archived = max(0, n // per - 1)  # full chunks sealed behind the front page
    chunks: list[tuple[int, tuple[StoredStory, ...]]] = []
    front_len = n - archived * per
    chunks.append((FRONT, tuple(s for s in stored[:front_len] if s.id in shown)))
    for k in range(archived, 0, -1):
        lo, hi = n - k * per, n - (k - 1) * per
        chunks.append((k, tuple(s for s in stored[lo:hi] if s.id in shown)))
    kept = [c for c in chunks if c[0] == FRONT or c[1]]
    out: list[Listing] = []
    for i, (number, stories) in enumerate(kept):
        newer = kept[i - 1][0] if i > 0 else None
        older = kept[i + 1][0] if i + 1 < len(kept) else None
        out.append(Listing(section, number, stories, older, newer))
    return out
