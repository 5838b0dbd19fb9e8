"""Group work submitted by many coroutines into batches for one synchronous function.

The pipeline's items finish one by one in many tasks, but the store is fastest when it takes
them many to a transaction. ``Batcher.submit(job)`` queues a job and waits for its own result;
the queue is flushed ``delay`` seconds after its first job arrived, so every job that finished
meanwhile goes in the same call of ``flush`` (up to ``max_batch``). Under load the batches grow
by themselves (the loop is busy, more jobs pile up); a job that arrives alone waits ``delay``
at most. ``flush`` returns one result per job, an exception for a job that failed; it runs
in the event loop's thread. This module knows nothing of what the jobs are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

J = TypeVar("J")
R = TypeVar("R")

MAX_BATCH = 200
DELAY = 0.02  # seconds: short next to a fetch, long enough for results to pile up


class Batcher(Generic[J, R]):
    """``await submit(job)`` returns ``flush([..., job, ...])``'s result for that job."""

    def __init__(
        self,
        flush: Callable[[Sequence[J]], Sequence[R | Exception]],
        *,
        max_batch: int = MAX_BATCH,
        delay: float = DELAY,
    ) -> None:
        self._flush = flush
        self._max = max_batch
        self._delay = delay
        self._queue: list[tuple[J, asyncio.Future[R]]] = []
        self._scheduled = False
        self.batches = 0
        self.jobs = 0

    async def submit(self, job: J) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._queue.append((job, future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_later(self._delay, self._run)
        return await future

    def _run(self) -> None:
        self._scheduled = False
        while self._queue:
            batch, self._queue = self._queue[: self._max], self._queue[self._max :]
            try:
                results = list(self._flush([job for job, _future in batch]))
                if len(results) != len(batch):
                    raise RuntimeError(f"flush returned {len(results)} results for {len(batch)}")
            except Exception as exc:  # the whole call failed: every job of it did
                results = [exc] * len(batch)
            self.batches += 1
            self.jobs += len(batch)
            for (_job, future), result in zip(batch, results, strict=True):
                if future.done():  # its waiter was cancelled
                    continue
                if isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(result)
