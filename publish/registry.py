"""What was published: the record a publish run leaves for the next one.

Kept inside the writer's manifest (``.wirefeed-manifest.json``) and written last, after every
page, so a run that dies half-way leaves the previous record and the next run redoes its work.

- ``site_key``: a fingerprint of the publish code, templates, stylesheet and the settings
  every page shows (title, base URL, sections, page sizes). When it changes (an upgrade, a
  config change), every page is re-rendered.
- ``keys``: output path -> fingerprint of the inputs of that page. A page whose fresh key equals
  the recorded one is not rendered at all.
- ``stories``: story id -> ``Published``: its URL path (kept forever, so URLs are stable and a
  removed story can get a 410 page at its old address), a digest of everything its page shows
  of it, its sort timestamp, its section slugs, and whether it is live or gone.

Pure: parsing and serialising JSON-ready data, hashing. The writer does the file I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

VERSION = 2


@dataclass(frozen=True, slots=True)
class Published:
    """One story as last published."""

    path: str
    digest: str
    ts: float
    sections: tuple[str, ...]
    live: bool = True


@dataclass(frozen=True, slots=True)
class Registry:
    """The publish record; see the module docstring. Empty when nothing was published."""

    site_key: str = ""
    keys: Mapping[str, str] = field(default_factory=dict)
    stories: Mapping[int, Published] = field(default_factory=dict)


EMPTY = Registry()


def fingerprint(*parts: object) -> str:
    """A short stable hash of ``parts`` (their ``repr``), for keys and digests."""
    h = hashlib.blake2b(digest_size=12)
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


def fingerprint_files(paths: Iterable[Any]) -> str:
    """Hash of the names and bytes of template/static files (changes re-render the site)."""
    h = hashlib.blake2b(digest_size=12)
    for path in sorted(paths, key=str):
        h.update(str(path.name).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def to_json(reg: Registry) -> dict[str, Any]:
    return {
        "version": VERSION,
        "site_key": reg.site_key,
        "keys": dict(reg.keys),
        "stories": {
            str(i): [p.path, p.digest, p.ts, " ".join(p.sections), int(p.live)]
            for i, p in reg.stories.items()
        },
    }


def from_json(data: object) -> Registry:
    """The registry in a parsed manifest; EMPTY when absent or malformed (a full build follows)."""
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return EMPTY
    try:
        keys = {str(k): str(v) for k, v in dict(data.get("keys") or {}).items()}
        stories = {
            int(i): Published(str(p), str(d), float(t), tuple(str(s).split()), bool(live))
            for i, (p, d, t, s, live) in dict(data.get("stories") or {}).items()
        }
    except (TypeError, ValueError):
        return EMPTY
    return Registry(str(data.get("site_key") or ""), keys, stories)
