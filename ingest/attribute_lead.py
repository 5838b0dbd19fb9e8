"""Rules for the top of a story: a "By ..." byline paragraph and the dateline lead.

``parse_lead(paragraph)`` recognises the dateline forms wire copy prints before the first
sentence and says exactly which prefix to cut:

    WASHINGTON —                       (plain dateline, upper-case place, dash or colon)
    LONDON, April 17 (Reuters) -       (place, date, agency in parentheses)
    KYIV, Ukraine (AP) —               (place, region, agency)
    Paris (AFP) -  /  Berlin (dpa) -   (title-case place: accepted only with a known agency)
    New Delhi, Jan 5 (PTI) The ...     (agency in parentheses, no dash)
    MOSCOW, September 23. /TASS/.      (TASS house style)
    (Reuters) -  /  (ANSA) - ROME, JAN 5 -   (agency first, place optional)

Deliberately not here: anything past the first story paragraph, and sentence understanding. A
lead that fails a rule is left alone: missing a dateline is cheap, cutting a sentence is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.agencies import agency_for

# Separators between a dateline and the story: em/en dash, double or single hyphen, EFE's ".-",
# and a colon ("NEW DELHI: ..."). A hyphen needs a space before it so "KYIV-based" never matches.


def _words(table: str) -> frozenset[str]:
    """A word table written as one string (easier to read and edit than a list literal)."""
    return frozenset(table.split())


_SEP = r"(?:\s*[—–]|\s+-{1,2}|\s*--|\.-|\.—|:)"
_PAREN = re.compile(rf"\((?P<credit>[^()\n]{{1,40}})\)(?P<sep>{_SEP})?\s*")
_TASS = re.compile(r"/\s*(?P<credit>TASS|ITAR-TASS)\s*/\s*[.:]?\s*[—–-]*\s*")
_HEAD_END = re.compile(rf"\(|/\s*(?:ITAR-)?TASS\s*/|{_SEP}(?=\s)|[—–](?=\S)")
_MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    "september|oct|october|nov|november|dec|december"
)
# The date part of a dateline: "April 17", "Jan. 5", "17 April", "5" (Europa Press), "2024".
_DATE = re.compile(
    rf"^(?:(?:{_MONTHS})\.?\s+\d{{1,2}}|\d{{1,2}}\s+(?:{_MONTHS})\.?|\d{{1,2}}|\d{{4}})\.?$", re.I
)
# Region after the place: "Ukraine", "S.C.", "Fla.", "Puerto Rico", "Gaza Strip", "UKRAINE".
_REGION = re.compile(r"^[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|of|and|del|de|la)){0,3}$")
# Upper-case words that open a paragraph with a dash or colon but are not places. A lead
# "BREAKING — ..." or "NATO: ..." must not become a dateline.
_NOT_PLACES = _words(
    """BREAKING UPDATE UPDATED UPDATES EXCLUSIVE WATCH LIVE VIDEO PHOTOS PHOTO ANALYSIS OPINION
    EDITORIAL COMMENT CORRECTION CLARIFICATION NOTE EDITOR'S EDITORS NEW NEWS ALERT URGENT
    FLASH FILE ADVISORY WARNING IMPORTANT REVIEW INTERVIEW EXPLAINER FACTBOX FACT CHECK
    SPONSORED PODCAST LISTEN READ MORE ALSO SEE Q&A QUESTION ANSWER NATO FBI CIA NSA EU UN
    US USA UK WHO IMF OPEC G7 G20 NASA CEO CFO GDP AI"""
)
_PARTICLES = _words("""de del la le of upon am an el al es da do dos di sur au les on""")
# Reuters slugs that republishers sometimes leave glued to the dateline: "EXCLUSIVE-LONDON".
_SLUG = re.compile(
    r"^(?:(?:EXCLUSIVE|UPDATE(?: \d+)?|CORRECTED(?: \d+)?|REFILE|RPT|WRAPUP(?: \d+)?|ANALYSIS"
    r"|INSIGHT|FACTBOX|BREAKINGVIEWS|BRIEF)-)+(?=[A-Z])"
)
_BYLINE_START = re.compile(r"^(?:by|written by|story by)\s*:?\s+\S", re.I)


@dataclass(frozen=True, slots=True)
class Lead:
    """A recognised dateline lead: the place as printed, the agency credit, the prefix to cut."""

    prefix: str
    dateline: str | None
    agency: str | None
    credit: str | None


def _is_upper_place(place: str) -> bool:
    letters = [c for c in place if c.isalpha()]
    if len(letters) < 3 or not all(c.isupper() for c in letters):
        return False
    words = [w.strip(".,") for w in re.split(r"[\s/]+", place.strip()) if w.strip(".,")]
    # "NEW YORK" is a place although "NEW: ..." is a label: reject only all-label heads.
    return not all(w in _NOT_PLACES for w in words) and not re.search(r"\d", place)


def _is_title_place(place: str) -> bool:
    words = place.split()
    if not 1 <= len(words) <= 4 or re.search(r"\d", place):
        return False
    return all(w[0].isupper() or w in _PARTICLES for w in words if w) and place.strip()[0].isupper()


def _split_head(head: str) -> tuple[str, str | None] | None:
    """ "KYIV, Ukraine, Jan. 5" -> ("KYIV", "Ukraine"); ``None`` unless place[,region][,date]."""
    chunks = [c.strip() for c in head.split(",")]
    if not chunks or not chunks[0] or len(head) > 80:
        return None
    place, rest = chunks[0], chunks[1:]
    regions: list[str] = []
    seen_date = False
    for chunk in rest:
        if _DATE.match(chunk):
            seen_date = True
        elif not seen_date and len(regions) < 2 and _REGION.match(chunk):
            regions.append(chunk)  # "Ukraine", "S.C.", "UKRAINE", "NY"
        else:
            return None
    return place, (", ".join(regions) or None)


def _dateline(place: str, region: str | None) -> str:
    return f"{place}, {region}" if region else place


def parse_lead(paragraph: str) -> Lead | None:
    """The dateline lead of a story's first paragraph, or ``None`` when there is none."""
    text = paragraph
    agency: str | None = None
    credit: str | None = None
    offset = 0
    first = _PAREN.match(text)
    if first:
        # Agency first: "(Reuters) - ...", "(ANSA) - ROME, JAN 5 - ...".
        agency = agency_for(first.group("credit"))
        if agency is None:
            return None
        credit = first.group("credit")
        offset = first.end()
        rest = parse_lead(text[offset:])
        if rest is not None and rest.agency is None and rest.dateline is not None:
            return Lead(text[: offset + len(rest.prefix)], rest.dateline, agency, credit)
        return Lead(text[:offset], None, agency, credit) if text[offset:].strip() else None
    end = _HEAD_END.search(text, 0, 120)
    if end is None:
        return None
    head = text[: end.start()].rstrip()
    slug = _SLUG.match(head)
    split = _split_head(head[slug.end() :] if slug else head)
    if split is None:
        return None
    place, region = split
    tail = text[end.start() :]
    paren = _PAREN.match(tail)
    tass = _TASS.match(tail)
    if paren:
        credit = paren.group("credit")
        agency = agency_for(credit)
        if agency is None and (not paren.group("sep") or len(credit.split()) > 4):
            return None
        cut = end.start() + paren.end()
    elif tass:
        credit, agency = tass.group("credit"), "TASS"
        cut = end.start() + tass.end()
    else:
        sep = re.match(rf"{_SEP}\s*|[—–]", tail)
        if sep is None:
            return None
        cut = end.start() + sep.end()
    if agency is None and (not _is_upper_place(place) or text[cut:].lstrip()[:1].islower()):
        return None  # "OFFICIALS SAY — prices rose" is a sentence, not a dateline
    if agency is not None and not (_is_upper_place(place) or _is_title_place(place)):
        return None
    if not text[cut:].strip():
        return None
    return Lead(text[:cut], _dateline(place, region), agency, credit)


def looks_like_byline(paragraph: str) -> bool:
    """A short paragraph that opens with "By": a byline rather than a sentence."""
    text = " ".join(paragraph.split())
    return bool(_BYLINE_START.match(text)) and len(text) <= 140 and not text.endswith(("?", "!"))
