"""Errors of the publish package.

    PublishError           base of everything publish raises; the message names the stage
    ├── UnsafePathError    a page path would land outside the output directory (or is malformed)
    └── WriteError         the output directory or a file in it could not be written

Messages read ``publish: <stage>: <reason>``. OS errors are wrapped with ``raise ... from exc``.
This module defines errors only; it does not log or decide what is fatal.
"""

from __future__ import annotations


class PublishError(Exception):
    """Something prevented the site from being built or written."""

    stage = "publish"

    def __init__(self, reason: str, *, path: str | None = None) -> None:
        self.reason = reason
        self.path = path
        super().__init__(reason)

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"publish: {self.stage}: {where}{self.reason}"


class UnsafePathError(PublishError):
    """A relative page path that is absolute, climbs with '..', or resolves outside output_dir."""

    stage = "path"


class WriteError(PublishError):
    """The file system refused: permissions, disk full, a file where a directory should be."""

    stage = "write"
