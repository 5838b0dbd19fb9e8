"""Giving freed memory back after a run."""

from __future__ import annotations

import ctypes

from ingest import memory


def rss_kb() -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS"))


def test_freed_heap_pages_go_back_to_the_system() -> None:
    if memory._malloc_trim() is None:  # not glibc: nothing to ask for
        assert memory.release() is False
        return
    ctypes.CDLL(None).mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: no trimming on free by itself
    try:
        blocks = [bytearray(1000) for _ in range(60_000)]  # ~60 MB of small heap blocks
        keep = blocks[-1]  # one live block at the top: the heap cannot simply shrink
        before = rss_kb()
        del blocks
        assert rss_kb() > before - 20_000  # freed, but still held by the allocator
        assert memory.release() is True
        assert rss_kb() < before - 40_000
        assert keep
    finally:
        ctypes.CDLL(None).mallopt(-1, 128 * 1024)  # back to glibc's default threshold
