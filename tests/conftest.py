"""Shared fixtures: a fresh database (SQLite, and PostgreSQL where its server is installed), a
fixed clock, and paths to fixture data."""

from __future__ import annotations

import subprocess
import sys
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
