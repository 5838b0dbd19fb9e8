"""Render pages and stage them in temporary files, in worker processes as well as this one.

A first publish of a large site is mostly rendering story pages and creating their directories
and files (kernel time: a directory and a file per story). Both are independent from page to
page, so a big run shares them out: ``stage_pages`` cuts a run of ``Page.portable`` pages into
chunks, hands them to a process pool (``worker_pool``) from the front and stages chunks itself
from the back until the two meet, so neither side waits on a fixed split. ``stage_chunk`` is
what both sides run: render each page, and unless its bytes are already on disk, create its
directory and write it to a temporary file beside its target.

Nothing becomes visible here: ``write`` renames the staged files into place in the plan's order
after one file-system sync, so a reader never sees a page before the pages it links to, and a
failed run leaves no staged file behind (nor does a killed one for long: ``write`` sweeps
temporary files from the directories it writes into). Not here either: deciding what to write
(``plan``), the manifest and stale files (``write``).
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

from publish.errors import WriteError
from publish.outdirs import OutputDirs
from publish.types import Page

CHUNK = 48  # pages per task: ~40 ms of work, small enough for the two ends to meet evenly
MIN_PAGES = 256  # fewer portable pages than this are not worth starting a process for
TMP_PREFIX = ".wirefeed-tmp-"
WATCH_SECONDS = 1.0

Staged = tuple[str, str, str | None]  # (path, SHA-256 of its bytes, temp file; None: unchanged)


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def same_bytes(target: Path, content: bytes, known: str | None, hexdigest: str) -> bool:
    """Whether ``target`` holds ``content`` (whose digest is ``hexdigest``) already: same size
    and the recorded digest ``known``, or with no record, the same bytes."""
    try:
        size = os.stat(target).st_size
    except OSError:
        return False
    if size != len(content):
        return False
    if known is not None:
        return known == hexdigest
    try:
        return target.read_bytes() == content
    except OSError:
        return False


def stage_chunk(
    pages: Sequence[Page],
    root: Path,
    known: Mapping[str, str],
    always: frozenset[str] = frozenset(),
    dirs: OutputDirs | None = None,
) -> list[Staged]:
    """Render ``pages`` and write each whose bytes differ from its target's (by the manifest's
    digest in ``known``; a path in ``always`` is written regardless) to a temporary file in the
    target's directory, creating it. On any error the chunk's temporary files are removed."""
    dirs = dirs or OutputDirs(root)
    out: list[Staged] = []
    try:
        for page in pages:
            content = page.content
            hexdigest = digest(content)
            folder, _, name = page.path.rpartition("/")
            target = dirs.resolve(folder) / name
            if page.path not in always and same_bytes(
                target, content, known.get(page.path), hexdigest
            ):
                out.append((page.path, hexdigest, None))
                continue
            try:
                dirs.make(folder)  # and re-checked: one made concurrently could be a symlink
                fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=dirs.resolve(folder))
                out.append((page.path, hexdigest, tmp))
                with os.fdopen(fd, "wb") as fh:
                    os.fchmod(fh.fileno(), 0o644)
                    fh.write(content)
            except OSError as exc:
                raise WriteError(str(exc), path=page.path) from exc
    except BaseException:
        discard(out)
        raise
    return out


def discard(staged: Sequence[Staged]) -> None:
    """Remove the temporary files of ``staged`` (after an error)."""
    for _, _, tmp in staged:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def stage_pages(
    pages: Sequence[Page],
    root: Path,
    known: Mapping[str, str],
    always: frozenset[str],
    pool: Executor,
    dirs: OutputDirs,
) -> list[Staged]:
    """``stage_chunk`` over ``pages`` (all portable) shared with ``pool``; results in page
    order. If anything fails, every file staged so far is removed before the error is raised."""
    chunks = [pages[i : i + CHUNK] for i in range(0, len(pages), CHUNK)]
    futures: list[Future[list[Staged]]] = []
    results: list[list[Staged] | None] = [None] * len(chunks)
    try:
        for chunk in chunks:
            mine = {p.path: known[p.path] for p in chunk if p.path in known}
            futures.append(pool.submit(stage_chunk, chunk, root, mine, always))
        for i in reversed(range(len(chunks))):  # the pool takes from the front
            if not futures[i].cancel():
                break
            results[i] = stage_chunk(chunks[i], root, known, always, dirs)
        for i, future in enumerate(futures):
            if results[i] is None:
                results[i] = future.result()
    except BaseException:
        for future in futures:
            future.cancel()
        for i, future in enumerate(futures):
            if results[i] is None and not future.cancelled():
                with contextlib.suppress(BaseException):
                    results[i] = future.result()
        for got in results:
            discard(got or [])
        raise
    return [staged for got in results for staged in got or []]


@contextlib.contextmanager
def worker_pool(pages: int, processes: int) -> Iterator[Executor | None]:
    """A pool of ``processes - 1`` workers (this process renders too) for ``pages`` portable
    pages, or None when that is not worth it (few pages, one process); shut down on exit."""
    extra = (processes if processes > 0 else os.cpu_count() or 1) - 1
    if pages < MIN_PAGES or extra < 1:
        yield None
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["publish.stage", "publish.render"])
    pool = ProcessPoolExecutor(
        max_workers=extra, mp_context=context, initializer=_watch, initargs=(os.getpid(),)
    )
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _watch(parent: int) -> None:
    """Each worker leaves once ``parent`` is gone (killed with ``kill -9``: its own copy of the
    task queue would keep it waiting for tasks that never come)."""

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            try:
                os.kill(parent, 0)
            except (ProcessLookupError, PermissionError):  # gone, or the pid is someone else's
                os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
