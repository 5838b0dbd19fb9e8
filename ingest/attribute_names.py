"""Byline and contributor parsing: which parts of a credit string are people, which are agencies.

``parse_credit("By ZEKE MILLER and JOSH BOAK, Associated Press")`` returns the people
("Zeke Miller", "Josh Boak") and the agencies ("Associated Press",) it names. Anything that is
neither (dates, "Staff", job titles, the site's own name, CMS placeholders such as "admin") is
dropped, which is how "by April 17, 2024" becomes no byline at all.

Deliberately not here: deciding which credit wins, or where in a story a credit sits (that is
``ingest.attribute``); and no name database: a person is a short run of capitalised words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.agencies import AGENCIES, agency_for, is_generic_agencies


def _words(table: str) -> frozenset[str]:
    """A word table written as one string (easier to read and edit than a list literal)."""
    return frozenset(table.split())


_MONTHS = (
    "jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|"
    "september|oct|october|nov|november|dec|december"
)
# A date or a time anywhere in a segment disqualifies it as a name.
_DATE = re.compile(rf"\d|\b(?:{_MONTHS})\b\.?\s*\d|\b(?:updated|published|posted)\b", re.I)

# Lower-case particles allowed inside a person's name ("Ursula von der Leyen").
_PARTICLES = _words(
    """de del della der di da das do dos du la le van von bin ibn al el y e zu ter ten"""
)

# Job titles and placeholders: a segment made only of these words is not a person
# ("Staff Writer", "AP Business Writer" minus the agency, "Web Desk", "admin").
_TITLE_WORDS = _words(
    """staff writer writers reporter reporters correspondent correspondents editor editors
    editorial desk newsdesk webdesk web news team bureau chief senior special political
    business economics sports science health medical legal diplomatic foreign national
    international technology tech markets energy white house congressional global
    investigative contributor contributors columnist producer admin administrator webmaster
    guest author unknown anonymous agency agencies service services wire wires online
    digital report reports the our and from compiled"""
)
# A time stamp glued to a byline: "Jane Doe Updated: 5:30 PM EST", "Jane Doe, April 17, 2024".
_STAMP = re.compile(
    rf"\s*[|,·•]?\s*(?:\b(?:last )?(?:updated|published|posted)\b|\b(?:on )?(?:{_MONTHS})\.?\s+\d"
    rf"|\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b\d{{4}}-\d\d-\d\d).*$",
    re.I,
)
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_][\w'’.\-]*|[^\W\d_]\.)$")
_IN_PLACE = re.compile(r"\s+(?:in|from|at|reporting from)\s+[A-Z][\w .'’\-]*$")
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_SEPARATORS = re.compile(r"\s*(?:\||;|,|\s[—–-]{1,2}\s|\band\b|&|\bwith\b)\s*", re.I)


@dataclass(frozen=True, slots=True)
class Credit:
    """What one credit string names: people (display form) and canonical agencies."""

    people: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()


def _tidy_case(name: str) -> str:
    """ "ZEKE MILLER" -> "Zeke Miller"; names already in mixed case are kept as printed."""
    if name != name.upper():
        return name
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), name.lower())


def person_name(segment: str, site_names: tuple[str, ...] = ()) -> str | None:
    """The segment as a person's name, or ``None`` if it is not plausibly one."""
    text = _IN_PLACE.sub("", " ".join(segment.split())).strip(" .,:;()[]")
    if not text or _DATE.search(text) or "@" in text or "http" in text.casefold():
        return None
    folded = text.casefold()
    if any(folded == s.casefold() or folded.startswith(s.casefold() + " ") for s in site_names):
        return None
    tokens = text.split()
    if not 2 <= len(tokens) <= 5:
        return None
    if all(t.casefold().strip(".") in _TITLE_WORDS for t in tokens):
        return None
    if any(t.casefold().strip(".") in _TITLE_WORDS - {"white", "house"} for t in tokens[1:]):
        # "Jane Doe Staff", "John Roe Correspondent": a title glued to a name is not a name.
        return None
    for token in tokens:
        if token.casefold() in _PARTICLES:
            continue
        if not _NAME_TOKEN.match(token) or not token[0].isupper():
            return None
    if agency_for(text) is not None:
        return None
    return _tidy_case(text)


def _agency_with_title(segment: str) -> str | None:
    """Agency named at the start of a segment that then has only title words ("AP Writer")."""
    words = segment.split()
    for cut in range(len(words), 0, -1):
        agency = agency_for(" ".join(words[:cut]))
        if agency is not None and all(w.casefold() in _TITLE_WORDS for w in words[cut:]):
            return agency
    return None


def _split_trailing_agency(segment: str) -> tuple[str, str | None]:
    """ "ZEKE MILLER Associated Press" -> ("ZEKE MILLER", "Associated Press")."""
    words = segment.split()
    for cut in range(1, len(words)):
        agency = _agency_with_title(" ".join(words[cut:]))
        if agency is not None:
            return " ".join(words[:cut]), agency
    return segment, None


def parse_credit(
    raw: str, site_names: tuple[str, ...] = (), *, strict: bool = False
) -> Credit | None:
    """People and agencies named by a byline, author field or contributor list.

    Parts that are neither are dropped; with ``strict`` any such part makes the whole string
    "not a credit" (``None``), which is what trailer rules want: "Reporting by Jane Doe and the
    ministry said" is a sentence, not a contributor list.
    """
    text = " ".join(raw.replace("\u00a0", " ").split())
    email_name = re.fullmatch(r"\S+@\S+\s*\((.+)\)", text)
    if email_name:
        text = email_name.group(1)
    text = re.sub(r"^(?:by|written by|story by|words by)\s*:?\s+", "", text, flags=re.I)
    text = _STAMP.sub("", text)
    people: list[str] = []
    agencies: list[str] = []
    segments = [s for s in _SEPARATORS.split(text) if s and s.strip()]
    for segment in segments:
        segment = segment.strip()
        if segment.casefold().strip(".") in _SUFFIXES and people:
            people[-1] = f"{people[-1]} {segment}"
            continue
        if is_generic_agencies(segment) or re.fullmatch(
            r"(?:news |wire )?agenc(?:y|ies)(?: reports?)?|wire reports?|agency inputs",
            segment,
            re.I,
        ):
            agencies.append(AGENCIES)
            continue
        agency = _agency_with_title(segment)
        if agency is not None:
            agencies.append(agency)
            continue
        name_part, trailing = _split_trailing_agency(segment)
        name = person_name(name_part, site_names)
        if name is not None:
            people.append(name)
            if trailing is not None:
                agencies.append(trailing)
        elif strict:
            return None
    return Credit(tuple(dict.fromkeys(people)), tuple(dict.fromkeys(agencies)))


def join_people(people: tuple[str, ...]) -> str | None:
    """("A",) -> "A"; ("A", "B") -> "A and B"; ("A", "B", "C") -> "A, B and C"."""
    if not people:
        return None
    if len(people) == 1:
        return people[0]
    return f"{', '.join(people[:-1])} and {people[-1]}"
