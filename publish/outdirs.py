"""The directories of one output tree during one write run: resolved and created once each.

``write`` checks that every file it writes stays under the resolved output root, after
resolving symlinks, before and after creating its directory. Done per file with
``Path.resolve`` that reads every parent of every file again (a story page is five levels
deep). ``OutputDirs`` remembers, for the length of one run, the directories it has seen to be
real directories (``lstat``, not symlinks) below a remembered one, starting from the root: such
a directory resolves to itself and needs no further look. Anything else (a missing directory,
a symlink, a file) is looked at every time, with the same answers as ``Path.resolve``.

It also knows which directories this run created, so the writer need not look for temporary
files left by a killed run in them (a directory just made is empty).

Deliberately no writing of files and no decisions about which files to write (``write``).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from publish.errors import UnsafePathError

_REAL, _ABSENT, _OTHER = 0, 1, 2  # a real directory (no symlink on the way), missing, anything else
_IGNORED = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)  # as pathlib's is_symlink()


class OutputDirs:
    """Directories under ``root`` (resolved already), by their '/'-separated relative path."""

    __slots__ = ("_real", "created", "root")

    def __init__(self, root: Path) -> None:
        self.root = root
        self._real: dict[str, Path] = {"": root}  # every component seen to be a real directory
        self.created: set[str] = set()  # made by this run

    def resolve(self, rel_dir: str) -> Path:
        """``(root / rel_dir).resolve()``, for a syntactically checked ``rel_dir``."""
        return self._resolve(rel_dir)[0]

    def _resolve(self, rel_dir: str) -> tuple[Path, int]:
        got = self._real.get(rel_dir)
        if got is not None:
            return got, _REAL
        head, _, name = rel_dir.rpartition("/")
        parent, kind = self._resolve(head)
        if kind == _ABSENT:  # so are its children: they resolve to themselves
            return parent / name, _ABSENT
        if kind == _OTHER:
            return (self.root / rel_dir).resolve(), _OTHER
        path = parent / name
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return path, _ABSENT
        if stat.S_ISDIR(mode):
            self._real[rel_dir] = path
            return path, _REAL
        if stat.S_ISLNK(mode):
            return path.resolve(), _OTHER
        return path, _OTHER

    def target(self, rel: str) -> Path:
        """The absolute target of output path ``rel`` under the root, or raise (see ``write``)."""
        if not rel or "\x00" in rel or "\\" in rel or rel.startswith("/") or ":" in rel:
            raise UnsafePathError("not a plain relative path", path=rel)
        parts = rel.split("/")
        if any(p in ("", ".", "..") for p in parts):
            raise UnsafePathError("empty, '.' or '..' path segment", path=rel)
        head, _, name = rel.rpartition("/")
        parent, kind = self._resolve(head)  # real or absent: under the root by construction
        if kind == _OTHER and not parent.is_relative_to(self.root):
            raise UnsafePathError(f"resolves outside {self.root}", path=rel)
        target = parent / name
        try:
            mode = os.lstat(target).st_mode
        except OSError as exc:
            if exc.errno in _IGNORED:
                return target
            raise
        if stat.S_ISLNK(mode) or not stat.S_ISREG(mode):
            raise UnsafePathError("exists and is not a regular file", path=rel)
        return target

    def make(self, rel_dir: str) -> None:
        """Create ``rel_dir`` and its missing parents; raise if it is not a directory inside the
        root afterwards (one created concurrently could be a symlink)."""
        if rel_dir in self._real:
            return
        head, _, name = rel_dir.rpartition("/")
        self.make(head)
        path = self.resolve(head) / name
        try:
            os.mkdir(path)
            self.created.add(rel_dir)
        except FileExistsError:
            if not path.is_dir():
                raise
        resolved, kind = self._resolve(rel_dir)
        if kind != _REAL and not resolved.is_relative_to(self.root):
            raise UnsafePathError(f"resolves outside {self.root}", path=rel_dir)
