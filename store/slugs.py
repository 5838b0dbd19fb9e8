"""Readable, safe URL slugs from titles: the only source of story file names.

A slug is ASCII ``[a-z0-9-]``, never empty, at most ``MAX_LEN`` characters, never ``.`` or
``..``. Uniqueness is the store's job (it appends ``-2``, ``-3``...); this module only shapes text.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LEN = 80
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(title: str, *, fallback: str = "story") -> str:
    """``"Blinken to raise China's support…"`` -> ``"blinken-to-raise-chinas-support"``."""
    text = unicodedata.normalize("NFKD", title)
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = text.replace("'", "")
    slug = _NON_SLUG.sub("-", text).strip("-")
    if len(slug) > MAX_LEN:
        cut = slug[:MAX_LEN]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[MAX_LEN // 2 :] else cut
        slug = slug.strip("-")
    return slug or fallback


def with_suffix(slug: str, n: int) -> str:
    """The ``n``-th alternative of ``slug`` (``n`` >= 2), still within ``MAX_LEN``."""
    suffix = f"-{n}"
    return slug[: MAX_LEN - len(suffix)].rstrip("-") + suffix
