"""The batchers: jobs that are ready together go together, and each gets its own result."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from ingest.batching import Batcher, TaskBatcher


def _recording(calls: list[list[int]]) -> Batcher[int, int]:
    def flush(jobs: Sequence[int]) -> list[int | Exception]:
        calls.append(list(jobs))
        return [ValueError(f"job {j} is odd") if j % 2 else j * 10 for j in jobs]

    return Batcher(flush, max_batch=3, delay=0.01)


def test_jobs_submitted_together_go_in_one_flush_and_get_their_own_results() -> None:
    calls: list[list[int]] = []

    async def main() -> list[int | BaseException]:
        batcher = _recording(calls)
        return await asyncio.gather(*(batcher.submit(j) for j in (2, 4, 1)), return_exceptions=True)

    results = asyncio.run(main())
    assert calls == [[2, 4, 1]]
    assert results[:2] == [20, 40]
    assert isinstance(results[2], ValueError) and "job 1 is odd" in str(results[2])


def test_batches_are_capped_and_later_jobs_start_a_new_batch() -> None:
    calls: list[list[int]] = []

    async def main() -> list[int]:
        batcher = _recording(calls)
        first = await asyncio.gather(*(batcher.submit(j) for j in (2, 4, 6, 8)))
        later = await batcher.submit(10)
        assert (batcher.batches, batcher.jobs) == (3, 5)
        return [*first, later]

    assert asyncio.run(main()) == [20, 40, 60, 80, 100]
    assert calls == [[2, 4, 6], [8], [10]]


def test_a_flush_that_raises_fails_each_of_its_jobs() -> None:
    def broken(jobs: Sequence[int]) -> list[int | Exception]:
        raise RuntimeError("database gone")

    async def main() -> None:
        batcher: Batcher[int, int] = Batcher(broken, delay=0)
        for outcome in await asyncio.gather(
            batcher.submit(1), batcher.submit(2), return_exceptions=True
        ):
            assert isinstance(outcome, RuntimeError)
        with pytest.raises(RuntimeError, match="database gone"):
            await batcher.submit(3)

    asyncio.run(main())


def test_jobs_ready_together_travel_to_the_executor_as_one_task() -> None:
    calls: list[list[int]] = []

    def run(jobs: list[int]) -> list[int | Exception]:
        calls.append(list(jobs))
        return [ValueError(f"job {j} is odd") if j % 2 else j * 10 for j in jobs]

    async def main() -> list[int | BaseException]:
        with ThreadPoolExecutor(1) as executor:
            batcher: TaskBatcher[int, int] = TaskBatcher(executor, run, max_batch=3)
            together = await asyncio.gather(
                *(batcher.submit(j) for j in (2, 4, 1, 6)), return_exceptions=True
            )
            alone = await batcher.submit(8)
            assert batcher.tasks == 3
            return [*together, alone]

    results = asyncio.run(main())
    assert calls == [[2, 4, 1], [6], [8]]
    assert results[0:2] == [20, 40] and results[3:] == [60, 80]
    assert isinstance(results[2], ValueError)


def test_a_task_that_fails_fails_each_of_its_jobs() -> None:
    def run(jobs: list[int]) -> list[int | Exception]:
        raise RuntimeError("worker died")

    async def main() -> list[int | BaseException]:
        with ThreadPoolExecutor(1) as executor:
            batcher: TaskBatcher[int, int] = TaskBatcher(executor, run)
            return await asyncio.gather(
                batcher.submit(1), batcher.submit(2), return_exceptions=True
            )

    assert all(isinstance(r, RuntimeError) for r in asyncio.run(main()))
