"""ingest.transport / ingest.http11: HTTP/1.1 as servers really answer, through the real client.

A scripted server on 127.0.0.1 answers each request with bytes the test chooses, so the framing
cases (chunked, close-delimited, interim 1xx, broken answers) and the keep-alive behaviour are
checked on the wire, through ``fetch`` and ``make_client`` as the ingest path uses them.
"""

from __future__ import annotations

import asyncio
import gzip
import shutil
import ssl
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from config.allow import parse_allow
from ingest.errors import FetchError
from ingest.fetch import fetch, make_client
from ingest.http11 import MAX_HEAD
from ingest.transport import LeanTransport
from ingest.types import Fetched

Script = Callable[[int, bytes], bytes | None]  # (request number, request head) -> answer


class Scripted:
    """Answers request n on any connection with ``script(n, head)``; None closes silently."""

    def __init__(self, script: Script, *, close_after: bool = False) -> None:
        self.script = script
        self.close_after = close_after  # close each connection after one answer, unannounced
        self.requests: list[bytes] = []
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                self.requests.append(head)
                answer = self.script(len(self.requests), head)
                if answer is None:
                    return
                writer.write(answer)
                await writer.drain()
                if self.close_after:
                    return
        finally:
            writer.close()


def run(scripted: Scripted, body: Callable[[str], Awaitable[None]]) -> None:
    async def main() -> None:
        server = await asyncio.start_server(scripted.handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            await body(f"http://127.0.0.1:{port}")
        finally:
            server.close()

    asyncio.run(main())


def client() -> httpx.AsyncClient:
    return make_client(
        user_agent="wirefeed-test",
        timeout=5,
        max_redirects=3,
        allow=parse_allow(["127.0.0.1"]),
        http2=True,  # the service default: plain http:// still goes through our transport
    )


async def get(c: httpx.AsyncClient, url: str) -> Fetched:
    got = await fetch(c, url, max_bytes=1_000_000)
    assert isinstance(got, Fetched)
    return got


def ok(body: bytes, *extra: bytes) -> bytes:
    head = [b"HTTP/1.1 200 OK", b"Content-Length: " + str(len(body)).encode(), *extra]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def test_keep_alive_serves_many_requests_on_one_connection() -> None:
    scripted = Scripted(lambda n, _h: ok(f"page {n}".encode(), b"Content-Type: text/html"))

    async def body(base: str) -> None:
        async with client() as c:
            bodies = [(await get(c, f"{base}/p{n}")).body for n in range(5)]
        assert bodies == [f"page {n}".encode() for n in range(1, 6)]

    run(scripted, body)
    assert scripted.connections == 1
    first = scripted.requests[0]
    assert first.startswith(b"GET /p0 HTTP/1.1\r\n")
    assert b"\r\nUser-Agent: wirefeed-test\r\n" in first and b"\r\nHost: 127.0.0.1:" in first


def test_chunked_bodies_with_extensions_and_trailers() -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n"
    )
    scripted = Scripted(lambda _n, _h: chunked)

    async def body(base: str) -> None:
        async with client() as c:
            assert (await get(c, base + "/a")).body == b"hello, world"
            assert (await get(c, base + "/b")).body == b"hello, world"

    run(scripted, body)
    assert scripted.connections == 1  # the chunked end is seen: the connection is reused


def test_a_body_without_length_ends_when_the_server_closes() -> None:
    scripted = Scripted(lambda _n, _h: b"HTTP/1.1 200 OK\r\n\r\nall of it", close_after=True)

    async def body(base: str) -> None:
        async with client() as c:
            assert (await get(c, base + "/a")).body == b"all of it"
            assert (await get(c, base + "/b")).body == b"all of it"

    run(scripted, body)
    assert scripted.connections == 2


def test_a_kept_connection_the_server_closed_is_replaced_transparently() -> None:
    # The server keeps nothing alive but does not say so: the second request finds the idle
    # connection dead before any answer, and is sent again on a fresh one.
    scripted = Scripted(lambda n, _h: ok(f"answer {n}".encode()), close_after=True)

    async def body(base: str) -> None:
        async with client() as c:
            assert (await get(c, base + "/a")).body == b"answer 1"
            await asyncio.sleep(0.05)
            assert (await get(c, base + "/b")).body == b"answer 2"

    run(scripted, body)
    assert scripted.connections == 2


def test_interim_answers_are_skipped_and_gzip_is_decoded() -> None:
    packed = gzip.compress(b"<p>story</p>")
    answer = b"HTTP/1.1 100 Continue\r\n\r\n" + ok(packed, b"Content-Encoding: gzip")
    scripted = Scripted(lambda _n, _h: answer)

    async def body(base: str) -> None:
        async with client() as c:
            assert (await get(c, base + "/a")).body == b"<p>story</p>"

    run(scripted, body)


def test_a_304_has_no_body_and_keeps_the_connection() -> None:
    scripted = Scripted(lambda _n, _h: b'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n')

    async def body(base: str) -> None:
        async with client() as c:
            for _ in range(3):
                got = await fetch(c, base + "/feed", etag='"x"', max_bytes=1000)
                assert not isinstance(got, Fetched)

    run(scripted, body)
    assert scripted.connections == 1
    assert b'If-None-Match: "x"' in scripted.requests[0]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"HTCPCP/1.0 418 I'm a teapot\r\n\r\n", "not an HTTP/1.x status line"),
        (b"HTTP/1.1 2000 OK\r\n\r\n", "bad status code"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", "bad Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this", "9 of 100 body bytes"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"),
        (b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", "malformed header line"),
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * (MAX_HEAD + 10) + b"\r\n\r\n", "longer than"),
        (b"HTTP/1.1 200 OK\r\nContent-Len", "incomplete response head"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "Transfer-Encoding"),
    ],
)
def test_broken_answers_are_clear_fetch_errors(answer: bytes, message: str) -> None:
    scripted = Scripted(lambda _n, _h: answer, close_after=True)

    async def body(base: str) -> None:
        async with client() as c:
            with pytest.raises(FetchError, match=message):
                await fetch(c, base + "/a", max_bytes=10_000_000)

    run(scripted, body)


def test_a_silent_server_is_a_timeout() -> None:
    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(5)
        writer.close()

    async def main() -> None:
        server = await asyncio.start_server(slow, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        c = make_client(
            user_agent="t", timeout=0.3, max_redirects=1, allow=parse_allow(["127.0.0.1"])
        )
        async with c:
            with pytest.raises(FetchError, match="timed out"):
                await fetch(c, f"http://127.0.0.1:{port}/", max_bytes=100)
        server.close()

    asyncio.run(main())


def test_header_values_cannot_inject_lines() -> None:
    scripted = Scripted(lambda _n, _h: ok(b"x"))

    async def body(base: str) -> None:
        async with client() as c:
            with pytest.raises(FetchError, match="illegal header"):
                await fetch(c, base + "/a", etag='"x"\r\nX-Injected: 1', max_bytes=100)

    run(scripted, body)
    assert scripted.requests == []


def test_the_guard_checks_connections_made_by_this_transport() -> None:
    scripted = Scripted(lambda _n, _h: ok(b"secret"))

    async def body(base: str) -> None:
        async with make_client(user_agent="t", timeout=5, max_redirects=1) as c:
            with pytest.raises(FetchError, match=r"blocked: 127\.0\.0\.1 is a loopback address"):
                await fetch(c, base + "/admin", max_bytes=100)

    run(scripted, body)
    assert scripted.connections == 0  # refused before any packet was sent


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"),
            *("-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_https_is_verified_against_the_host_name(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    scripted = Scripted(lambda _n, _h: ok(b"over tls"))

    async def main() -> None:
        server = await asyncio.start_server(scripted.handle, "127.0.0.1", 0, ssl=server_ctx)
        url = f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}/a"
        allow = parse_allow(["127.0.0.1"])
        trusting = ssl.create_default_context(cafile=str(cert))
        lean = LeanTransport(allow, ssl_context=trusting)
        async with httpx.AsyncClient(transport=lean) as c:
            assert (await get(c, url)).body == b"over tls"
            assert (await get(c, url)).body == b"over tls"
        # The default trust store does not know this certificate: a clear error, no body.
        async with make_client(user_agent="t", timeout=5, max_redirects=1, allow=allow) as c:
            with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
                await fetch(c, url, max_bytes=100)
        server.close()

    asyncio.run(main())
    # Both requests on one kept-alive TLS connection; the unverified one never got through.
    assert len(scripted.requests) == 2 and scripted.connections == 1


def test_a_cancelled_request_stays_a_plain_cancellation() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(5)

    async def main() -> None:
        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
        async with client() as c:
            task = asyncio.create_task(c.get(url))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as caught:
                await task
            assert caught.value.__cause__ is not caught.value
        server.close()

    asyncio.run(main())
