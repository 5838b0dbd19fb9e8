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
    """What one publish run did; ``output_dir`` is the resolved absolute directory."""

    files_written: int
    files_unchanged: int
    stories: int
    sections: int
    output_dir: str
    files_removed: int = 0
