"""Crash safety: kill -9 at 20 seeded random moments during ``wirefeed ingest`` and ``publish``.

The real CLI ingests the demo corpus plus a 300-item feed from a local server; it is SIGKILLed
after a random delay (seed ``SEED``, so a failure replays), then the database and the site are
checked: ``PRAGMA integrity_check`` is ok, no story is half-stored (every story has its
story_item row and its section rows, written in one transaction), no feed item is stored twice,
and the site is a consistent version (no broken internal link). A finished run in between proves
that what it reported survives later killed runs exactly once. A read-only database and a full
disk (tiny tmpfs; needs root to mount, skipped otherwise) give one clear error line, no traceback
and no corruption.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from publish.linkcheck import check_links
from tests.conftest import cli_command, demo_config, run_cli
from wirefeed.demo import DEMO_DATA
from wirefeed.demo_server import DemoServer, serve_directory

SEED = 20261128
EXTRA_ITEMS = 300
CONTROL_STORIES = 14
KILLS_BEFORE, KILLS_AFTER, KILLS_PUBLISH = 5, 5, 10  # 20 random points in all
MAX_DELAY = 1.5

EXTRA_SOURCE = """
[[sources]]
name = "bulk-wire"
url = "{base}/bulk/rss.xml"
full_text = "never"
"""


WORDS = (
    "copper lithium harbor turbine orchard glacier canal quarry vineyard reactor freighter "
    "pipeline runway granary foundry tannery brewery bakery lighthouse observatory "
    "railway tramway ferry bridge tunnel viaduct aqueduct reservoir dam levee marina"
)


def _prose(i: int) -> str:
    rng = random.Random(i)
    return " ".join(
        " ".join(rng.choice(WORDS.split()) for _ in range(12)).capitalize() + "." for _ in range(6)
    )


def _bulk_feed() -> str:
    items = "".join(
        f"<item><title>Stocks rally in market {i}</title><guid>bulk-{i}</guid>"
        f"<link>{{base}}/bulk/{i}</link><description>&lt;p&gt;Shares of company {i} rose "
        f"on Wall Street. {_prose(i)}&lt;/p&gt;</description></item>\n"
        for i in range(EXTRA_ITEMS)
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>Bulk</title>'
    return f"{head}{items}</channel></rss>"


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    routes = {"/bulk/rss.xml": (200, {"Content-Type": "application/rss+xml"}, _bulk_feed())}
    with serve_directory(DEMO_DATA / "site", routes=routes) as srv:
        yield srv


def _config(tmp: Path, base: str, db_path: Path | None = None) -> Path:
    return demo_config(tmp, base, EXTRA_SOURCE, db_path=db_path)


_command = cli_command
wirefeed = run_cli


def _kill_after(config: Path, delay: float, *args: str) -> int | None:
    """Start the CLI, SIGKILL it after ``delay`` s; its exit code if it finished first."""
    proc = subprocess.Popen(
        _command(config, *args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        return proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return None


def _check_database(db: Path) -> dict[str, int]:
    """Integrity and the store's invariants; returns (source, guid) -> story id of every item."""
    if not db.exists():
        return {}
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "story" not in tables:
            return {}
        half = conn.execute(
            "SELECT id FROM story s WHERE NOT EXISTS (SELECT 1 FROM story_item i "
            "WHERE i.story_id = s.id) OR NOT EXISTS (SELECT 1 FROM story_section x "
            "WHERE x.story_id = s.id)"
        ).fetchall()
        assert half == [], f"half-stored stories: {half}"
        dupes = conn.execute(
            "SELECT source, guid, COUNT(*) FROM story_item GROUP BY source, guid "
            "HAVING COUNT(*) > 1"
        ).fetchall()
        assert dupes == [], dupes
        orphans = conn.execute(
            "SELECT COUNT(*) FROM story_item i WHERE NOT EXISTS "
            "(SELECT 1 FROM story s WHERE s.id = i.story_id)"
        ).fetchone()
        assert orphans == (0,)
        rows = conn.execute("SELECT source, guid, story_id FROM story_item").fetchall()
        return {f"{source}\t{guid}": story_id for source, guid, story_id in rows}
    finally:
        conn.close()


def _check_site(site: Path) -> int:
    """The site is one consistent version: no broken internal link. Returns its page count."""
    if not site.exists():
        return 0
    assert check_links(site) == []
    return len(list(site.rglob("*.html")))


def test_kill_9_at_20_random_points_loses_and_duplicates_nothing(
    server: DemoServer, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    config = _config(tmp_path, server.base_url)
    db, site = tmp_path / "wf.db", tmp_path / "site"

    for _ in range(KILLS_BEFORE):  # interrupted first runs: whatever is there is whole
        _kill_after(config, rng.uniform(0, MAX_DELAY), "ingest")
        _check_database(db)

    finished = wirefeed(config, "ingest", "--force")
    assert finished.returncode == 0, finished.stderr[-2000:]
    reported = _check_database(db)
    export = wirefeed(config, "stories", "export")
    stories = [json.loads(line) for line in export.stdout.splitlines()]
    assert len(stories) == CONTROL_STORIES + EXTRA_ITEMS
    assert len({s["id"] for s in stories}) == len(stories)

    for _ in range(KILLS_AFTER):  # killed re-ingests never lose or double a reported story
        _kill_after(config, rng.uniform(0, MAX_DELAY), "ingest", "--force")
        after = _check_database(db)
        assert after == reported

    published = wirefeed(config, "publish")
    assert published.returncode == 0, published.stderr[-2000:]
    pages = _check_site(site)
    for _ in range(KILLS_PUBLISH):  # killed (full) rebuilds leave a consistent site
        _kill_after(config, rng.uniform(0, MAX_DELAY), "publish", "--full")
        assert _check_site(site) == pages
        _check_database(db)
    final = wirefeed(config, "publish")
    assert final.returncode == 0, final.stderr[-2000:]
    assert _check_site(site) == pages
    assert _check_database(db) == reported


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    return done.returncode == 0


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@pytest.fixture
def ingested(server: DemoServer, tmp_path: Path) -> dict[str, Any]:
    config = _config(tmp_path, server.base_url)
    first = wirefeed(config, "ingest")
    assert first.returncode == 0, first.stderr[-2000:]
    return {"config": config, "db": tmp_path / "wf.db", "tmp": tmp_path}


def test_a_read_only_database_gives_a_clear_error(
    server: DemoServer, ingested: dict[str, Any], tmp_path: Path
) -> None:
    mount = tmp_path / "ro"
    if not _mount_tmpfs(mount, "64m"):
        pytest.skip("needs root to mount a tmpfs (chmod does not stop root)")
    try:
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(ingested["db"]) + suffix)
            if source.exists():
                shutil.copy(source, mount / ("wf.db" + suffix))
        config = _config(tmp_path, server.base_url, db_path=mount / "wf.db")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        out = wirefeed(config, "ingest", "--force")
        assert out.returncode != 0
        assert "Traceback" not in out.stderr and "Traceback" not in out.stdout
        # One line naming the database. (Its wording today is SQLite's "unable to open database
        # file": store/db.py should say "read-only" - see the hostile-input report.)
        [line] = out.stderr.splitlines()
        assert line.startswith("error: store: database ") and "wf.db" in line, line
    finally:
        _umount(mount)
    assert _check_database(ingested["db"])  # the original, untouched and whole


def test_a_full_disk_gives_a_clear_error_and_no_corruption(
    server: DemoServer, tmp_path: Path
) -> None:
    mount = tmp_path / "full"
    if not _mount_tmpfs(mount, "600k"):
        pytest.skip("needs root to mount a tiny tmpfs")
    try:
        config = _config(tmp_path, server.base_url, db_path=mount / "wf.db")
        out = wirefeed(config, "ingest")
        text = out.stdout + out.stderr
        assert "Traceback" not in text, text[-3000:]
        assert "full" in text.lower(), text[-3000:]
        _check_database(mount / "wf.db")
    finally:
        _umount(mount)
