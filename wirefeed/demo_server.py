"""A small local HTTP server for the demo corpus and the end-to-end tests.

``serve_directory(root)`` serves the files under ``root`` from a daemon thread on 127.0.0.1,
replacing the ``{base}`` placeholder in text files with the server's own base URL, so the bundled
feeds link to the bundled article pages whatever port the server gets. It answers like a
well-behaved origin: feed-specific Content-Types, strong ETags, Last-Modified, 304 replies to
conditional requests, 404 for anything missing or outside ``root``. ``routes`` lets a test script
any other answer (a 500, a redirect, a non-feed) for an exact path, and ``request_log`` records
what was asked, so tests can check what the client sent.

It deliberately does not do ranges, compression, directory listings, POST, TLS or caching; it is
not meant to face anything but the local machine.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

PLACEHOLDER = "{base}"
INDEX_FILES = ("index.html", "index.xml", "index.json")
TEXT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}
BINARY_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".gz": "application/gzip",
}

RouteBody = bytes | str
Route = tuple[int, Mapping[str, str], RouteBody]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the server answered: what was asked, with which headers, and the status."""

    method: str
    path: str
    status: int
    headers: Mapping[str, str]


def content_type_for(path: Path, body: bytes) -> tuple[str, bool]:
    """The Content-Type for a file and whether it is text (so ``{base}`` gets substituted).

    ``.xml`` is sniffed for ``<rss``/``<feed`` and ``.json`` for the JSON Feed version URL, so a
    feed can live at a natural address (``/feed/`` -> ``feed/index.xml``) and still be labelled.
    """
    suffix = path.suffix.lower()
    if suffix in TEXT_TYPES:
        return TEXT_TYPES[suffix], True
    if suffix == ".xml":
        head = body[:2048].lower()
        if b"<rss" in head or b"<rdf:rdf" in head:
            return "application/rss+xml; charset=utf-8", True
        if b"<feed" in head:
            return "application/atom+xml; charset=utf-8", True
        return "application/xml; charset=utf-8", True
    if suffix == ".json":
        if b"jsonfeed.org/version" in body[:4096]:
            return "application/feed+json; charset=utf-8", True
        return "application/json; charset=utf-8", True
    return BINARY_TYPES.get(suffix, "application/octet-stream"), False


def resolve_under(root: Path, url_path: str) -> Path | None:
    """The file that ``url_path`` names under ``root``, or None if it is missing or escapes root.

    The path is percent-decoded once; any ``..`` segment, backslash or NUL is refused outright,
    and the resolved path (symlinks followed) must still lie inside ``root``. Directories are
    served through their index file.
    """
    found = _locate(root, url_path)
    return None if found is None else found[0]


def _locate(root: Path, url_path: str) -> tuple[Path, bool] | None:
    """``resolve_under`` plus whether the path named a directory (served by its index file)."""
    decoded = unquote(url_path)
    if "\\" in decoded or "\x00" in decoded:
        return None
    parts = [p for p in decoded.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    root = root.resolve()
    candidate = root.joinpath(*parts).resolve()
    if not candidate.is_relative_to(root):
        return None
    if candidate.is_dir():
        for name in INDEX_FILES:
            index = candidate / name
            if index.is_file():
                return index, True
        return None
    return (candidate, False) if candidate.is_file() else None


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: ``W/"x"`` matches ``"x"``."""
    if header.strip() == "*":
        return True
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return etag in tags


def _not_modified_since(header: str, mtime: datetime) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return mtime <= since


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        owner = self.server.owner
        route = owner.routes.get(self.path) or owner.routes.get(urlsplit(self.path).path)
        if route is not None:
            self._send_route(route, send_body)
            return
        url_path = urlsplit(self.path).path
        found = _locate(owner.root, url_path)
        if found is None:
            self._send_plain(404, "not found", send_body)
            return
        target, is_dir = found
        if is_dir and not url_path.endswith("/"):
            self._redirect_to_slash(url_path, send_body)
            return
        self._send_file(target, send_body)

    def _redirect_to_slash(self, url_path: str, send_body: bool) -> None:
        query = urlsplit(self.path).query
        location = self.server.owner.base_url + url_path + "/" + (f"?{query}" if query else "")
        self._send(301, {"Location": location}, b"", send_body)

    def _send_file(self, target: Path, send_body: bool) -> None:
        owner = self.server.owner
        raw = target.read_bytes()
        ctype, is_text = content_type_for(target, raw)
        body = raw.replace(PLACEHOLDER.encode(), owner.base_url.encode()) if is_text else raw
        etag = _etag(body)
        mtime = datetime.fromtimestamp(int(target.stat().st_mtime), tz=UTC)
        headers = {
            "Content-Type": ctype,
            "ETag": etag,
            "Last-Modified": format_datetime(mtime, usegmt=True),
            "Cache-Control": "max-age=0, must-revalidate",
        }
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        fresh = (
            _etag_matches(inm, etag)
            if inm is not None
            else bool(ims and _not_modified_since(ims, mtime))
        )
        if fresh:
            self._send(304, headers, b"", send_body)
        else:
            self._send(200, headers, body, send_body)

    def _send_route(self, route: Route, send_body: bool) -> None:
        status, headers, body = route
        base = self.server.owner.base_url
        data = body.replace(PLACEHOLDER, base).encode() if isinstance(body, str) else body
        fixed = {k: v.replace(PLACEHOLDER, base) for k, v in headers.items()}
        self._send(status, fixed, data, send_body)

    def _send_plain(self, status: int, text: str, send_body: bool) -> None:
        self._send(status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode(), send_body)

    def _send(self, status: int, headers: Mapping[str, str], body: bytes, send_body: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        no_body = status == 304 or 100 <= status < 200 or status == 204
        if not no_body:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and not no_body:
            self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        status = code if isinstance(code, int) else int(code) if str(code).isdigit() else 0
        self.server.owner.record(
            RequestRecord(self.command or "", self.path, status, dict(self.headers.items()))
        )

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests go to ``request_log``, never to stderr."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: DemoServer


class DemoServer:
    """A running local server; use as a context manager or call ``close()``."""

    def __init__(
        self, root: Path, host: str, port: int, routes: Mapping[str, Route] | None
    ) -> None:
        self.root = Path(root).resolve()
        self.routes: dict[str, Route] = dict(routes or {})
        self.request_log: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._httpd = _Server((host, port), _Handler)
        self._httpd.owner = self
        bound_host, bound_port = self._httpd.server_address[:2]
        shown = bound_host if isinstance(bound_host, str) else bound_host.decode()
        self.base_url = f"http://{shown}:{bound_port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="wirefeed-demo-server",
            daemon=True,
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        """Absolute URL for a server path such as ``/harbor/rss.xml``."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def record(self, entry: RequestRecord) -> None:
        with self._lock:
            self.request_log.append(entry)

    def requests_for(self, path: str) -> list[RequestRecord]:
        """Requests whose path (without query) is ``path``."""
        with self._lock:
            return [r for r in self.request_log if urlsplit(r.path).path == path]

    def close(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def serve_directory(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    routes: Mapping[str, Route] | None = None,
) -> DemoServer:
    """Start serving ``root`` in a daemon thread; port 0 picks a free port (see ``.base_url``)."""
    if not Path(root).is_dir():
        raise NotADirectoryError(f"demo server: {root} is not a directory")
    return DemoServer(Path(root), host, port, routes)


def demo_site_root() -> Path:
    """The bundled demo corpus (``wirefeed/demo_data/site``)."""
    return Path(__file__).resolve().parent / "demo_data" / "site"
