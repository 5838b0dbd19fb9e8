"""A fast local HTTP/1.1 server for the bench corpus (asyncio, keep-alive, ETag -> 304).

Serves a corpus written by ``bench.corpus.write_corpus`` (files read from disk per request, the
manifest giving each path's ETag and Content-Type) or held in memory (``MemorySite``). The
``{base}`` placeholder in bodies becomes the server's own address. ``If-None-Match`` matching
the ETag answers 304, so a second pass over unchanged feeds is all 304s. ``GET /__stats``
returns request counts by status as JSON.

Two ways to run it: ``serve_in_thread(site)`` (tests, small runs: shares the caller's CPU) or
``python -m bench.server DIR`` / ``start_subprocess(DIR)`` (the bench: the server's CPU stays out
of the measured process and its profile; it prints its base URL on the first stdout line).

It deliberately does not do HEAD, ranges, compression, chunked requests, TLS or request bodies.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bench.corpus import CorpusFile, load_manifest

PLACEHOLDER = b"{base}"
ROOT = Path(__file__).resolve().parents[1]


class Site(Protocol):
    def lookup(self, path: str) -> tuple[bytes, str, str] | None:
        """(body, ETag, Content-Type) for a URL path, or None."""


@dataclass
class DirSite:
    root: Path
    files: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path) -> DirSite:
        return cls(Path(root), load_manifest(Path(root)).files)

    def lookup(self, path: str) -> tuple[bytes, str, str] | None:
        meta = self.files.get(path)
        if meta is None:
            return None
        return (self.root / path.lstrip("/")).read_bytes(), meta[0], meta[1]


@dataclass
class MemorySite:
    files: Mapping[str, CorpusFile]

    def lookup(self, path: str) -> tuple[bytes, str, str] | None:
        f = self.files.get(path)
        return None if f is None else (f.body, f.etag, f.content_type)


class _Conn(asyncio.Protocol):
    def __init__(self, owner: _Server) -> None:
        self.owner = owner
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while self.transport is not None and b"\r\n\r\n" in self.buf:
            head, _, self.buf = self.buf.partition(b"\r\n\r\n")
            try:
                self._answer(head)
            except Exception as exc:  # count it, say it, drop the connection
                self.owner.stats[f"server error {type(exc).__name__}"] += 1
                print(f"bench server: {type(exc).__name__}: {exc}", file=sys.stderr)
                if self.transport is not None:
                    self.transport.close()
                    self.transport = None

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None:
            self.owner.stats[f"connection lost {type(exc).__name__}"] += 1
        self.transport = None

    def _answer(self, head: bytes) -> None:
        assert self.transport is not None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        target = parts[1] if len(parts) > 1 else "/"
        path = target.split("?", 1)[0].split("#", 1)[0]
        status, extra, body = self.owner.respond(parts[0], path, headers.get("if-none-match"))
        close = headers.get("connection", "").lower() == "close" or parts[-1] == "HTTP/1.0"
        reason = {200: "OK", 304: "Not Modified", 404: "Not Found", 405: "Bad Method"}[status]
        out = [f"HTTP/1.1 {status} {reason}", *extra]
        if status != 304:
            out.append(f"Content-Length: {len(body)}")
        if close:
            out.append("Connection: close")
        self.transport.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)
        if close:
            self.transport.close()
            self.transport = None


class _Server:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.base = b""
        self.stats: Counter[str] = Counter()

    def respond(self, method: str, path: str, inm: str | None) -> tuple[int, list[str], bytes]:
        if method != "GET":
            return 405, [], b""
        if path == "/__stats":
            return 200, ["Content-Type: application/json"], json.dumps(self.stats).encode()
        found = self.site.lookup(path)
        kind = "feed" if path.endswith((".xml", ".json")) else "page"
        kind = "robots.txt" if path == "/robots.txt" else kind
        if found is None:
            self.stats[f"{kind} 404"] += 1
            return 404, ["Content-Type: text/plain"], b"not found"
        body, etag, ctype = found
        headers = [f"ETag: {etag}", f"Content-Type: {ctype}"]
        if inm is not None and etag in [t.strip().removeprefix("W/") for t in inm.split(",")]:
            self.stats[f"{kind} 304"] += 1
            return 304, headers, b""
        self.stats[f"{kind} 200"] += 1
        return 200, headers, body.replace(PLACEHOLDER, self.base)


async def _start(server: _Server, port: int) -> tuple[asyncio.Server, str]:
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(lambda: _Conn(server), "127.0.0.1", port, backlog=512)
    bound = srv.sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{bound}"
    server.base = base.encode()
    return srv, base


@dataclass
class RunningServer:
    base_url: str
    _stop: threading.Event
    _thread: threading.Thread
    _server: _Server

    def stats(self) -> dict[str, int]:
        return dict(self._server.stats)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def serve_in_thread(site: Site, port: int = 0) -> RunningServer:
    """Serve ``site`` from a daemon thread with its own event loop; ``close()`` stops it."""
    server = _Server(site)
    ready: list[str] = []
    started, stop = threading.Event(), threading.Event()

    async def main() -> None:
        srv, base = await _start(server, port)
        ready.append(base)
        started.set()
        while not stop.is_set():
            await asyncio.sleep(0.05)
        srv.close()

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True, name="bench-srv")
    thread.start()
    started.wait(10)
    return RunningServer(ready[0], stop, thread, server)


@contextlib.contextmanager
def start_subprocess(root: Path) -> Iterator[str]:
    """Run ``python -m bench.server root`` in a child process; yields its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.server", str(root)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("http://"):
            raise RuntimeError(f"bench server did not start: {line!r}")
        yield line
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description="Serve a bench corpus directory on 127.0.0.1.")
    ap.add_argument("root", type=Path)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()

    async def run() -> None:
        srv, base = await _start(_Server(DirSite.open(args.root)), args.port)
        print(base, flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        srv.close()

    asyncio.run(run())


if __name__ == "__main__":
    main()
