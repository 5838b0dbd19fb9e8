"""Section assignment: which sections of the site a story belongs in, and why.

Each section scores a story with its rules, in config order:
  1. ``source:<name>``: the source lists the section in its ``sections`` (always enough alone);
  2. ``keyword:<slug>``: the section's ``keywords`` shorthand, whole words or phrases,
     case-insensitive, in the title and the lead (always enough alone);
  3. the section's ``[[sections.rules]]``: keyword, regex (title/lead), category (feed tags),
     url (path fragment), agency, source. A firing rule adds its weight; an ``exclude`` rule keeps
     the story out of the section whatever else fired; ``fallback`` rules count only when no other
     rule placed the story anywhere.
A section is assigned when its score reaches its ``threshold``; then, when more sections qualify
than ``max_sections``, source defaults are kept first, then the highest scores (ties: config
order). Each assignment records the heaviest rule that fired (ties: the first) and its text.

Pure: no database, no clock. ``explain_sections`` returns the whole verdict (near misses too) for
``wirefeed sections explain``; ``assign_sections`` returns only the hits. Editor pins are not
here: they live in the store and are added when stories are read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from config.settings import SectionRule, SectionSettings
from ingest.types import SectionHit

Status = Literal["assigned", "capped", "excluded", "below-threshold", "no-match"]
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class StoryFacts:
    """What the rules look at, for one story."""

    title: str
    lead: str
    source: str
    urls: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    agency: str | None = None


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    """One rule that fired for a section: its id, kind, weight and the text it matched."""

    rule_id: str
    kind: str
    weight: float
    matched: str
    exclude: bool = False
    fallback: bool = False


@dataclass(frozen=True, slots=True)
class SectionVerdict:
    """Everything decided about one section for one story."""

    section: str
    status: Status
    score: float
    threshold: float
    fired: tuple[RuleOutcome, ...]
    hit: SectionHit | None = None
    fallback_counted: bool = False  # True when no rule placed the story and fallbacks counted


@lru_cache(maxsize=1024)
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    words = [k.strip() for k in keywords if k.strip()]
    if not words:
        return None
    alternatives = sorted(
        (r"\s+".join(re.escape(part) for part in w.split()) for w in words), key=len, reverse=True
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _regexes(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def _norm(value: str) -> str:
    return " ".join(value.split()).casefold()


def _url_text(url: str) -> str:
    """``host/path`` of a URL, lowercased: what url rules look in (no scheme, query or #)."""
    parts = urlsplit(url.strip())
    return (parts.netloc + (parts.path or "/")).lower()


def _text(facts: StoryFacts, where: str) -> str:
    if where == "title":
        return facts.title
    if where == "lead":
        return facts.lead
    return f"{facts.title}\n{facts.lead}"


def _match(rule: SectionRule, facts: StoryFacts) -> str | None:
    """The text ``rule`` matched in the story, or None when it does not fire."""
    if rule.kind == "keyword":
        pattern = _keyword_pattern(rule.match)
        found = pattern.search(_text(facts, rule.where)) if pattern else None
        return found.group(0) if found else None
    if rule.kind == "regex":
        haystack = _text(facts, rule.where)
        for regex in _regexes(rule.match):
            found = regex.search(haystack)
            if found:
                return found.group(0)
        return None
    if rule.kind == "category":
        wanted = {_norm(m) for m in rule.match}
        return next((t.strip() for t in facts.tags if _norm(t) in wanted), None)
    if rule.kind == "url":
        places = [_url_text(u) for u in facts.urls if u]
        return next((m for m in rule.match if any(m.lower() in p for p in places)), None)
    if rule.kind == "agency":
        agency = _norm(facts.agency or "")
        return facts.agency if agency and agency in {_norm(m) for m in rule.match} else None
    return facts.source if facts.source in rule.match else None  # kind == "source"


def _fired(section: SectionSettings, facts: StoryFacts, defaulted: bool) -> list[RuleOutcome]:
    out: list[RuleOutcome] = []
    if defaulted:
        out.append(RuleOutcome(f"source:{facts.source}", "default", section.threshold, ""))
    pattern = _keyword_pattern(section.keywords)
    found = pattern.search(f"{facts.title}\n{facts.lead}") if pattern else None
    if found:
        out.append(
            RuleOutcome(section.keyword_rule_id, "keyword", section.threshold, found.group(0))
        )
    for rule in section.rules:
        matched = _match(rule, facts)
        if matched is not None:
            weight = 0.0 if rule.exclude else rule.score
            out.append(
                RuleOutcome(rule.id, rule.kind, weight, matched, rule.exclude, rule.fallback)
            )
    return out


def _score(fired: Sequence[RuleOutcome], with_fallback: bool) -> float:
    return sum(r.weight for r in fired if not r.exclude and (with_fallback or not r.fallback))


def _decisive(fired: Sequence[RuleOutcome], with_fallback: bool) -> RuleOutcome:
    usable = [r for r in fired if not r.exclude and (with_fallback or not r.fallback)]
    best = max(r.weight for r in usable)
    return next(r for r in usable if r.weight == best)


def explain_sections(
    facts: StoryFacts,
    *,
    sections: Sequence[SectionSettings],
    source_sections: Sequence[str] = (),
    max_sections: int | None = None,
) -> tuple[SectionVerdict, ...]:
    """The verdict on every configured section, in config order (plus unknown source defaults)."""
    defaults = set(source_sections)
    fired = {s.name: _fired(s, facts, s.name in defaults or s.slug in defaults) for s in sections}
    excluded = {name for name, rules in fired.items() if any(r.exclude for r in rules)}

    def qualifying(with_fallback: bool) -> list[SectionSettings]:
        return [
            s
            for s in sections
            if s.name not in excluded
            and fired[s.name]
            and _score(fired[s.name], with_fallback) >= s.threshold - _EPSILON
        ]

    with_fallback = False
    chosen = qualifying(False)
    if not chosen:
        with_fallback, chosen = True, qualifying(True)
    order = {s.name: i for i, s in enumerate(sections)}
    ranked = sorted(
        chosen,
        key=lambda s: (
            not any(r.kind == "default" for r in fired[s.name]),
            -_score(fired[s.name], with_fallback),
            order[s.name],
        ),
    )
    limit = len(ranked) if max_sections is None else max_sections
    kept = {s.name for s in ranked[:limit]}
    qualified = {s.name for s in chosen}
    verdicts: list[SectionVerdict] = []
    for s in sections:
        rules = tuple(fired[s.name])
        score = _score(rules, with_fallback)
        status: Status
        hit = None
        if s.name in kept:
            best = _decisive(rules, with_fallback)
            status, hit = "assigned", SectionHit(s.name, best.rule_id, best.matched)
        elif s.name in qualified:
            status = "capped"
        elif s.name in excluded:
            status = "excluded"
        elif rules:
            status = "below-threshold"
        else:
            status = "no-match"
        verdicts.append(
            SectionVerdict(s.name, status, score, s.threshold, rules, hit, with_fallback)
        )
    known = {s.name for s in sections} | {s.slug for s in sections}
    for key in source_sections:  # a default naming no configured section (config forbids it)
        if key not in known:
            hit = SectionHit(key, f"source:{facts.source}", "")
            rule = RuleOutcome(hit.rule_id, "default", 1.0, "")
            verdicts.append(SectionVerdict(key, "assigned", 1.0, 1.0, (rule,), hit))
    return tuple(verdicts)


def assign_sections(
    *,
    title: str,
    lead: str,
    source: str,
    source_sections: Sequence[str],
    sections: Sequence[SectionSettings],
    urls: Sequence[str] = (),
    tags: Sequence[str] = (),
    agency: str | None = None,
    max_sections: int | None = None,
) -> tuple[SectionHit, ...]:
    """Every section the story belongs in, each once, in config order of the sections."""
    facts = StoryFacts(
        title=title,
        lead=lead,
        source=source,
        urls=tuple(u for u in urls if u),
        tags=tuple(tags),
        agency=agency,
    )
    verdicts = explain_sections(
        facts, sections=sections, source_sections=source_sections, max_sections=max_sections
    )
    return tuple(v.hit for v in verdicts if v.hit is not None)
