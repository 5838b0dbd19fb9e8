"""Group work submitted by many coroutines into batches for one synchronous function.

The pipeline's items finish one by one in many tasks, but the store is fastest when it takes
them many to a transaction. ``Batcher.submit(job)`` queues a job and waits for its own result;
the queue is flushed ``delay`` seconds after its first job arrived, so every job that finished
meanwhile goes in the same call of ``flush`` (up to ``max_batch``). Under load the batches grow
by themselves (the loop is busy, more jobs pile up); a job that arrives alone waits ``delay``
at most. ``flush`` returns one result per job, an exception for a job that failed; it runs
in the event loop's thread. ``TaskBatcher`` does the same for work sent to an executor (one
task per batch, results back per job). This module knows nothing of what the jobs are.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any, Generic, TypeVar

J = TypeVar("J")
R = TypeVar("R")

MAX_BATCH = 200
DELAY = 0.02  # seconds: short next to a fetch, long enough for results to pile up


class _Queue(Generic[J, R]):
    """Jobs waiting for their turn, each with the future its submitter awaits."""

    def __init__(self, max_batch: int, delay: float) -> None:
        self._max = max_batch
        self._delay = delay
        self._queue: list[tuple[J, asyncio.Future[R]]] = []
        self._scheduled = False

    async def submit(self, job: J) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._queue.append((job, future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_later(self._delay, self._run)
        return await future

    def _take(self) -> list[tuple[J, asyncio.Future[R]]]:
        batch, self._queue = self._queue[: self._max], self._queue[self._max :]
        return batch

    def _run(self) -> None:
        raise NotImplementedError


class Batcher(_Queue[J, R]):
    """``await submit(job)`` returns ``flush([..., job, ...])``'s result for that job."""

    def __init__(
        self,
        flush: Callable[[Sequence[J]], Sequence[R | Exception]],
        *,
        max_batch: int = MAX_BATCH,
        delay: float = DELAY,
    ) -> None:
        super().__init__(max_batch, delay)
        self._flush = flush
        self.batches = 0
        self.jobs = 0

    def _run(self) -> None:
        self._scheduled = False
        while self._queue:
            batch = self._take()
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


class TaskBatcher(_Queue[J, R]):
    """``await submit(job)``: the jobs submitted in one turn of the event loop go to
    ``executor`` as one call of ``run`` (a list in, a list of results or exceptions out).

    For work whose hand-off costs more than a small job (a process pool pickles and wakes per
    task): a feed's twenty items become one task. No delay is added: a job that arrives alone
    goes alone on the next turn of the loop.
    """

    def __init__(
        self,
        executor: Executor,
        run: Callable[[list[J]], list[R | Exception]],
        *,
        max_batch: int = 32,
    ) -> None:
        super().__init__(max_batch, 0.0)
        self._executor = executor
        self._run_batch = run
        self.tasks = 0

    def _run(self) -> None:
        self._scheduled = False
        loop = asyncio.get_running_loop()
        while self._queue:
            batch = self._take()
            self.tasks += 1
            done = loop.run_in_executor(self._executor, self._run_batch, [j for j, _f in batch])
            done.add_done_callback(functools.partial(_settle, batch))


def _settle(batch: list[tuple[Any, asyncio.Future[Any]]], done: asyncio.Future[Any]) -> None:
    """Hand each job its own result (the whole batch's error when the call itself failed)."""
    if done.cancelled():
        results: list[Any] = [asyncio.CancelledError()] * len(batch)
    elif done.exception() is not None:
        results = [done.exception()] * len(batch)
    else:
        results = list(done.result())
    for (_job, future), result in zip(batch, results, strict=True):
        if future.done():
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)
