"""Write pages into the output directory: atomically, in order, only when the bytes changed.

Each file goes to a temporary file in its own directory and is then ``os.replace``d over the
old one, so a reader (or a crash) sees the old file or the new one, never half of one. Pages
are staged in batches: one file-system sync makes a batch's bytes durable before any of its
renames (rather than an fsync per file; see ``_put_in_place``). Pages are written in the order given
(``build_site`` puts story pages before the listings and feeds that link to them). A file whose
bytes would not change is left alone (same size and the SHA-256 recorded in the manifest, or,
with no record, the same bytes on disk). Given a worker pool, runs of portable pages are
rendered and staged by the pool and this process together (``stage``), then renamed in order
like the others. Every path is checked twice: syntactically (no absolute paths, no '..', no
backslashes) and after resolving symlinks (it must stay under the resolved output directory),
before anything is written and again when its directory is created (``outdirs.OutputDirs``: a
directory seen to be a real one is trusted for the rest of the run rather than resolved again
for each file).

Files written by an earlier run and no longer part of the site are removed (after the new
pages are in place): the writer records what it wrote in ``.wirefeed-manifest.json`` and only
ever removes files listed there, never anything else that happens to live in the output
directory. The manifest also carries the publish record (``registry``) and is replaced last,
so a run killed half-way leaves the previous record and the next run redoes the work. A lock
file serialises publish runs; temporary files left by a killed run are swept from the
directories written next.

No templates here (a planned page renders itself when read) and no decisions about content.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import functools
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from publish.errors import UnsafePathError, WriteError
from publish.outdirs import OutputDirs
from publish.registry import Registry, from_json, to_json
from publish.stage import CHUNK, TMP_PREFIX, Workers, stage_chunk, stage_pages
from publish.types import Page, WriteReport

MANIFEST = ".wirefeed-manifest.json"
LOCK = ".wirefeed-lock"
BATCH = 512


def check_path(root: Path, rel: str) -> Path:
    """The absolute target of output path ``rel`` under the resolved ``root``, or raise."""
    return OutputDirs(root).target(rel)


def atomic_write(target: Path, content: bytes) -> None:
    """Replace ``target`` with ``content``: temp file in the same directory, fsync, rename."""
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=target.parent)
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


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def _sync_fs(root: Path) -> None:
    """Flush everything written so far on ``root``'s file system (syncfs(2), else sync(2))."""
    call = _syncfs()
    if call is None:
        os.sync()
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        if call(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


def _put_in_place(root: Path, renames: Sequence[tuple[str, str, Path]]) -> None:
    """Make the staged files' bytes durable with one file-system sync, then rename each over its
    target in order; on an error the ones not yet renamed are removed. One sync per ``BATCH``
    pages (or per run shared with a pool) instead of an fsync per file, which made a
    100,000-page build I/O bound; a crash still never leaves a renamed file whose bytes are not
    on disk."""
    if not renames:
        return
    _sync_fs(root)
    for i, (rel, tmp, target) in enumerate(renames):
        try:
            os.replace(tmp, target)
        except OSError as exc:
            for _, left, _ in renames[i:]:
                with contextlib.suppress(OSError):
                    os.unlink(left)
            raise WriteError(str(exc), path=rel) from exc


def _load_manifest(root: Path) -> dict[str, object]:
    try:
        data = json.loads((root / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _manifest_files(data: dict[str, object]) -> dict[str, str]:
    files = data.get("files")
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items()}


def read_registry(output_dir: str | Path) -> Registry:
    """The publish record left by the last complete run in ``output_dir`` (EMPTY if none)."""
    return from_json(_load_manifest(Path(output_dir)).get("publish"))


def _sweep_temps(directory: Path) -> None:
    """Remove temporary files a killed run left in ``directory`` (we hold the publish lock)."""
    try:
        names = [e.name for e in os.scandir(directory) if e.name.startswith(TMP_PREFIX)]
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(directory / name)


@contextlib.contextmanager
def publish_lock(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``root`` so two publish runs never interleave their writes."""
    try:
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise WriteError(f"cannot create lock file: {exc}", path=LOCK) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


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


def _open_root(output_dir: str | Path) -> Path:
    try:
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        return Path(output_dir).resolve(strict=True)
    except OSError as exc:
        raise WriteError(f"cannot create output directory: {exc}", path=str(output_dir)) from exc


def _segments(
    targets: list[tuple[Page, Path]], sharing: bool
) -> Iterator[tuple[list[tuple[Page, Path]], bool]]:
    """``targets`` cut, in order, into runs (of ``CHUNK`` portable pages or more) to share with
    a pool, and batches of at most ``BATCH`` pages to stage here."""
    start = 0
    while start < len(targets):
        portable = sharing and targets[start][0].portable
        end = start + 1 if sharing else len(targets)
        while end < len(targets) and targets[end][0].portable == portable:
            end += 1
        if portable and end - start >= CHUNK:
            yield targets[start:end], True
        else:
            for i in range(start, end, BATCH):
                yield targets[i : min(i + BATCH, end)], False
        start = end


class _Run:
    """One write run's state: the manifest's digests as they become, counts, swept folders."""

    def __init__(self, root: Path, dirs: OutputDirs, files: dict[str, str], force: bool) -> None:
        self.root, self.dirs, self.files, self.force = root, dirs, files, force
        self.written = self.unchanged = 0
        self.swept: set[str] = set()

    def stage(self, segment: list[tuple[Page, Path]], pool: Workers | None) -> None:
        """Render and stage ``segment`` (shared with ``pool`` when given), then put it in place
        in order. A path that comes twice (a provisional page, then its final one) is always
        written: its first staged file is not on disk yet to compare with."""
        for page, target in segment:  # before anything of the segment is staged
            folder = page.path.rpartition("/")[0]
            if folder not in self.swept:
                if folder not in self.dirs.created:  # a directory just made has no temps
                    _sweep_temps(target.parent)
                self.swept.add(folder)
        counts = Counter(page.path for page, _ in segment)
        always = frozenset(p for p, n in counts.items() if self.force or n > 1)
        pages = [page for page, _ in segment]
        if pool is None:
            staged = stage_chunk(pages, self.root, self.files, always, self.dirs)
        else:
            staged = stage_pages(pages, self.root, self.files, always, pool, self.dirs)
        renames = []
        for (_, target), (path, hexdigest, tmp) in zip(segment, staged, strict=True):
            self.files[path] = hexdigest
            if tmp is None:
                self.unchanged += 1
            else:
                renames.append((path, tmp, target))
        self.written += len(renames)
        _put_in_place(self.root, renames)


def write_site(
    pages: Sequence[Page], output_dir: str | Path, *, force: bool = False
) -> WriteReport:
    """Write ``pages`` (the whole site) under ``output_dir``; see the module docstring.

    ``force`` rewrites every file even when its bytes are unchanged. The publish record is
    dropped (the next ``publish_site`` renders everything).
    """
    seen: set[str] = set()
    for page in pages:
        if page.path in seen:
            raise UnsafePathError("two pages with the same path", path=page.path)
        seen.add(page.path)
    return write_pages(pages, output_dir, paths=frozenset(seen), force=force)


def write_pages(
    pages: Sequence[Page],
    output_dir: str | Path,
    *,
    paths: frozenset[str],
    registry: Registry | None = None,
    force: bool = False,
    pool: Workers | None = None,
) -> WriteReport:
    """Write ``pages`` in order (a later page with the same path wins), remove files of the last
    run that are not in ``paths`` (every file the site now has), then record ``registry``.

    Files in ``paths`` that are not among ``pages`` are left as they are (incremental runs).
    With a ``pool``, runs of portable pages are rendered and staged by it and by this process
    together (``stage``), then renamed into place in order like the others.
    """
    root = _open_root(output_dir)
    dirs = OutputDirs(root)
    targets = [(page, dirs.target(page.path)) for page in pages]  # all checked up front
    with publish_lock(root):
        old = _manifest_files(_load_manifest(root))
        run = _Run(root, dirs, {p: h for p, h in old.items() if p in paths}, force)
        for segment, shared in _segments(targets, pool is not None):
            run.stage(segment, pool if shared else None)
        files, written = run.files, run.written
        if written:
            _sync_fs(root)  # the renames themselves
        removed = _remove_stale(root, set(old) - set(paths))
        record: dict[str, object] = {"files": files}
        if registry is not None:
            record["publish"] = to_json(registry)
        body = json.dumps(record, sort_keys=True, separators=(",", ":")).encode("utf-8")
        try:
            atomic_write(root / MANIFEST, body)
        except OSError as exc:
            raise WriteError(str(exc), path=MANIFEST) from exc
    return WriteReport(files_written=written, files_unchanged=run.unchanged, files_removed=removed)
