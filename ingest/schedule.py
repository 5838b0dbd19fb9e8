"""When to fetch a source again, and how healthy it is: the scheduling policy, as pure functions.

Given the outcome of a fetch and the source's previous state, ``after_success`` and
``after_error`` return the next due time and health. The base is the source's configured
``interval``; the feed's own hints (RSS ``ttl``/``sy:updatePeriod``, ``Cache-Control: max-age``,
``Expires``) and how often it really publishes can stretch it, within bounds; a deterministic
jitter spreads sources apart. Errors back off exponentially; ``Retry-After`` is honoured
(clamped); permanent errors escalate to ``dead`` only after a run of them. No clock, no I/O.

Health states: ``new`` -> ``healthy`` on success; on errors ``degraded`` (a few transient ones),
``failing`` (many: still retried, more slowly), ``dead`` (a run of permanent errors: not polled
until ``wirefeed sources reset``).
"""

from __future__ import annotations

import hashlib
import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_HINT_FACTOR = 4  # feed hints may stretch the interval to at most 4x
MAX_BACKOFF = timedelta(hours=6)
MAX_RETRY_AFTER = timedelta(hours=24)
JITTER = 0.1  # +-10% of the delay
FAILING_AFTER = 5
DEAD_AFTER_GONE = 3  # 410 Gone, three times in a row
DEAD_AFTER_PERMANENT = 10  # other permanent errors (404, 403, unparseable feed) in a row


@dataclass(frozen=True, slots=True)
class Hints:
    """What the feed and the server say about how often to come back."""

    ttl_minutes: int | None = None
    cache_seconds: float | None = None
    item_times: tuple[datetime, ...] = ()


@dataclass(frozen=True, slots=True)
class Next:
    """The policy's verdict: when to come back and the source's health."""

    due: datetime
    health: str
    errors: int
    permanent_errors: int
    reason: str


def jitter(name: str, when: datetime, delay: timedelta) -> timedelta:
    """A deterministic offset within +-JITTER of ``delay``, different per source and time."""
    digest = hashlib.sha256(f"{name}|{when.isoformat()}".encode()).digest()
    fraction = int.from_bytes(digest[:4], "big") / 0xFFFFFFFF  # 0..1
    return delay * (JITTER * (2 * fraction - 1))


def publishing_gap(item_times: Sequence[datetime]) -> timedelta | None:
    """Median gap between consecutive items, if the feed shows enough of them."""
    times = sorted(t for t in item_times if t is not None)
    if len(times) < 3:
        return None
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    positive = [g for g in gaps if g > 0]
    return timedelta(seconds=statistics.median(positive)) if positive else None


def success_delay(interval: timedelta, hints: Hints) -> tuple[timedelta, str]:
    """The delay after a successful fetch and why: interval stretched by hints, within bounds."""
    delay, reason = interval, "interval"
    ceiling = interval * MAX_HINT_FACTOR
    if hints.ttl_minutes:
        ttl = timedelta(minutes=hints.ttl_minutes)
        if ttl > delay:
            delay, reason = min(ttl, ceiling), "feed ttl"
    if hints.cache_seconds:
        cache = timedelta(seconds=hints.cache_seconds)
        if cache > delay:
            delay, reason = min(cache, ceiling), "cache headers"
    gap = publishing_gap(hints.item_times)
    if gap is not None and gap / 2 > delay:
        delay, reason = min(gap / 2, ceiling), "publishing rate"
    return delay, reason


def after_success(*, name: str, now: datetime, interval: timedelta, hints: Hints) -> Next:
    delay, reason = success_delay(interval, hints)
    return Next(
        due=now + delay + jitter(name, now, delay),
        health="healthy",
        errors=0,
        permanent_errors=0,
        reason=reason,
    )


def after_error(
    *,
    name: str,
    now: datetime,
    interval: timedelta,
    errors: int,
    permanent_errors: int,
    status: int | None,
    permanent: bool,
    retry_after: float | None,
) -> Next:
    """State after a failed fetch; ``errors``/``permanent_errors`` are the counts before it."""
    errors += 1
    permanent_errors = permanent_errors + 1 if permanent else 0
    limit = DEAD_AFTER_GONE if status == 410 else DEAD_AFTER_PERMANENT
    if permanent and permanent_errors >= limit:
        return Next(
            due=now + timedelta(days=3650),
            health="dead",
            errors=errors,
            permanent_errors=permanent_errors,
            reason=f"{permanent_errors} permanent errors in a row",
        )
    delay = min(interval * 2 ** min(errors - 1, 10), MAX_BACKOFF)
    reason = f"back-off after {errors} error(s)"
    if retry_after is not None:
        asked = min(timedelta(seconds=max(retry_after, 0)), MAX_RETRY_AFTER)
        if asked > delay:
            delay, reason = asked, "Retry-After"
    health = "failing" if errors >= FAILING_AFTER else "degraded"
    due = now + delay + abs(jitter(name, now, delay)) if reason != "Retry-After" else now + delay
    return Next(
        due=due, health=health, errors=errors, permanent_errors=permanent_errors, reason=reason
    )
