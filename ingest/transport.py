"""The HTTP client's transport: guarded HTTP/1.1 connections, kept alive per host, on asyncio.

``LeanTransport`` plugs into ``httpx.AsyncClient`` in place of httpx's default transport (httpx
keeps redirects, headers, cookies, decompression and timeouts' configuration). Underneath,
each request takes an idle connection to its host or opens one, writes the request and reads
the answer through ``ingest.http11``. Compared with httpcore's pool (which scans every
connection, through anyio, several times per request) this costs a fraction of the CPU per
page, and page fetching is much of what the ingest orchestrator does.

Every new connection passes the SSRF guard (``ingest.guard``): the name is resolved, every
address checked, and the connection made to a checked address (so a name that re-resolves to
a private address in between gains nothing), with TLS verified against the host name. A
reused connection the server closed in between gets the request again on a fresh connection
(GET only), as a browser does. Idle connections are closed after ``KEEPALIVE_SECONDS``.

It opens a connection whenever no idle one is free: the caller bounds how many requests run at
once (``ingest.fetcher``'s global and per-host limits). ``ByScheme`` sends ``https://``
elsewhere when HTTP/2 is wanted (it is negotiated on TLS).
Not here: HTTP/2 and proxies (``ingest.fetch`` keeps httpx's own transport for those), request
bodies larger than memory, and any decision about what to fetch.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator
from typing import Any, NoReturn

import httpx

from config.allow import AllowList
from ingest.guard import Blocked, check_destination, peer_address, resolve
from ingest.http11 import Connection, Head, ProtocolError

KEEPALIVE_SECONDS = 5.0
DEFAULT_PORTS = {"http": 80, "https": 443}
_Key = tuple[str, str, int]


class LeanTransport(httpx.AsyncBaseTransport):
    """Guarded HTTP/1.1 keep-alive connections; at most ``max_idle`` kept between requests."""

    def __init__(
        self, allow: AllowList, *, max_idle: int = 20, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.allow = allow
        self.max_idle = max_idle
        self._idle: dict[_Key, list[Connection]] = {}
        self._ssl = ssl_context  # None: httpx's default (system trust store), made when needed

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"unsupported scheme {url.scheme!r}", request=request)
        key = (url.scheme, url.host, url.port or DEFAULT_PORTS[url.scheme])
        timeouts = request.extensions.get("timeout", {})
        data = _request_bytes(request, await request.aread())
        for attempt in range(2):
            conn = self._take(key)
            reused = conn is not None
            if conn is None:
                conn = await self._connect(request, key, timeouts.get("connect"))
            try:
                conn.send(data)
                head = await conn.read_head(
                    timeout=timeouts.get("read"), head_request=request.method == "HEAD"
                )
            except (ProtocolError, ConnectionError) as exc:
                conn.close()
                stale = not isinstance(exc, ProtocolError) or exc.before_response
                if reused and stale and attempt == 0 and request.method == "GET":
                    continue  # the server closed the idle connection: once more, fresh
                _raise_mapped(exc, request)
            except BaseException as exc:
                conn.close()
                _raise_mapped(exc, request)
            break
        return httpx.Response(
            head.status,
            headers=head.headers,
            stream=_Body(self, key, conn, head, request, timeouts.get("read")),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": head.reason},
        )

    def _take(self, key: _Key) -> Connection | None:
        idle = self._idle.get(key)
        now = time.monotonic()
        while idle:
            conn = idle.pop()
            if conn.usable and now - conn.idle_since < KEEPALIVE_SECONDS:
                return conn
            conn.close()
        return None

    def release(self, key: _Key, conn: Connection) -> None:
        """Keep ``conn`` for the next request to its host (or close it: pool full, unusable)."""
        if not conn.usable or sum(len(v) for v in self._idle.values()) >= self.max_idle:
            conn.close()
            return
        conn.idle_since = time.monotonic()
        self._idle.setdefault(key, []).append(conn)

    async def _connect(self, request: httpx.Request, key: _Key, timeout: Any) -> Connection:
        scheme, host, port = key
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                addresses = sorted(await resolve(host, port), key=lambda a: a.version)
                for address in addresses:
                    check_destination(host, port, address, self.allow)
                error: Exception = httpx.ConnectError(f"{host} has no address", request=request)
                for address in addresses:
                    try:
                        _transport, conn = await loop.create_connection(
                            Connection,
                            str(address),
                            port,
                            ssl=self._context() if scheme == "https" else None,
                            server_hostname=host if scheme == "https" else None,
                        )
                    except OSError as exc:
                        error = exc
                        continue
                    peer = conn.transport.get_extra_info("peername") if conn.transport else None
                    try:
                        check_destination(host, port, peer_address(peer, host), self.allow)
                    except Blocked:
                        conn.close()
                        raise
                    return conn
                raise error
        except Blocked as exc:
            raise httpx.ConnectError(str(exc), request=request) from None
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(f"connecting to {host} timed out", request=request) from exc
        except (OSError, ssl.SSLError) as exc:
            raise httpx.ConnectError(f"{type(exc).__name__}: {exc}", request=request) from exc

    def _context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        return self._ssl

    async def aclose(self) -> None:
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()


class ByScheme(httpx.AsyncBaseTransport):
    """``http://`` through ``plain``, everything else through ``other`` (HTTP/2 lives on TLS)."""

    def __init__(self, plain: httpx.AsyncBaseTransport, other: httpx.AsyncBaseTransport) -> None:
        self.plain, self.other = plain, other

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        chosen = self.plain if request.url.scheme == "http" else self.other
        return await chosen.handle_async_request(request)

    async def aclose(self) -> None:
        await self.plain.aclose()
        await self.other.aclose()


class _Body(httpx.AsyncByteStream):
    """A response body read from its connection; the connection goes back when fully read."""

    def __init__(
        self,
        owner: LeanTransport,
        key: _Key,
        conn: Connection,
        head: Head,
        request: httpx.Request,
        timeout: float | None,
    ) -> None:
        self.owner, self.key, self.conn, self.head = owner, key, conn, head
        self.request, self.timeout = request, timeout
        self.done = head.framing == "none"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.conn.body(self.head, timeout=self.timeout):
                yield chunk
        except BaseException as exc:
            self.conn.close()
            _raise_mapped(exc, self.request)
        self.done = True

    async def aclose(self) -> None:
        if self.done and self.head.reusable:
            self.owner.release(self.key, self.conn)
        else:
            self.conn.close()


def _request_bytes(request: httpx.Request, body: bytes) -> bytes:
    """The request head (and body) as sent; header names and values cannot break lines."""
    target = request.url.raw_path
    lines = [request.method.encode("ascii") + b" " + target + b" HTTP/1.1"]
    for name, value in request.headers.raw:
        if b"\r" in name or b"\n" in name or b"\r" in value or b"\n" in value or b":" in name:
            raise httpx.LocalProtocolError(f"illegal header {name!r}", request=request)
        lines.append(name + b": " + value)
    if b" " in target or b"\r" in target or b"\n" in target:
        raise httpx.LocalProtocolError("illegal request target", request=request)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _raise_mapped(exc: BaseException, request: httpx.Request) -> NoReturn:
    """Raise httpx's exception for ``exc`` (chained to it), or ``exc`` itself when it has none
    (a cancellation, a bug): never an exception as its own cause."""
    mapped = _mapped(exc, request)
    if mapped is exc:
        raise exc
    raise mapped from exc


def _mapped(exc: BaseException, request: httpx.Request) -> BaseException:
    """httpx's exception for what went wrong on the wire (others pass through unchanged)."""
    if isinstance(exc, httpx.HTTPError):
        return exc
    if isinstance(exc, ProtocolError):
        return httpx.RemoteProtocolError(str(exc), request=request)
    if isinstance(exc, TimeoutError):
        return httpx.ReadTimeout("the server took too long to answer", request=request)
    if isinstance(exc, (ConnectionError, OSError)):
        return httpx.ReadError(f"{type(exc).__name__}: {exc}", request=request)
    return exc
