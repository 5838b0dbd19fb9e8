"""Write pages into the output directory: atomically, in order, only when the bytes changed.

Each file goes to a temporary file in its own directory, is fsynced, then ``os.replace``d over
the old one, so a reader (or a crash) sees the old file or the new one, never half of one. Pages
are written in the order given (``build_site`` puts story pages before the listings and feeds
that link to them). A file whose bytes would not change is left alone (same size and the SHA-256
recorded in the manifest, or, with no record, the same bytes on disk). Every path is
checked twice: syntactically (no absolute paths, no '..', no backslashes) and after resolving
symlinks (it must stay under the resolved output directory).

Files written by an earlier run and no longer produced are removed: the writer records what it
wrote in ``.wirefeed-manifest.json`` and only ever removes files listed there, never anything
else that happens to live in the output directory.

No rendering here and no decisions about content.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from publish.errors import UnsafePathError, WriteError
from publish.types import Page, WriteReport

MANIFEST = ".wirefeed-manifest.json"
_TMP_PREFIX = ".wirefeed-tmp-"


def check_path(root: Path, rel: str) -> Path:
    """The absolute target of output path ``rel`` under the resolved ``root``, or raise."""
    if not rel or "\x00" in rel or "\\" in rel or rel.startswith("/") or ":" in rel:
        raise UnsafePathError("not a plain relative path", path=rel)
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise UnsafePathError("empty, '.' or '..' path segment", path=rel)
    target = root / Path(*parts)
    resolved_parent = target.parent.resolve()
    if not resolved_parent.is_relative_to(root):
        raise UnsafePathError(f"resolves outside {root}", path=rel)
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise UnsafePathError("exists and is not a regular file", path=rel)
    return resolved_parent / target.name


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def atomic_write(target: Path, content: bytes) -> None:
    """Replace ``target`` with ``content``: temp file in the same directory, fsync, rename."""
    fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _same_bytes(target: Path, content: bytes, known: str | None) -> bool:
    try:
        size = target.stat().st_size
    except OSError:
        return False
    if size != len(content):
        return False
    if known is not None:
        return known == digest(content)
    try:
        return target.read_bytes() == content
    except OSError:
        return False


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read_manifest(root: Path) -> dict[str, str]:
    try:
        data = json.loads((root / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items()}


def _remove_stale(root: Path, stale: Iterable[str]) -> int:
    removed = 0
    for rel in sorted(stale):
        try:
            target = check_path(root, rel)
        except UnsafePathError:
            continue  # a tampered manifest must not make us delete outside the site
        try:
            target.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise WriteError(f"cannot remove stale file: {exc}", path=rel) from exc
        removed += 1
        parent = target.parent
        while parent != root:
            try:
                parent.rmdir()  # only succeeds when empty
            except OSError:
                break
            parent = parent.parent
    return removed


def write_site(
    pages: Sequence[Page], output_dir: str | Path, *, force: bool = False
) -> WriteReport:
    """Write ``pages`` under ``output_dir`` (created if missing); see the module docstring.

    ``force`` rewrites every file even when its bytes are unchanged.
    """
    try:
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        root = Path(output_dir).resolve(strict=True)
    except OSError as exc:
        raise WriteError(f"cannot create output directory: {exc}", path=str(output_dir)) from exc
    targets = [(page, check_path(root, page.path)) for page in pages]  # all checked up front
    seen: set[str] = set()
    for page, _ in targets:
        if page.path in seen:
            raise UnsafePathError("two pages with the same path", path=page.path)
        seen.add(page.path)
    old = _read_manifest(root)
    manifest: dict[str, str] = {}
    written = unchanged = 0
    dirs: set[Path] = set()
    for page, target in targets:
        hexdigest = digest(page.content)
        manifest[page.path] = hexdigest
        if not force and _same_bytes(target, page.content, old.get(page.path)):
            unchanged += 1
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # re-check after mkdir: a directory created concurrently could be a symlink
            if not target.parent.resolve().is_relative_to(root):
                raise UnsafePathError(f"resolves outside {root}", path=page.path)
            atomic_write(target, page.content)
        except OSError as exc:
            raise WriteError(str(exc), path=page.path) from exc
        dirs.add(target.parent)
        written += 1
    for d in dirs:
        _fsync_dir(d)
    removed = _remove_stale(root, set(old) - set(manifest))
    body = json.dumps({"files": manifest}, sort_keys=True, indent=0).encode("utf-8")
    try:
        atomic_write(root / MANIFEST, body)
    except OSError as exc:
        raise WriteError(str(exc), path=MANIFEST) from exc
    return WriteReport(files_written=written, files_unchanged=unchanged, files_removed=removed)
