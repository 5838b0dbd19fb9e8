"""The wire-agency table: every canonical agency name and the spellings that mean it.

``agency_for(name)`` maps one credit token ("AP", "Agence France-Presse", "Reuters Staff") to its
canonical name, or ``None``. It only answers "is this whole string an agency?"; it never searches
running text (finding *where* a credit sits is ``ingest.attribute``'s job, which only consults
this table at the positions a credit can occupy).

Deliberately not here: guessing agencies from URLs or domains, and any fuzzy matching. A spelling
that is not in the table is not an agency.
"""

from __future__ import annotations

import re

# Canonical name used when a story is credited to several agencies at once ("AFP/Reuters"), or to
# "agencies" in general ("with agencies", "Agencies", "(With inputs from agencies)").
AGENCIES = "Agencies"

# One row per agency: (canonical name, spellings matched ignoring case, spellings matched exactly).
# Short initialisms are exact-case only: "AP" is the Associated Press but "ap" or "Ap" is not, and
# "PA"/"CP"/"AA" are only ever credits in upper case. Longer names are safe to match ignoring case.
# The leading "The" is optional everywhere and need not be listed.
_TABLE: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    # Reuters: "(Reuters) -", "— Reuters", "© Reuters", "(c) Copyright Thomson Reuters 2024".
    ("Reuters", ("Reuters", "Thomson Reuters", "Reuters News", "Reuters Breakingviews"), ()),
    # Associated Press: "(AP) —", "By JANE DOE Associated Press", "Copyright 2024 The AP".
    ("Associated Press", ("Associated Press", "Associated Press News"), ("AP", "A.P.")),
    # Agence France-Presse: "(AFP) -", "©AFP", "— AFP", "Agence France-Presse".
    (
        "AFP",
        ("Agence France-Presse", "Agence France Presse", "Agence France-Press"),
        ("AFP", "Afp"),
    ),
    # Bloomberg: "(Bloomberg) --", "©2024 Bloomberg L.P.", "Bloomberg News".
    ("Bloomberg", ("Bloomberg", "Bloomberg News", "Bloomberg L.P", "Bloomberg LP"), ()),
    # Deutsche Presse-Agentur: "Berlin (dpa) -", often lower case by house style.
    (
        "dpa",
        ("Deutsche Presse-Agentur", "Deutsche Presse Agentur", "dpa-AFX"),
        ("dpa", "DPA", "Dpa"),
    ),
    # United Press International: "WASHINGTON, Jan. 5 (UPI) --".
    ("UPI", ("United Press International",), ("UPI",)),
    # Agencia EFE: "Madrid (EFE).-".
    ("EFE", ("Agencia EFE",), ("EFE", "Efe")),
    # Agenzia Nazionale Stampa Associata: "(ANSA) - ROME, JAN 5 -".
    ("ANSA", ("Agenzia ANSA", "ANSA English"), ("ANSA", "Ansa")),
    # Xinhua: "BEIJING, March 3 (Xinhua) --".
    ("Xinhua", ("Xinhua", "Xinhua News Agency", "Xinhua News", "Xinhuanet"), ()),
    # Kyodo: "TOKYO (Kyodo) --", "Kyodo News".
    ("Kyodo", ("Kyodo", "Kyodo News", "Kyodo News Agency"), ()),
    # PA Media (formerly the Press Association): "By Jane Doe, PA", "PA Wire".
    ("PA Media", ("PA Media", "Press Association", "PA Wire", "PA News Agency"), ("PA",)),
    # The Canadian Press: "OTTAWA — ... This report by The Canadian Press was first published".
    ("The Canadian Press", ("Canadian Press", "La Presse Canadienne"), ("CP",)),
    # Anadolu Agency: "ANKARA (AA) -", "Anadolu Agency".
    ("Anadolu", ("Anadolu", "Anadolu Agency", "Anadolu Ajansi", "Anadolu Ajansı"), ("AA",)),
    # Europa Press: "MADRID, 5 (EUROPA PRESS)".
    ("Europa Press", ("Europa Press",), ()),
    # Yonhap: "SEOUL, Jan. 5 (Yonhap) --".
    ("Yonhap", ("Yonhap", "Yonhap News", "Yonhap News Agency"), ()),
    # TASS: "MOSCOW, September 23. /TASS/.".
    ("TASS", ("ITAR-TASS", "TASS Russian News Agency"), ("TASS", "Tass")),
    # Press Trust of India: "New Delhi, Jan 5 (PTI)".
    ("Press Trust of India", ("Press Trust of India",), ("PTI",)),
)

# Words a credit may carry after the agency name without changing what it credits:
# "Reuters Staff", "AFP Newsroom", "AP Wire", "Bloomberg Desk".
_STAFF_SUFFIX = re.compile(r"\s+(?:staff|newsroom|wire|desk|reporters?|team)$", re.IGNORECASE)

_FOLDED: dict[str, str] = {}
_EXACT: dict[str, str] = {}
for _canonical, _folded, _exact in _TABLE:
    _FOLDED[_canonical.casefold()] = _canonical
    for _name in _folded:
        _FOLDED[_name.casefold()] = _canonical
    for _name in _exact:
        _EXACT[_name] = _canonical

CANONICAL_NAMES: tuple[str, ...] = tuple(row[0] for row in _TABLE)


def agency_for(name: str) -> str | None:
    """Canonical agency name for a whole credit token, or ``None`` if it is not an agency.

    >>> agency_for("The Associated Press"), agency_for("AP"), agency_for("ap")
    ('Associated Press', 'Associated Press', None)
    """
    token = " ".join(name.replace("\u00a0", " ").split()).strip(" .,;:")
    if token.casefold().startswith("the "):
        token = token[4:]
    token = _STAFF_SUFFIX.sub("", token)
    if token in _EXACT:
        return _EXACT[token]
    return _FOLDED.get(token.casefold())


def agencies_in(credit: str) -> tuple[str, ...] | None:
    """Agencies in a credit listing one or more of them ("AFP/Reuters", "Reuters and AP").

    Returns the canonical names in order, without repeats, or ``None`` when any listed part is not
    an agency (so that "Reuters and friends" is not read as a credit at all).
    """
    parts = [p for p in re.split(r"\s*(?:/|,|&|\band\b|\+)\s*", credit.strip()) if p.strip()]
    if not parts:
        return None
    found: list[str] = []
    for part in parts:
        canonical = agency_for(part)
        if canonical is None:
            return None
        if canonical not in found:
            found.append(canonical)
    return tuple(found)


def combined(names: tuple[str, ...]) -> str | None:
    """One agency name for a set of credits: the agency itself, or ``AGENCIES`` for several."""
    unique = tuple(dict.fromkeys(names))
    if not unique:
        return None
    return unique[0] if len(unique) == 1 else AGENCIES


def is_generic_agencies(text: str) -> bool:
    """True for the generic multi-agency credit: "agencies", "wire services", "news agencies"."""
    token = " ".join(text.split()).strip(" .,;:()").casefold()
    return token in {"agencies", "news agencies", "wire services", "wires", "agency"}
