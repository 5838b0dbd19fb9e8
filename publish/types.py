"""Frozen types publish hands between its modules and back to its caller.

Nothing here renders or writes; these are plain records.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: ``path`` is relative to output_dir, '/'-separated (e.g. 'feed.xml')."""

    path: str
    content: bytes


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What ``write_site`` did: counts of files written, left alone (same bytes) and removed."""

    files_written: int
    files_unchanged: int
    files_removed: int


@dataclass(frozen=True, slots=True)
class PublishReport:
    """What one publish run did; ``output_dir`` is the resolved absolute directory.

    ``files_unchanged`` counts files of the site this run did not need to touch (not rendered,
    or rendered to the same bytes); ``pages_rendered`` counts renders (a page written first
    without a link to a not-yet-written page counts twice); ``stories_gone`` counts addresses
    now showing the "no longer available" page."""

    files_written: int
    files_unchanged: int
    stories: int
    sections: int
    output_dir: str
    files_removed: int = 0
    pages_rendered: int = 0
    stories_gone: int = 0
