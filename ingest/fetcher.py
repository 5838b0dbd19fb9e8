"""Polite fetching for one run: global and per-host limits, deadlines, host delays, robots.txt.

``Fetcher`` wraps the shared HTTP client. Every request goes through a global semaphore and a
per-host one, has a total deadline, and is refused up front when the host asked us to wait
(``Retry-After``) or, for article pages, when robots.txt disallows it. It records host delays it
learns so the orchestrator can persist them. It knows nothing of the database or of feeds.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from config.allow import parse_allow
from config.settings import FetchSettings
from ingest.errors import FetchError
from ingest.fetch import ACCEPT_PAGE, fetch, make_client
from ingest.robots import RobotsCache, allowed, parse_robots, robots_url
from ingest.types import Fetched, NotModified

ROBOTS_MAX_BYTES = 512 * 1024


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class Fetcher:
    """The HTTP side of one ingest run. Use as ``async with Fetcher(...) as f``."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        robots: RobotsCache | None = None,
        host_delays: dict[str, datetime] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.robots = robots if robots is not None else RobotsCache()
        self.host_delays: dict[str, datetime] = dict(host_delays or {})
        self.learned_delays: dict[str, tuple[datetime, str]] = {}
        self._global = asyncio.Semaphore(settings.concurrency)
        self._robots_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(settings.per_host)
        )
        self._client = make_client(
            user_agent=settings.user_agent,
            timeout=settings.timeout,
            max_redirects=settings.max_redirects,
            max_connections=settings.concurrency,
            http2=settings.http2,
            proxy=settings.proxy,
            allow=parse_allow(settings.allow_hosts),
            transport=transport,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    def blocked_until(self, url: str, now: datetime) -> datetime | None:
        until = self.host_delays.get(host_of(url))
        return until if until is not None and until > now else None

    async def get(
        self,
        url: str,
        *,
        now: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        page: bool = False,
        robots: bool = True,
    ) -> Fetched | NotModified:
        """Fetch ``url`` politely; raises ``FetchError`` (also for a host delay or robots.txt)."""
        until = self.blocked_until(url, now)
        if until is not None:
            wait = (until - now).total_seconds()
            raise FetchError(
                f"host {host_of(url)} asked us to wait ({wait:.0f} s more)",
                url=url,
                retry_after=wait,
            )
        if page and robots and not await self._robots_allow(url, now):
            raise FetchError("disallowed by the site's robots.txt", url=url)
        host = host_of(url)
        async with self._global, self._hosts[host]:
            try:
                return await fetch(
                    self._client,
                    url,
                    etag=etag,
                    last_modified=last_modified,
                    max_bytes=self.settings.max_bytes,
                    accept=ACCEPT_PAGE if page else None,
                    now=now,
                    deadline=self.settings.deadline,
                )
            except FetchError as exc:
                if exc.retry_after is not None and exc.status in (429, 503):
                    until = now + timedelta(seconds=exc.retry_after)
                    self.host_delays[host] = max(until, self.host_delays.get(host, until))
                    self.learned_delays[host] = (self.host_delays[host], f"HTTP {exc.status}")
                raise

    async def _robots_allow(self, url: str, now: datetime) -> bool:
        rules = self.robots.get(url, now)
        if rules is None:
            # One robots.txt request per host: the page fetches that arrive meanwhile wait for it.
            async with self._robots_locks[robots_url(url) or ""]:
                rules = self.robots.get(url, now)
                if rules is None:
                    rules = await self._fetch_robots(url, now)
        return allowed(rules, self.settings.user_agent, url)

    async def _fetch_robots(self, url: str, now: datetime) -> RobotFileParser:
        """Fetch and cache a host's robots.txt; none (or an error) allows everything."""
        text: str | None = None
        where = robots_url(url)
        if where:
            try:
                got = await self.get(where, now=now)
                if isinstance(got, Fetched) and len(got.body) <= ROBOTS_MAX_BYTES:
                    text = got.body.decode("utf-8", "replace")
            except FetchError as exc:
                if exc.status is not None and exc.status in (401, 403):
                    text = "User-agent: *\nDisallow: /\n"  # the convention: all forbidden
        rules = parse_robots(text)
        self.robots.put(url, rules, now)
        return rules
