"""Identity and duplicate decisions: the keys a story is known by, and what to do with it.

Exact keys: the per-source identity (GUID, else link, else a hash of title and date), its
``guid_key`` (the GUID with scheme, host and tracking noise removed, so that a feed moving its
GUIDs from http to https or to a new host finds its old items), the normalized URL
(``ingest.urls.url_key``) and a hash of the normalized body text. ``decide`` turns what the store
holds for those keys into one decision.

Near duplicates (``ingest.dedupe_near``): ``same_story`` confirms a candidate from the
fingerprint index with a real similarity score, guarded by agency, dateline and a time window;
``should_replace`` decides which copy of a cluster is published.

Pure: the store enforces uniqueness and does the look-ups; this module only computes and
decides.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.types import RawEntry
from ingest.urls import url_key

MIN_HASH_WORDS = 30  # shorter bodies (teasers, headlines) are too generic to dedupe by content
_WORD = re.compile(r"\w+")


def entry_identity(entry: RawEntry) -> str:
    """The per-source identity: the GUID, else the link, else a hash of title and date."""
    if entry.guid and entry.guid.strip():
        return entry.guid.strip()
    if entry.link and entry.link.strip():
        return entry.link.strip()
    date = entry.published.isoformat() if entry.published else ""
    digest = hashlib.sha256(f"{entry.title}\x00{date}".encode()).hexdigest()[:32]
    return f"sha256:{digest}"


def guid_key(guid: str) -> str:
    """A secondary, per-source look-up key that survives GUID migrations.

    URL-like GUIDs lose scheme, host, ``www.``, trailing slash, AMP suffix and tracking
    parameters (``http://old.example.com/a/1?utm_source=x`` -> ``/a/1``): a source that moves to
    https or to a new host keeps its keys. Dropping the host is safe because the key is only
    compared within one source. Other GUIDs (``tag:``, ``urn:``, opaque ids) are only stripped.
    """
    value = guid.strip()
    key = url_key(value)
    if key is None:
        return value
    cut = min((i for i in (key.find("/"), key.find("?")) if i >= 0), default=len(key))
    rest = key[cut:]
    return rest if rest else key  # a bare host identifies nothing on its own: keep it whole


def normalized_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def body_hash(text: str) -> str | None:
    """Hash of the body's words (case, punctuation and spacing ignored); None when too short."""
    words = normalized_words(text)
    if len(words) < MIN_HASH_WORDS:
        return None
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def entry_hash(entry: RawEntry) -> str:
    """Hash of what the feed says about an item, to notice when the item changed."""
    parts = (entry.title, entry.summary_html or "", entry.content_html or "")
    words = normalized_words("\n".join(parts))
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Decision:
    """``action`` is "insert", "update", "unchanged" or "duplicate"; ``story_id`` when known."""

    action: str
    story_id: int | None = None
    via: str | None = None


def decide(
    *, known_story: int | None, known_via: str | None, known_entry_hash: str | None, new_hash: str
) -> Decision:
    """What to do with an item given what the store holds for its keys."""
    if known_story is None:
        return Decision("insert")
    if known_via != "item":
        return Decision("duplicate", known_story, known_via)
    if known_entry_hash == new_hash:
        return Decision("unchanged", known_story, "item")
    return Decision("update", known_story, "item")


def usable_guids(entries: Sequence[RawEntry]) -> list[RawEntry]:
    """The feed's entries with unusable GUIDs replaced: a GUID that several entries with
    different links share identifies none of them, so those entries are known by their link."""
    links: dict[str, set[str | None]] = {}
    for e in entries:
        if e.guid and e.guid.strip():
            links.setdefault(e.guid.strip(), set()).add(e.link)
    shared = {guid for guid, seen in links.items() if len(seen) > 1}
    if not shared:
        return list(entries)
    return [
        replace(e, guid=None) if e.guid and e.guid.strip() in shared and e.link else e
        for e in entries
    ]
