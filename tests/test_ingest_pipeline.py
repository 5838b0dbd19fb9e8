"""The pipeline against a scripted local server, on an injected clock: politeness and health.

Each test scripts what the server answers, runs ingest passes at chosen times, and checks what
was requested and what state each source ends in.
"""

from __future__ import annotations

import gzip
import http.server
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from config.load import settings_from_dict
from config.settings import Settings
from ingest.pipeline import ingest
from store import sources
from store.db import Database
from tests.conftest import NOW
from wirefeed.demo import DEMO_DATA
from wirefeed.demo_server import DemoServer, serve_directory

RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
    b"<item><title>One</title><link>https://example.org/1</link><guid>1</guid>"
    b"<description>Short.</description></item></channel></rss>"
)


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with serve_directory(DEMO_DATA / "site") as srv:
        yield srv


def _settings(*sources_: tuple[str, str], **fetch: object) -> Settings:
    return settings_from_dict(
        {
            "fetch": {"timeout": 5, "allow_hosts": ["127.0.0.1"], **fetch},
            "sources": [
                {"name": n, "url": u, "interval": "10m", "full_text": "never"} for n, u in sources_
            ],
        }
    )


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_retry_after_429_keeps_the_whole_host_quiet(server: DemoServer, db: Database) -> None:
    server.routes["/a.xml"] = (429, {"Retry-After": "120"}, b"slow down")
    server.routes["/b.xml"] = (200, {"Content-Type": "application/rss+xml"}, RSS)
    settings = _settings(("a", server.url("/a.xml")), ("b", server.url("/b.xml")))
    clock = Clock(NOW)
    first = ingest(db, settings, ["a"], clock=clock)
    assert first[0].status == "error" and "retry after 120 s" in first[0].error
    asked = len(server.request_log)

    clock.advance(60)  # within the delay: no request at all to that host, for any source
    results = ingest(db, settings, clock=clock)
    assert [r.status for r in results] == ["error", "error"]
    assert all("asked us to wait" in (r.error or "") for r in results)
    assert len(server.request_log) == asked
    assert sources.get_state(db, "a").next_due >= NOW + timedelta(seconds=120)

    clock.advance(61)  # the delay is over
    server.routes["/a.xml"] = (200, {"Content-Type": "application/rss+xml"}, RSS)
    results = ingest(db, settings, clock=clock)
    assert [r.status for r in results] == ["ok", "ok"]


def test_five_503s_never_make_a_source_dead(server: DemoServer, db: Database) -> None:
    server.routes["/down.xml"] = (503, {}, b"busy")
    settings = _settings(("down", server.url("/down.xml")))
    clock = Clock(NOW)
    healths, delays = [], []
    for _ in range(6):
        ingest(db, settings, clock=clock, only_due=True)
        state = sources.get_state(db, "down")
        healths.append(state.health)
        delays.append(state.next_due - clock.now)
        clock.now = state.next_due + timedelta(seconds=1)
    assert healths == ["degraded"] * 4 + ["failing"] * 2
    assert len(server.requests_for("/down.xml")) == 6  # still polled every time it was due
    assert delays == sorted(delays) and delays[-1] > delays[0] * 4  # ...more and more slowly


def test_410_three_times_makes_a_source_dead_and_reset_revives_it(
    server: DemoServer, db: Database
) -> None:
    server.routes["/gone.xml"] = (410, {}, b"gone")
    settings = _settings(("gone", server.url("/gone.xml")))
    clock = Clock(NOW)
    for _ in range(3):
        ingest(db, settings, clock=clock)
        clock.advance(3600)
    assert sources.get_state(db, "gone").health == "dead"
    asked = len(server.request_log)
    [skipped] = ingest(db, settings, clock=clock)
    assert skipped.status == "skipped" and "sources reset gone" in (skipped.error or "")
    assert len(server.request_log) == asked  # a dead source is not polled
    assert sources.reset_source(db, "gone")
    server.routes["/gone.xml"] = (200, {"Content-Type": "application/rss+xml"}, RSS)
    [back] = ingest(db, settings, clock=clock)
    assert back.status == "ok" and sources.get_state(db, "gone").health == "healthy"


def test_a_repeated_301_is_learned(server: DemoServer, db: Database) -> None:
    server.routes["/old.xml"] = (301, {"Location": server.url("/new.xml")}, b"")
    server.routes["/new.xml"] = (200, {"Content-Type": "application/rss+xml"}, RSS)
    settings = _settings(("moved", server.url("/old.xml")))
    clock = Clock(NOW)
    for _ in range(3):
        ingest(db, settings, clock=clock, force=True)
        clock.advance(3600)
    state = sources.get_state(db, "moved")
    assert state.moved_to == server.url("/new.xml") and state.moved_count == 3
    before = len(server.requests_for("/old.xml"))
    ingest(db, settings, clock=clock, force=True)
    assert len(server.requests_for("/old.xml")) == before  # goes straight to the new address
    assert sources.get_state(db, "moved").moved_to == server.url("/new.xml")


def test_feed_ttl_and_cache_headers_stretch_the_interval(server: DemoServer, db: Database) -> None:
    ttl_feed = RSS.replace(b"<title>T</title>", b"<title>T</title><ttl>30</ttl>")
    server.routes["/ttl.xml"] = (200, {"Content-Type": "application/rss+xml"}, ttl_feed)
    server.routes["/cc.xml"] = (
        200,
        {"Content-Type": "application/rss+xml", "Cache-Control": "max-age=1200"},
        RSS,
    )
    settings = _settings(("ttl", server.url("/ttl.xml")), ("cc", server.url("/cc.xml")))
    ingest(db, settings, clock=Clock(NOW))
    ttl_due = sources.get_state(db, "ttl").next_due - NOW
    cc_due = sources.get_state(db, "cc").next_due - NOW
    assert timedelta(minutes=27) <= ttl_due <= timedelta(minutes=33)  # 30 min +- 10% jitter
    assert timedelta(minutes=18) <= cc_due <= timedelta(minutes=22)


class _Nasty(http.server.BaseHTTPRequestHandler):
    bomb = b""

    def do_GET(self) -> None:
        if self.path == "/drip.xml":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            try:
                for byte in RSS:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.5)
            except (BrokenPipeError, ConnectionResetError):
                return
        elif self.path == "/bomb.xml":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(self.bomb)))
            self.end_headers()
            try:
                self.wfile.write(self.bomb)
            except (BrokenPipeError, ConnectionResetError):
                return

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def nasty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("bomb") / "bomb.gz"
    with gzip.open(path, "wb", compresslevel=9) as out:
        block = b"\0" * (1 << 20)
        for _ in range(1024):  # 1 GiB of zeros, about 1 MB compressed
            out.write(block)
    _Nasty.bomb = path.read_bytes()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Nasty)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_a_slow_drip_server_is_cut_at_the_deadline(nasty: str, db: Database) -> None:
    settings = _settings(("drip", nasty + "/drip.xml"), deadline=2, timeout=5)
    started = time.monotonic()
    [result] = ingest(db, settings, clock=Clock(NOW))
    assert result.status == "error" and "2-second deadline" in (result.error or "")
    assert time.monotonic() - started < 10


def test_a_gzip_bomb_stops_at_the_size_cap(nasty: str, db: Database) -> None:
    settings = _settings(("bomb", nasty + "/bomb.xml"), max_bytes=5_000_000)
    [result] = ingest(db, settings, clock=Clock(NOW))
    assert result.status == "error" and "5000000-byte cap" in (result.error or "")


def test_robots_txt_is_honoured_for_article_pages(server: DemoServer, db: Database) -> None:
    page_feed = RSS.replace(b"https://example.org/1", server.url("/private/1.html").encode())
    server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, page_feed)
    server.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\n",
    )
    settings = settings_from_dict(
        {
            "fetch": {"allow_hosts": [server.base_url]},
            "sources": [{"name": "r", "url": server.url("/feed.xml"), "full_text": "always"}],
        }
    )
    [result] = ingest(db, settings, clock=Clock(NOW))
    assert result.new == 1
    assert any("robots.txt" in p for p in result.problems)
    assert server.requests_for("/private/1.html") == []


def test_parsed_feeds_wait_in_a_bounded_queue(
    server: DemoServer, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fetching outruns processing; at most FEEDS_IN_FLIGHT fetched feeds are being parsed or
    are waiting for their items' turn (memory stays bounded), and every source still runs."""
    from ingest import pipeline

    monkeypatch.setattr(pipeline, "FEEDS_IN_FLIGHT", 2)
    busy = peak = 0
    real = pipeline.Ingestor._entries

    async def counted(self: pipeline.Ingestor, *args: object, **kwargs: object) -> object:
        nonlocal busy, peak
        busy += 1
        peak = max(peak, busy)
        try:
            return await real(self, *args, **kwargs)  # type: ignore[arg-type]
        finally:
            busy -= 1

    monkeypatch.setattr(pipeline.Ingestor, "_entries", counted)
    feed = f"{server.base_url}/harbor/rss.xml"
    cfg = _settings(*((f"s{i}", f"{feed}?copy={i}") for i in range(12)))
    results = ingest(db, cfg, clock=Clock(NOW))
    assert [r.status for r in results] == ["ok"] * 12
    assert peak == 2
