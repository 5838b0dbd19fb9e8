"""One HTTP/1.1 client connection on an asyncio protocol: send a request, read the answer.

The wire side of ``ingest.transport``: a response head (status line and headers, at most
``MAX_HEAD`` bytes) and a body framed by ``Content-Length``, by chunked transfer coding, or by
the server closing the connection. One request at a time (no pipelining); the caller decides
whether the connection may be reused (``Head.reusable`` and a fully read body). Interim 1xx
answers are skipped; a transfer coding other than plain chunked is refused (as h11 does: it
would otherwise pass through undecoded). Received bytes are buffered and the socket is paused
past ``READ_HIGH``.

It raises ``ProtocolError`` for anything malformed, ``TimeoutError`` when the server is too slow
and ``ConnectionError`` when the connection is gone; mapping those to the HTTP client's errors,
pooling connections and the SSRF guard are ``ingest.transport``'s job. No TLS code here (asyncio
does it below the protocol), no decompression (the client does it), no request bodies beyond
writing bytes given.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

MAX_HEAD = 64 * 1024
MAX_HEADERS = 256
READ_HIGH = 1 << 20
NO_BODY = frozenset({204, 304})


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.1 as we can read it."""

    def __init__(self, message: str, *, before_response: bool = False) -> None:
        super().__init__(message)
        self.before_response = before_response  # nothing arrived: a stale keep-alive socket


@dataclass(frozen=True, slots=True)
class Head:
    status: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]
    framing: str  # "none", "length", "chunked" or "close"
    length: int
    reusable: bool  # the server keeps the connection open after this body


class Connection(asyncio.Protocol):
    """The protocol object of one TCP (or TLS) connection."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._buf = bytearray()
        self._eof = False
        self._lost: Exception | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._paused = False
        self.idle_since = 0.0

    # -- asyncio.Protocol ------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._buf += data
        if len(self._buf) > READ_HIGH and self.transport is not None and not self._paused:
            self._paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._lost = exc
        self.transport = None
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # -- the client side --------------------------------------------------------------------
    @property
    def usable(self) -> bool:
        """Open, and nothing unasked-for arrived (a keep-alive socket the server has not closed)."""
        return self.transport is not None and not self._eof and not self._buf

    def close(self) -> None:
        if self.transport is not None:
            self.transport.abort()
            self.transport = None

    def send(self, data: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            raise ConnectionError("the connection is closed")
        self.transport.write(data)

    async def _more(self, timeout: float | None) -> None:
        """Wait until more bytes (or the end of the stream) arrive."""
        if self._paused and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(timeout):
                await self._waiter
        finally:
            self._waiter = None

    async def read_head(self, *, timeout: float | None, head_request: bool = False) -> Head:
        """The next final response head (interim 1xx answers are read and dropped)."""
        received = False
        while True:
            end = self._buf.find(b"\r\n\r\n", 0, MAX_HEAD + 4)
            if end < 0:
                if len(self._buf) > MAX_HEAD:
                    raise ProtocolError(f"response head longer than {MAX_HEAD} bytes")
                if self._eof:
                    got = "an incomplete response head" if self._buf or received else "nothing"
                    raise ProtocolError(
                        f"server closed the connection after sending {got}",
                        before_response=not (self._buf or received),
                    )
                await self._more(timeout)
                continue
            raw = bytes(self._buf[:end])
            del self._buf[: end + 4]
            received = True
            head = _parse_head(raw, head_request)
            if head is not None:
                return head

    async def body(self, head: Head, *, timeout: float | None) -> AsyncIterator[bytes]:
        """The body's bytes, as they arrive, decoded from its framing."""
        if head.framing == "length":
            left = head.length
            while left:
                if not self._buf:
                    if self._eof:
                        got = head.length - left
                        raise ProtocolError(
                            f"connection closed after {got} of {head.length} body bytes"
                        )
                    await self._more(timeout)
                    continue
                n = min(left, len(self._buf))
                left -= n
                yield self._take(n)
        elif head.framing == "close":
            while True:
                if self._buf:
                    yield self._take(len(self._buf))
                elif self._eof:
                    return
                else:
                    await self._more(timeout)
        elif head.framing == "chunked":
            async for chunk in self._chunks(timeout):
                yield chunk

    def _take(self, n: int) -> bytes:
        """The first ``n`` buffered bytes, copied once (a page is ~100 KB)."""
        if n == len(self._buf):
            data = bytes(self._buf)
            self._buf.clear()
            return data
        view = memoryview(self._buf)
        try:
            data = view[:n].tobytes()
        finally:
            view.release()
        del self._buf[:n]
        return data

    async def _line(self, timeout: float | None, what: str) -> bytes:
        while True:
            end = self._buf.find(b"\r\n")
            if end >= 0:
                line = bytes(self._buf[:end])
                del self._buf[: end + 2]
                return line
            if len(self._buf) > MAX_HEAD:
                raise ProtocolError(f"{what} longer than {MAX_HEAD} bytes")
            if self._eof:
                raise ProtocolError(f"connection closed inside the chunked body ({what})")
            await self._more(timeout)

    async def _chunks(self, timeout: float | None) -> AsyncIterator[bytes]:
        while True:
            line = await self._line(timeout, "a chunk size line")
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise ProtocolError(f"bad chunk size {size_text[:20]!r}") from None
            if size < 0 or len(size_text) > 16:
                raise ProtocolError(f"bad chunk size {size_text[:20]!r}")
            if size == 0:
                while await self._line(timeout, "a trailer line"):
                    pass  # trailers are read and dropped
                return
            left = size
            while left:
                if not self._buf:
                    if self._eof:
                        raise ProtocolError("connection closed inside a chunk")
                    await self._more(timeout)
                    continue
                n = min(left, len(self._buf))
                left -= n
                yield self._take(n)
            if await self._line(timeout, "a chunk end") != b"":
                raise ProtocolError("chunk data longer than its size")


def _parse_head(raw: bytes, head_request: bool) -> Head | None:
    """A response head from its bytes (without the blank line); None for an interim 1xx."""
    lines = raw.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or len(parts[0]) != 8:
        raise ProtocolError(f"not an HTTP/1.x status line: {lines[0][:60]!r}")
    if len(parts[1]) != 3 or not parts[1].isdigit():
        raise ProtocolError(f"bad status code {parts[1][:10]!r}")
    status = int(parts[1])
    if len(lines) - 1 > MAX_HEADERS:
        raise ProtocolError(f"more than {MAX_HEADERS} response headers")
    headers: list[tuple[bytes, bytes]] = []
    length: int | None = None
    transfer_coded = close = False
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip() or b" " in name or b"\t" in name:
            raise ProtocolError(f"malformed header line {line[:60]!r}")
        value = value.strip(b" \t")
        headers.append((name, value))
        lower = name.lower()
        if lower == b"content-length":
            for item in value.split(b","):
                if not item.strip().isdigit():
                    raise ProtocolError(f"bad Content-Length {value[:30]!r}")
                if length is not None and length != int(item):
                    raise ProtocolError("conflicting Content-Length values")
                length = int(item)
        elif lower == b"transfer-encoding":
            if transfer_coded or value.strip().lower() != b"chunked":
                # other transfer codings ("gzip, chunked") are rare and would pass undecoded
                raise ProtocolError(f"unsupported Transfer-Encoding {value[:40]!r}")
            transfer_coded = True
        elif lower == b"connection":
            close = close or b"close" in [t.strip() for t in value.lower().split(b",")]
    if 100 <= status < 200:
        if status == 101:
            raise ProtocolError("the server switched protocols (101)")
        return None
    keep = parts[0] == b"HTTP/1.1" and not close
    if head_request or status in NO_BODY:
        return Head(status, _reason(parts), headers, "none", 0, keep)
    if transfer_coded:  # chunked wins over a Content-Length (then the connection is not reused)
        return Head(status, _reason(parts), headers, "chunked", 0, keep and length is None)
    if length is not None:
        return Head(status, _reason(parts), headers, "length" if length else "none", length, keep)
    return Head(status, _reason(parts), headers, "close", 0, False)


def _reason(parts: list[bytes]) -> bytes:
    return parts[2] if len(parts) > 2 else b""
