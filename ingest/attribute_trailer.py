"""Rules for the foot of a story: credit paragraphs and the "— Reuters" suffix.

``scan_trailer(paragraphs, first)`` walks up from the last paragraph while paragraphs are
credit-only (each rule below), then looks once for a credit suffix on the last story paragraph.
Every hit says which text to cut, what agency it names and how strongly:

- ``credit``: the story says who it is from ("— Reuters", "© AFP", "This report by The Canadian
  Press was first published ...").
- ``inferred``: a house trailer implies the agency ("Reporting by ...; Editing by ..." is Reuters
  style, "With assistance from ..." Bloomberg style, "Associated Press writer ... contributed").
- ``contribution``: the agency only contributed ("with files from Reuters", "AFP contributed to
  this report", "with agencies").

Deliberately not here: mentions inside sentences ("told Reuters", "Reuters could not verify",
"data compiled by Bloomberg") are never read: a rule only matches a whole paragraph or the text
after a final dash, so a story can cite an agency without being credited to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.agencies import AGENCIES, agencies_in, is_generic_agencies
from ingest.attribute_names import parse_credit

CREDIT, INFERRED, CONTRIBUTION = "credit", "inferred", "contribution"


@dataclass(frozen=True, slots=True)
class TrailerHit:
    """One credit found at the foot: paragraph ``index``, the exact ``removed`` text, and why."""

    index: int
    removed: str
    whole: bool
    rule: str
    tier: str
    agencies: tuple[str, ...] = ()
    contributors: tuple[str, ...] = ()


def _credit_names(name: str) -> tuple[str, ...] | None:
    """Agencies named by a credit ("AFP/Reuters", "agencies"), or ``None`` if it is not one."""
    if is_generic_agencies(name):
        return (AGENCIES,)
    return agencies_in(name.strip(" .()"))


# Credit-only paragraphs that name agencies: (rule id, tier, pattern with a <name> group).
_NAMED_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    # "© Reuters", "©AFP 2024", "(c) Copyright Thomson Reuters 2024. All rights reserved."
    (
        "copyright",
        CREDIT,
        re.compile(
            r"^(?:(?:©|\(c\)|copyright)\s*)+(?:\d{4}\s*)?(?P<name>.+?)(?:\s*\d{4})?\.?"
            r"(?:\s*all rights reserved\.?)?(?:\s*click for restrictions.*)?$",
            re.I,
        ),
    ),
    # "— Reuters", "- AFP/Reuters", "-- Agencies"
    ("dash-credit", CREDIT, re.compile(r"^[—–-]{1,2}\s*(?P<name>.+?)\.?$")),
    # "Reuters", "(AFP)", "Source: Reuters", "Credit: AP"
    (
        "bare-credit",
        CREDIT,
        re.compile(r"^\(?(?:(?:sources?|credit)\s*:\s*)?(?P<name>[^():]+?)\)?\.?$", re.I),
    ),
    # The Canadian Press: "This report by The Canadian Press was first published April 17, 2024."
    (
        "first-published",
        CREDIT,
        re.compile(
            r"^This (?:report|story|article) by (?P<name>.+?) was first published\b.*$", re.I
        ),
    ),
    # "The Associated Press contributed to this report.", "Agencies contributed to this story."
    (
        "contributed",
        CONTRIBUTION,
        re.compile(r"^(?P<name>.+?) contributed to this (?:report|story|article)\.?$", re.I),
    ),
    # "With files from The Canadian Press", "(With inputs from PTI)", "- with agencies"
    (
        "with-files-from",
        CONTRIBUTION,
        re.compile(
            r"^[—–-]*\s*\(?(?:with |contains )?(?:files|inputs?|material|reporting|"
            r"additional reporting) from (?P<name>.+?)\)?\.?$",
            re.I,
        ),
    ),
    ("with-agency", CONTRIBUTION, re.compile(r"^[—–-]*\s*\(?with (?P<name>.+?)\)?\.?$", re.I)),
    (
        "material-from",
        CONTRIBUTION,
        re.compile(r"^Material from (?P<name>.+?) was used in this report\.?$", re.I),
    ),
    # reuters.com pages end with their trust-principles line.
    (
        "reuters-standards",
        CREDIT,
        re.compile(r"^Our Standards: The (?P<name>Thomson Reuters) Trust Principles\.?$", re.I),
    ),
)

_ROLE = (
    r"(?:additional |writing and |reporting and )?(?:reporting|writing|editing|compiled|"
    r"compiling|compilation|graphics|research|translation|translated|produced|fact-checking|"
    r"written|edited|reported|sub-edited)"
)
_ROLE_SEGMENT = re.compile(rf"^(?P<role>{_ROLE})\s+by\s+(?P<names>.+?)$", re.I)
_COMPILED_FROM = re.compile(
    r"^compiled from (?:news |wire )?(?:agency|agencies|wire) ?(?:reports?)?$", re.I
)
_AP_WRITERS = re.compile(
    r"^(?:The )?(?:Associated Press|AP) (?:writers?|reporters?|correspondents?|journalists?|"
    r"videojournalists?|photographers?)\s+(?P<names>.+?)\s+contributed"
    r"(?: to this (?:report|story))?(?: from .+?)?\.?$"
)
_ASSISTANCE = re.compile(r"^[—–-]*\s*With assistance from (?P<names>.+?)\.?$", re.I)
_CONTACT = re.compile(r"^To contact the (?:reporters?|editors?|authors?) (?:on|of|for) this story:")
_CONTACT_NAME = re.compile(
    r"([A-Z][\w'’.\-]+(?: [A-Z][\w'’.\-]+){1,3})(?: in [A-Z][\w .]+?)? at \S+@"
)
_SEPARATOR_LINE = re.compile(r"^[_*\-—–=~#\s]{3,}$")
_SUFFIX_DASH = re.compile(
    r"(?P<cut>\s+[—–]+\s*|\s+-{1,2}\s+|[—–]\s+)(?P<name>[^\W\d_][^—–\n()]{0,59}?)\.?\s*$"
)
_SUFFIX_PAREN = re.compile(r"(?P<cut>\s*)\((?P<name>[^()\n]{1,40})\)\s*$")


def _role_trailer(index: int, text: str) -> TrailerHit | None:
    """Reuters-style "(Reporting by X and Y; Writing by Z; Editing by W)"."""
    inner = text.strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    people: list[str] = []
    agencies: list[str] = []
    roles: list[str] = []
    for segment in (s.strip() for s in inner.rstrip(".").split(";")):
        if not segment:
            continue
        if _COMPILED_FROM.match(segment):
            agencies.append(AGENCIES)
            continue
        match = _ROLE_SEGMENT.match(segment)
        if match is None:
            return None
        names = re.sub(r"\s+for\s+(?=\S+$)", " and ", match.group("names"))
        credit = parse_credit(names, strict=True)
        if credit is None or not (credit.people or credit.agencies):
            return None
        roles.append(match.group("role").casefold())
        people.extend(credit.people)
        agencies.extend(credit.agencies)
    if not roles:
        return None
    if agencies:
        return TrailerHit(index, text, True, "role-trailer", CREDIT, tuple(agencies), tuple(people))
    reuters_style = any("edit" in r for r in roles) and len(roles) >= 2
    if reuters_style:
        rule, tier, names = "reuters-trailer", INFERRED, ("Reuters",)
    else:
        rule, tier, names = "role-trailer", CONTRIBUTION, ()
    return TrailerHit(index, text, True, rule, tier, names, tuple(dict.fromkeys(people)))


def credit_paragraph(index: int, text: str) -> TrailerHit | None:
    """The hit for a paragraph that is nothing but a credit, or ``None``."""
    norm = " ".join(text.split())
    if len(norm) > 400:
        return None
    for rule, tier, pattern in _NAMED_RULES:
        match = pattern.match(norm)
        if match:
            names = _credit_names(match.group("name"))
            if names:
                return TrailerHit(index, text, True, rule, tier, names)
    role = _role_trailer(index, norm)
    if role is not None:
        return role
    for rule, pattern, agency in (
        ("ap-writers", _AP_WRITERS, "Associated Press"),
        ("with-assistance", _ASSISTANCE, "Bloomberg"),
    ):
        match = pattern.match(norm)
        if match:
            names = re.sub(r"\s+in\s+[A-Z][\w .'’\-]*?(?=\s+and\s+|,|$)", "", match.group("names"))
            credit = parse_credit(names, strict=True)
            if credit is not None and credit.people:
                return TrailerHit(index, text, True, rule, INFERRED, (agency,), credit.people)
    if _CONTACT.match(norm):
        people = tuple(dict.fromkeys(_CONTACT_NAME.findall(norm)))
        return TrailerHit(index, text, True, "bloomberg-contact", INFERRED, ("Bloomberg",), people)
    return None


def credit_suffix(index: int, text: str) -> TrailerHit | None:
    """A credit closing a story paragraph: "... he added. — Reuters", "... she said. (AFP)"."""
    for rule, pattern in (("dash-suffix", _SUFFIX_DASH), ("paren-suffix", _SUFFIX_PAREN)):
        match = pattern.search(text)
        if match is None or not text[: match.start()].strip():
            continue
        name = match.group("name").rstrip(".")
        contributed = re.match(r"(?i)with\s+", name)
        names = _credit_names(name[contributed.end() :] if contributed else name)
        if names:
            tier = CONTRIBUTION if contributed else CREDIT
            return TrailerHit(index, text[match.start() :], False, rule, tier, names)
    return None


def scan_trailer(paragraphs: list[str], first: int) -> list[TrailerHit]:
    """Credit hits at the foot of ``paragraphs[first:]``, last paragraph first."""
    hits: list[TrailerHit] = []
    index = len(paragraphs) - 1
    while index >= first and len(hits) < 8:
        text = paragraphs[index]
        if _SEPARATOR_LINE.match(text):
            if hits:
                hits.append(TrailerHit(index, text, True, "separator", CREDIT))
            index -= 1
            continue
        hit = credit_paragraph(index, text)
        if hit is None:
            suffix = credit_suffix(index, text)
            if suffix is not None:
                hits.append(suffix)
            break
        hits.append(hit)
        index -= 1
    return hits
