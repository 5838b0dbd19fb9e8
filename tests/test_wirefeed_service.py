"""The service and overlapping runs: scheduled ticks, clean stop on SIGTERM, no double storage."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from wirefeed.demo import DEMO_DATA
from wirefeed.demo_server import DemoServer, serve_directory


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with serve_directory(DEMO_DATA / "site") as srv:
        yield srv


def _config(tmp: Path, base: str) -> Path:
    text = (DEMO_DATA / "demo.toml").read_text(encoding="utf-8")
    text = (
        text.replace("{base}", base)
        .replace("{db_url}", f"sqlite:///{tmp / 'wf.db'}")
        .replace("{output_dir}", str(tmp / "site"))
    )
    path = tmp / "wirefeed.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _cli(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "wirefeed.cli", "--config", str(config), *args]


def _count(config: Path) -> int:
    out = subprocess.run(_cli(config, "stories", "export"), capture_output=True, text=True)
    return len([json.loads(line) for line in out.stdout.splitlines()])


def test_service_ingests_publishes_and_stops_cleanly_on_sigterm(
    server: DemoServer, tmp_path: Path
) -> None:
    config = _config(tmp_path, server.base_url)
    proc = subprocess.Popen(
        _cli(config, "run", "--tick", "1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (tmp_path / "site" / "index.html").exists():
            time.sleep(0.2)
        assert (tmp_path / "site" / "index.html").exists(), "the service never published"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "received SIGTERM" in err and "service stopped" in err
    assert _count(config) == 14
    # due times are stored: the next tick found nothing due and published nothing again
    assert err.count("published ") == 1


def test_overlapping_runs_never_store_a_story_twice(server: DemoServer, tmp_path: Path) -> None:
    config = _config(tmp_path, server.base_url)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    runs = [
        subprocess.Popen(_cli(config, "ingest", "--force"), env=env, stdout=subprocess.PIPE)
        for _ in range(3)
    ]
    for run in runs:
        run.communicate(timeout=120)
        assert run.returncode == 0
    assert _count(config) == 14
