"""HTTP fetching: conditional GET with a size cap, timeouts and redirects, on a shared client.

``fetch`` returns ``Fetched`` or ``NotModified`` and raises ``FetchError`` for everything else,
with the status code, a Retry-After delay and whether the failure looks permanent. It is the one
place that maps HTTP outcomes to error kinds. It does not parse bodies, touch the database or
decide when to fetch again.
"""

from __future__ import annotations

import asyncio
import email.utils
from datetime import UTC, datetime

import httpx

from config.allow import AllowList
from ingest.errors import FetchError
from ingest.guard import guarded_transport
from ingest.transport import ByScheme, LeanTransport
from ingest.types import Fetched, NotModified

PERMANENT_STATUSES = frozenset({400, 401, 403, 404, 405, 410, 451})
ACCEPT_FEED = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "application/json;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
ACCEPT_PAGE = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


def make_client(
    *,
    user_agent: str,
    timeout: float,
    max_redirects: int,
    max_connections: int = 20,
    http2: bool = False,
    proxy: str | None = None,
    allow: AllowList | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """One client per run: connection reuse, redirects followed, timeouts on every request.

    Every connection passes the SSRF guard (``allow`` lists the operator's private hosts; the
    proxy, if any, is allowed too). HTTP/1.1 goes through ``ingest.transport`` (cheap per
    request): plain ``http://`` always, ``https://`` unless ``http2`` asks for HTTP/2 there; a
    proxy means httpx's own transport for everything. ``transport`` replaces the network
    entirely (tests).
    """
    if transport is None:
        allow = allow or AllowList()
        if proxy:
            proxy_url = httpx.URL(proxy)
            allow = AllowList(
                allow.hosts,
                allow.host_ports | {(proxy_url.host, proxy_url.port or 80)},
                allow.networks,
            )
        full = guarded_transport(
            allow,
            http2=http2,
            proxy=proxy,
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
        )
        # httpx's own transport for proxies and for HTTP/2 (negotiated on TLS only): ours
        # speaks HTTP/1.1 straight to the server.
        if proxy:
            transport = full
        else:
            lean = LeanTransport(allow, max_idle=max_connections)
            transport = ByScheme(lean, full) if http2 else lean
    return httpx.AsyncClient(
        transport=transport,
        headers={"User-Agent": user_agent},
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=True,
        max_redirects=max_redirects,
    )


def cache_seconds(headers: httpx.Headers, now: datetime) -> float | None:
    """How long the server says the response stays fresh (``max-age``, else ``Expires``)."""
    for directive in headers.get("Cache-Control", "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.lower() in ("max-age", "s-maxage") and value.strip().isdigit():
            return float(value.strip())
    expires = headers.get("Expires")
    if expires:
        try:
            when = email.utils.parsedate_to_datetime(expires)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - now).total_seconds())
    return None


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int,
    accept: str | None = ACCEPT_FEED,
    now: datetime | None = None,
    deadline: float | None = None,
) -> Fetched | NotModified:
    """GET ``url``; 304 gives ``NotModified``; the body is cut off with an error past max_bytes.

    ``deadline`` bounds the whole fetch (connect, headers, every byte of the body), so a server
    that drips a byte at a time is cut off even though no single read times out. The cap counts
    decoded bytes, so a compression bomb stops at ``max_bytes`` too.
    """
    if deadline is None:
        return await _fetch(client, url, etag, last_modified, max_bytes, accept, now)
    try:
        async with asyncio.timeout(deadline):
            return await _fetch(client, url, etag, last_modified, max_bytes, accept, now)
    except TimeoutError:
        raise FetchError(f"took longer than the {deadline:.0f}-second deadline", url=url) from None


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    etag: str | None,
    last_modified: str | None,
    max_bytes: int,
    accept: str | None,
    now: datetime | None,
) -> Fetched | NotModified:
    now = now or datetime.now(UTC)
    headers = {"Accept": accept or ACCEPT_FEED}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with client.stream("GET", url, headers=headers) as resp:
            if resp.status_code == 304:
                return NotModified(url=url, cache_seconds=cache_seconds(resp.headers, now))
            if resp.status_code >= 400:
                raise _status_error(resp, url, now)
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(
                    f"response is {int(declared)} bytes, over the {max_bytes}-byte cap", url=url
                )
            chunks: list[bytes] = []
            size = 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"response exceeds the {max_bytes}-byte cap", url=url)
                chunks.append(chunk)
            permanent = bool(resp.history) and all(
                r.status_code in (301, 308) for r in resp.history
            )
            return Fetched(
                url=url,
                final_url=str(resp.url),
                status=resp.status_code,
                body=b"".join(chunks),
                content_type=resp.headers.get("Content-Type"),
                etag=resp.headers.get("ETag"),
                last_modified=resp.headers.get("Last-Modified"),
                permanent_redirect=permanent,
                cache_seconds=cache_seconds(resp.headers, now),
            )
    except FetchError:
        raise
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out ({exc.__class__.__name__})", url=url) from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError("too many redirects", url=url) from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"{exc.__class__.__name__}: {exc}", url=url) from exc


def _status_error(resp: httpx.Response, url: str, now: datetime) -> FetchError:
    status = resp.status_code
    retry = parse_retry_after(resp.headers.get("Retry-After"), now=now)
    reason = f"HTTP {status}"
    if retry is not None:
        reason += f" (retry after {retry:.0f} s)"
    return FetchError(
        reason, url=url, status=status, retry_after=retry, permanent=status in PERMANENT_STATUSES
    )
