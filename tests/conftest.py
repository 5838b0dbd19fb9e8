"""Shared fixtures: a fresh database (SQLite, and PostgreSQL where its server is installed), a
fixed clock, and paths to fixture data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.db import Database, open_database
from tests import pgcluster

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the whole run (skips when the server is missing)."""
    try:
        with pgcluster.cluster() as url:
            yield url
    except FileNotFoundError as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated database; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = pgcluster.new_database(request.getfixturevalue("pg_server"))
    database = open_database(url)
    yield database
    database.close()


def demo_config(tmp: Path, base: str, extra: str = "", *, db_path: Path | None = None) -> Path:
    """The bundled demo config pointed at a demo server on ``base``, in ``tmp``, plus ``extra``."""
    from wirefeed.demo import DEMO_DATA

    text = (DEMO_DATA / "demo.toml").read_text(encoding="utf-8") + extra
    text = (
        text.replace("{base}", base)
        .replace("{db_url}", f"sqlite:///{db_path or tmp / 'wf.db'}")
        .replace("{output_dir}", str(tmp / "site"))
    )
    path = tmp / "wirefeed.toml"
    path.write_text(text, encoding="utf-8")
    return path


def cli_command(config: Path, *args: str) -> list[str]:
    """The real CLI, as an operator runs it, on ``config``."""
    return [sys.executable, "-m", "wirefeed.cli", "--config", str(config), *args]


def run_cli(config: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(config, *args), capture_output=True, text=True, timeout=timeout
    )


def workers_left_after_kill(script: str, tmp_path: Path) -> list[int]:
    """Run ``script`` (it prints its worker pids on one line, then waits), SIGKILL it, and
    return the workers still alive 15 s later (an empty list: they all left)."""
    path = tmp_path / "parent.py"
    path.write_text(script, encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(
        [sys.executable, str(path)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    workers = [int(pid) for pid in proc.stdout.readline().split()]
    assert len(workers) == 2 and all(process_alive(pid) for pid in workers)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while any(process_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    return [pid for pid in workers if process_alive(pid)]


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (a zombie is gone for our purposes)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
