"""Several service nodes on one PostgreSQL share the work: leases, take-over, no duplicates.

Three ``wirefeed run`` processes ingest 200 local sources; one is killed with SIGKILL mid-run.
Every source must be fetched once per due time (a killed node's in-flight sources at most once
more, by the node that takes them over), every source must end fetched, and no story may be
stored twice.
"""

from __future__ import annotations

import collections
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import text

from store.db import open_database
from tests import pgcluster

SOURCES = 200


class _Feeds(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[collections.Counter[str]] = collections.Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def do_GET(self) -> None:
        with self.lock:
            self.hits[self.path] += 1
        time.sleep(0.05)  # a little latency, so a node is busy when it is killed
        n = self.path.strip("/").split("/")[-1].removesuffix(".xml")
        items = "".join(
            f"<item><title>Story {n}-{i}</title><link>http://news.test/{n}/{i}</link>"
            f"<guid>{n}-{i}</guid><description>Body of story {n}-{i}.</description></item>"
            for i in range(2)
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F{n}</title>{items}'
        body += "</channel></rss>"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def feeds() -> Iterator[str]:
    _Feeds.hits.clear()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Feeds)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_three_nodes_share_200_sources_and_survive_a_killed_node(
    feeds: str, pg_server: str, tmp_path: Path
) -> None:
    url = pgcluster.new_database(pg_server)
    db = open_database(url)  # migrate once before the nodes start
    config = tmp_path / "wirefeed.toml"
    lines = [
        f'[database]\nurl = "{url}"',
        f'[publish]\noutput_dir = "{tmp_path / "site"}"',
        '[fetch]\nconcurrency = 4\nper_host = 4\ntimeout = 10\nallow_hosts = ["127.0.0.1"]',
        '[service]\ntick = "1s"\nlease = "4s"\nbatch = 15',
    ]
    lines += [
        f'[[sources]]\nname = "feed-{n}"\nurl = "{feeds}/feed/{n}.xml"\n'
        f'interval = "1h"\nfull_text = "never"'
        for n in range(SOURCES)
    ]
    config.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "wirefeed.cli", "--config", str(config), "run"]
    nodes = [
        subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    victim = nodes[0]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(_Feeds.hits.values()) < 20:
            time.sleep(0.05)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        with db.read() as conn:
            held = set(
                conn.execute(
                    text("SELECT name FROM source_state WHERE lease_owner LIKE :o"),
                    {"o": f"%:{victim.pid}"},
                ).scalars()
            )
        deadline = time.monotonic() + 150
        done = 0
        while time.monotonic() < deadline:
            with db.read() as conn:
                done = conn.execute(
                    text("SELECT COUNT(*) FROM source_state WHERE last_success IS NOT NULL")
                ).scalar()
            if done == SOURCES:
                break
            time.sleep(0.5)
    finally:
        for node in nodes[1:]:
            node.send_signal(signal.SIGTERM)
        errors = [node.communicate(timeout=60)[1] for node in nodes[1:]]
    assert held, "the killed node held no lease: the take-over was not exercised"
    assert done == SOURCES, errors
    assert all(node.returncode == 0 for node in nodes[1:]), errors

    fetched = {f"feed-{p.split('/')[-1].removesuffix('.xml')}": n for p, n in _Feeds.hits.items()}
    assert set(fetched) == {f"feed-{n}" for n in range(SOURCES)}
    twice = {name for name, n in fetched.items() if n > 1}
    assert twice <= held, "only the killed node's in-flight sources may be fetched again"
    assert all(n <= 2 for n in fetched.values())
    with db.read() as conn:
        stories = conn.execute(text("SELECT COUNT(*) FROM story")).scalar()
        distinct = conn.execute(text("SELECT COUNT(DISTINCT guid) FROM story")).scalar()
        owners = conn.execute(text("SELECT COUNT(DISTINCT source) FROM story_item")).scalar()
        leased = conn.execute(
            text("SELECT COUNT(*) FROM source_state WHERE lease_owner IS NOT NULL")
        ).scalar()
    assert stories == distinct == SOURCES * 2
    assert owners == SOURCES and leased == 0
    db.close()
    assert os.path.exists(tmp_path / "site" / "index.html")
