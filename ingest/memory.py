"""Give the memory an ingest run freed back to the operating system.

An ingest run holds pages, parsed trees and analyses in flight; once it is over CPython has
freed them, but glibc's allocator keeps most freed pages mapped for reuse, so the process
stays as large as the run's peak. The service publishes next, with every stored story in
memory, and keeps running between ticks: ``release`` asks glibc (``malloc_trim``) to return
its free pages (about 30 MB after the 6,000-item benchmark run). On a C library without
``malloc_trim`` (musl, macOS) it does nothing. It frees no object itself.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def release() -> bool:
    """Return free heap pages to the system; False where the C library cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
