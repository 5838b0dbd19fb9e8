"""Attribution stage: who a story is from (agency, byline, dateline) and its credit line.

    attribute(body, feed_authors=..., page_byline=..., default_agency=..., site_names=...)
        -> Attribution(agency, dateline, byline, credit_line, body, contributors, evidence)

The rules live as commented data tables in the helper modules: ``ingest.agencies`` (agency names
and their variants), ``attribute_lead`` (byline paragraph, dateline), ``attribute_trailer``
(credit paragraphs and suffixes), ``attribute_names`` (people vs. agencies in a credit) and
``attribute_html`` (cutting the same text out of the HTML twin). This module only combines them.

Which agency wins, strongest evidence first (ties inside a tier with different agencies give
the agency ``"Agencies"``, as does a generic "with agencies" credit):
  1. a credit printed in the story: "(Reuters) -" in the lead, "— Reuters", "© AFP", CP's
     "This report by The Canadian Press was first published ...";
  2. an agency in the byline: the "By ..." paragraph, the page byline, the feed authors;
  3. a house trailer that implies one: Reuters "Reporting by ...; Editing by ...", Bloomberg
     "With assistance from ...", "Associated Press writer ... contributed";
  4. an agency that only contributed: "with files from Reuters", "AFP contributed to this report"
     (credit line then reads "By Jane Doe, with Reuters");
  5. the source's configured ``default_agency``.

The credit line: "— Reuters" (agency, no person), "By Jane Doe, Associated Press" (person and
agency), "By Jane Doe, with agencies" / "By Jane Doe, with Reuters" (agencies or a contributing
agency), "By Jane Doe" (no agency: the source's own byline), or None. People come from the first
of: the "By ..." paragraph, the page byline, the feed authors; dates, "Staff", job titles, CMS
placeholders and ``site_names`` are never people.

The body loses the dateline prefix, the byline paragraph and the credit paragraphs/suffix found
above, each exactly once, in both text and HTML; nothing else is touched. Mentions of an agency
inside sentences ("told Reuters", "AFP via Getty Images", "data compiled by Bloomberg") are never
credits: rules only look at the lead, whole short paragraphs and a final dash-credit.

Deliberately not done: no I/O, no clock, no guessing from URLs or domains, no NLP. When a rule is
unsure it does nothing; every value set comes with an ``Evidence`` naming the rule and its text.
"""

from __future__ import annotations

import re

from ingest.agencies import AGENCIES, agency_for, combined
from ingest.attribute_html import Cut, apply_cuts
from ingest.attribute_lead import Lead, looks_like_byline, parse_lead
from ingest.attribute_names import Credit, join_people, parse_credit
from ingest.attribute_trailer import CONTRIBUTION, CREDIT, INFERRED, TrailerHit, scan_trailer
from ingest.types import Attribution, Body, Evidence

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def _paragraphs(text: str) -> list[str]:
    return [p for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip()]


def _bylines(
    first_paragraph: str | None,
    page_byline: str | None,
    feed_authors: tuple[str, ...],
    site_names: tuple[str, ...],
    evidence: list[Evidence],
) -> tuple[tuple[str, ...], list[str]]:
    """People (from the first source that names any) and agencies (from every source)."""
    sources: list[tuple[str, str]] = []
    if first_paragraph is not None:
        sources.append(("byline-paragraph", first_paragraph))
    if page_byline:
        sources.append(("page-byline", page_byline))
    sources.extend(("feed-author", author) for author in feed_authors if author.strip())
    people: tuple[str, ...] = ()
    people_rule = ""
    agencies: list[str] = []
    for rule, raw in sources:
        credit = parse_credit(raw, site_names) or Credit()
        if credit.agencies:
            agencies.extend(credit.agencies)
            evidence.append(Evidence("agency", rule, raw))
        if credit.people and (not people or people_rule == rule == "feed-author"):
            people = tuple(dict.fromkeys(people + credit.people))
            people_rule = rule
            evidence.append(Evidence("byline", rule, raw))
        elif not credit.people and not credit.agencies:
            evidence.append(Evidence("byline", f"rejected-{rule}", raw))
    return people, agencies


def _credit_line(byline: str | None, agency: str | None, tier: str | None) -> str | None:
    if agency and byline:
        if agency == AGENCIES:
            return f"By {byline}, with agencies"
        if tier == CONTRIBUTION:
            return f"By {byline}, with {agency}"
        return f"By {byline}, {agency}"
    if agency:
        return f"— {agency}"
    return f"By {byline}" if byline else None


def _decide_agency(
    lead: Lead | None,
    hits: list[TrailerHit],
    byline_agencies: list[str],
    default_agency: str | None,
    evidence: list[Evidence],
) -> tuple[str | None, str | None]:
    """The agency and the tier that decided it (see the module docstring for the order)."""
    tiers: dict[str, list[str]] = {CREDIT: [], "byline": byline_agencies, INFERRED: []}
    tiers[CONTRIBUTION] = []
    if lead is not None and lead.agency is not None:
        tiers[CREDIT].append(lead.agency)
        evidence.append(Evidence("agency", "lead-agency", lead.prefix.strip()))
    for hit in hits:
        if hit.agencies:
            tiers[hit.tier].extend(hit.agencies)
            evidence.append(Evidence("agency", hit.rule, hit.removed.strip()))
    for tier in (CREDIT, "byline", INFERRED, CONTRIBUTION):
        agency = combined(tuple(tiers[tier]))
        if agency is not None:
            return agency, tier
    if default_agency and default_agency.strip():
        evidence.append(Evidence("agency", "default-agency", default_agency))
        return agency_for(default_agency) or default_agency.strip(), "default"
    return None, None


def attribute(
    body: Body,
    *,
    feed_authors: tuple[str, ...] = (),
    page_byline: str | None = None,
    default_agency: str | None = None,
    site_names: tuple[str, ...] = (),
) -> Attribution:
    """Attribute one cleaned story body. Never raises on odd input; unsure rules do nothing."""
    evidence: list[Evidence] = []
    paragraphs = _paragraphs(body.text)
    cuts: list[Cut] = []
    dropped: set[int] = set()
    first = 0
    byline_paragraph: str | None = None
    if len(paragraphs) > 1 and looks_like_byline(paragraphs[0]):
        credit = parse_credit(paragraphs[0], site_names)
        if credit is not None and (credit.people or credit.agencies):
            byline_paragraph = paragraphs[0]
            dropped.add(0)
            cuts.append(Cut("paragraph", paragraphs[0]))
            first = 1
    lead = parse_lead(paragraphs[first]) if first < len(paragraphs) else None
    prefix_len = 0
    if lead is not None:
        prefix_len = len(lead.prefix)
        cuts.append(Cut("prefix", lead.prefix))
        if lead.dateline is not None:
            evidence.append(Evidence("dateline", "lead-dateline", lead.prefix.strip()))
        if lead.agency is None and lead.credit is not None:
            evidence.append(Evidence("agency", "lead-outlet-not-agency", lead.credit))
    hits = [
        hit
        for hit in scan_trailer(paragraphs, first)
        if not (lead is not None and hit.index == first and hit.whole)
    ]
    suffix_len: dict[int, int] = {}
    for hit in hits:
        if hit.whole:
            dropped.add(hit.index)
            cuts.append(Cut("paragraph", hit.removed, from_end=True))
        elif hit.index != first or prefix_len + len(hit.removed) < len(paragraphs[hit.index]):
            suffix_len[hit.index] = len(hit.removed)
            cuts.append(Cut("suffix", hit.removed, from_end=True))
        if hit.contributors:
            evidence.append(Evidence("contributors", hit.rule, hit.removed.strip()))
    people, byline_agencies = _bylines(
        byline_paragraph, page_byline, feed_authors, site_names, evidence
    )
    agency, tier = _decide_agency(lead, hits, byline_agencies, default_agency, evidence)
    contributors = tuple(dict.fromkeys(c for h in reversed(hits) for c in h.contributors))
    byline = join_people(people)
    new_body = _cut_body(body, paragraphs, first, dropped, prefix_len, suffix_len, cuts, evidence)
    return Attribution(
        agency=agency,
        dateline=lead.dateline if lead is not None else None,
        byline=byline,
        credit_line=_credit_line(byline, agency, tier),
        body=new_body,
        contributors=contributors,
        evidence=tuple(evidence),
    )


def _cut_body(
    body: Body,
    paragraphs: list[str],
    first: int,
    dropped: set[int],
    prefix_len: int,
    suffix_len: dict[int, int],
    cuts: list[Cut],
    evidence: list[Evidence],
) -> Body:
    """Apply the cuts to the text (by paragraph) and to the HTML (by visible text)."""
    if not cuts:
        return body
    kept: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if index in dropped:
            continue
        text = paragraph
        if index in suffix_len:
            text = text[: len(text) - suffix_len[index]].rstrip()
        if index == first and prefix_len:
            text = text[prefix_len:].lstrip()
        if text.strip():
            kept.append(text)
    for cut in cuts:
        evidence.append(Evidence("body", f"cut-{cut.kind}", cut.text.strip()))
    html, missed = apply_cuts(body.html, cuts) if body.html.strip() else (body.html, [])
    for cut in missed:
        evidence.append(Evidence("body", "html-unmatched", cut.text.strip()))
    return Body(html=html, text="\n\n".join(kept))
