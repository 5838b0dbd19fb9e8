"""What a source's republishing policy lets us show of a story, applied before anything renders.

Each configured source has ``policy`` ("full", "excerpt" or "headline"), ``excerpt_words`` and
``rights`` (config/settings.py ``SourceSettings``). ``apply_policy`` returns a copy of the stored
story cut down to what the policy allows, so every page and every feed built from it honours the
policy by construction (nothing downstream can reach the full text):

- full: the story as stored; ``rights`` from the source setting when set.
- excerpt: at most ``excerpt_words`` words of the body (plain text, paragraph breaks kept), no
  feed summary (it could be longer than the limit), no lead image.
- headline: title, credit and links only; no body, summary or image.

``rights`` on the source overrides the story's own. A story whose source is no longer
configured is shown in full (the settings default). Pure: no templates, no I/O.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from markupsafe import escape

if TYPE_CHECKING:
    from config.settings import Settings
    from store.types import StoredStory

Mode = Literal["full", "excerpt", "headline"]
_PARAGRAPHS = re.compile(r"\n\s*\n|\n")
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class SourcePolicy:
    """The policy of one source; ``feed_url`` is the source's own feed (for RSS ``<source>``)."""

    mode: Mode = "full"
    excerpt_words: int = 60
    rights: str | None = None
    feed_url: str | None = None


FULL = SourcePolicy()


def policies(settings: Settings) -> dict[str, SourcePolicy]:
    """Source name -> its policy, for every configured source."""
    return {
        s.name: SourcePolicy(s.policy, s.excerpt_words, s.rights, s.url) for s in settings.sources
    }


def policy_of(story: StoredStory, table: Mapping[str, SourcePolicy]) -> SourcePolicy:
    return table.get(story.source, FULL)


def excerpt_paragraphs(text: str, limit: int) -> tuple[list[str], bool]:
    """The first ``limit`` words of ``text`` as paragraphs, and whether anything was cut."""
    out: list[str] = []
    left = limit
    paragraphs = [p.split() for p in _PARAGRAPHS.split(text)]
    paragraphs = [p for p in paragraphs if p]
    for i, words in enumerate(paragraphs):
        if left <= 0:
            return out, True
        take = words[:left]
        left -= len(take)
        cut = len(take) < len(words)
        out.append(" ".join(take))
        if cut:
            return out, True
        if left == 0:
            return out, i + 1 < len(paragraphs)
    return out, False


def apply_policy(story: StoredStory, policy: SourcePolicy) -> StoredStory:
    """``story`` reduced to what ``policy`` allows (see the module docstring)."""
    rights = policy.rights or story.rights
    if policy.mode == "headline":
        return dataclasses.replace(
            story, body_text="", body_html="", summary=None, lead_image=None, rights=rights
        )
    if policy.mode == "excerpt":
        source_text = story.body_text or story.summary or ""
        paragraphs, cut = excerpt_paragraphs(source_text, policy.excerpt_words)
        if cut and paragraphs:
            paragraphs[-1] += ELLIPSIS
        html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        return dataclasses.replace(
            story,
            body_text="\n\n".join(paragraphs),
            body_html=html,
            summary=None,
            lead_image=None,
            rights=rights,
        )
    if rights != story.rights:
        return dataclasses.replace(story, rights=rights)
    return story


def word_count(text: str) -> int:
    """Whitespace-separated words in ``text`` (what ``excerpt_words`` counts)."""
    return len(text.split())
