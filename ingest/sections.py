"""Section assignment: which sections of the site a story belongs in, and why.

Rules, in order: the source's default sections (rule ``source:<name>``), then each configured
section's keywords, matched as whole words or phrases, case-insensitively, in the title and the
lead (rule ``keyword:<slug>``, with the matched text). Pure: no database; richer rule kinds
(feed categories, URL patterns, weights, exclusions) plug in here later.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from config.settings import SectionSettings
from ingest.types import SectionHit


@lru_cache(maxsize=512)
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    words = [k.strip() for k in keywords if k.strip()]
    if not words:
        return None
    alternatives = sorted(
        (r"\s+".join(re.escape(part) for part in w.split()) for w in words), key=len, reverse=True
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def assign_sections(
    *,
    title: str,
    lead: str,
    source: str,
    source_sections: Sequence[str],
    sections: Sequence[SectionSettings],
) -> tuple[SectionHit, ...]:
    """Every section the story belongs in, each once, in config order of the sections."""
    by_key = {s.name: s for s in sections} | {s.slug: s for s in sections}
    hits: dict[str, SectionHit] = {}
    for key in source_sections:
        section = by_key.get(key)
        name = section.name if section else key
        hits.setdefault(name, SectionHit(section=name, rule_id=f"source:{source}", matched=""))
    haystack = f"{title}\n{lead}"
    for section in sections:
        if section.name in hits:
            continue
        pattern = _keyword_pattern(section.keywords)
        match = pattern.search(haystack) if pattern else None
        if match:
            hits[section.name] = SectionHit(
                section=section.name, rule_id=f"keyword:{section.slug}", matched=match.group(0)
            )
    order = {s.name: i for i, s in enumerate(sections)}
    return tuple(sorted(hits.values(), key=lambda h: order.get(h.section, len(order))))
