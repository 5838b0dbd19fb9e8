"""Render pages and stage them in temporary files, in worker processes as well as this one.

A first publish of a large site is mostly rendering story pages and creating their directories
and files (kernel time: a directory and a file per story). Both are independent from page to
page, so a big run shares them out: ``stage_pages`` cuts a run of ``Page.portable`` pages into
chunks, hands them to a process pool (``worker_pool``) from the front and stages chunks itself
from the back until the two meet, so neither side waits on a fixed split. A worker that dies
costs time, not the run: its chunks are staged here. ``stage_chunk`` is what both sides run:
render each page, and unless its bytes are already on disk, create its directory and write it
to a temporary file beside its target.

Nothing becomes visible here: ``write`` renames the staged files into place in the plan's order
after one file-system sync, so a reader never sees a page before the pages it links to, and a
failed run leaves no staged file behind (nor does a killed one for long: ``write`` sweeps
temporary files from the directories it writes into). Not here either: deciding what to write
(``plan``), the manifest and stale files (``write``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from publish.errors import WriteError
from publish.outdirs import OutputDirs
from publish.types import Page

CHUNK = 32  # pages per task: ~30 ms of work, small enough for the two ends to meet evenly
MIN_PAGES = 256  # fewer portable pages than this are not worth starting a process for
TMP_PREFIX = ".wirefeed-tmp-"
WATCH_SECONDS = 1.0

log = logging.getLogger("wirefeed.publish")
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


@dataclass(frozen=True, slots=True)
class Workers:
    """A process pool and how many processes it has."""

    pool: Executor
    count: int


def stage_pages(
    pages: Sequence[Page],
    root: Path,
    known: Mapping[str, str],
    always: frozenset[str],
    workers: Workers,
    dirs: OutputDirs,
) -> list[Staged]:
    """``stage_chunk`` over ``pages`` (all portable) shared with ``workers``; results in page
    order. If anything fails, every file staged so far is removed before the error is raised."""

    def here(chunk: Sequence[Page]) -> list[Staged]:
        return stage_chunk(chunk, root, known, always, dirs)

    def there(chunk: Sequence[Page]) -> Future[list[Staged]]:
        mine = {p.path: known[p.path] for p in chunk if p.path in known}
        return workers.pool.submit(stage_chunk, chunk, root, mine, always)

    chunks = [pages[i : i + CHUNK] for i in range(0, len(pages), CHUNK)]
    return _Shared(chunks, here, there, ahead=2 * workers.count).run()


class _Shared:
    """One ``stage_pages`` run. The pool (``there``) is kept ``ahead`` chunks ahead, taking
    chunks from the front, while this process (``here``) stages chunks from the back, until the
    two meet. Chunks are handed out as they are needed rather than all at once, so nothing has
    to be taken back from the pool (cancelling queued work is what exposes a bug of Python
    3.11's pool when a worker then dies)."""

    def __init__(
        self,
        chunks: list[Sequence[Page]],
        here: Callable[[Sequence[Page]], list[Staged]],
        there: Callable[[Sequence[Page]], Future[list[Staged]]],
        *,
        ahead: int,
    ) -> None:
        self.chunks, self.here, self.ahead = chunks, here, ahead
        self.there: Callable[[Sequence[Page]], Future[list[Staged]]] | None = there
        self.results: list[list[Staged] | None] = [None] * len(chunks)
        self.sent: dict[int, Future[list[Staged]]] = {}
        self.front, self.back = 0, len(chunks)

    def run(self) -> list[Staged]:
        try:
            self._send()
            while self.front < self.back:
                self.back -= 1
                self.results[self.back] = self.here(self.chunks[self.back])
                self._collect(wait=False)
                self._send()
            self._collect(wait=True)
        except BaseException:
            for future in self.sent.values():  # wait for what the pool holds, then undo all
                with contextlib.suppress(BaseException):
                    discard(future.result())
            for got in self.results:
                discard(got or [])
            raise
        return [staged for got in self.results for staged in got or []]

    def _send(self) -> None:
        while self.there is not None and len(self.sent) < self.ahead and self.front < self.back:
            try:
                self.sent[self.front] = self.there(self.chunks[self.front])
            except (BrokenExecutor, RuntimeError) as exc:  # broken, or shut down
                log.warning("publish: the worker pool is gone (%r); staging the rest here", exc)
                self.there = None
                return
            self.front += 1

    def _collect(self, *, wait: bool) -> None:
        for i, future in list(self.sent.items()):
            if wait or future.done():
                del self.sent[i]
                self.results[i] = self._result(i, future)

    def _result(self, i: int, future: Future[list[Staged]]) -> list[Staged]:
        """A chunk's result from the pool; a chunk the pool failed on is staged here instead:
        a worker that died (killed, out of memory) or a chunk that could not be sent costs
        time, not the run, and a page that cannot be rendered fails here as it did there."""
        try:
            return future.result()
        except Exception as exc:
            if isinstance(exc, BrokenExecutor):
                self.there = None
            log.warning(
                "publish: a worker did not stage %d pages (%r); staging them here",
                len(self.chunks[i]),
                exc,
            )
            return self.here(self.chunks[i])


@contextlib.contextmanager
def worker_pool(pages: int, processes: int) -> Iterator[Workers | None]:
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
        yield Workers(pool, extra)
    finally:
        pool.shutdown(wait=True)


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
