"""Frozen types publish hands between its modules and back to its caller.

Nothing here renders or writes; these are plain records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class Page:
    """One output file: ``path`` is relative to output_dir, '/'-separated (e.g. 'feed.xml').

    A page is given its bytes, or planned with ``make`` and rendered each time ``content`` is
    read (the writer reads it once): a planned site of thousands of rendered pages would
    otherwise sit in memory all at once. A ``portable`` page (its ``make`` and everything it
    holds can be pickled, and rendering needs nothing of the process) may be rendered in
    another process (``stage``).
    """

    __slots__ = ("_content", "_make", "path", "portable")

    def __init__(
        self,
        path: str,
        content: bytes | None = None,
        *,
        make: Callable[[], bytes] | None = None,
        portable: bool = False,
    ) -> None:
        if (content is None) == (make is None):
            raise ValueError("a page has either its content or a way to make it")
        self.path = path
        self._content = content
        self._make = make
        self.portable = portable

    @property
    def content(self) -> bytes:
        if self._content is not None:
            return self._content
        assert self._make is not None
        return self._make()

    def __repr__(self) -> str:
        return f"Page({self.path!r}, {'lazy' if self._make else len(self.content)})"


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
