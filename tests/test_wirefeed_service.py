"""The service and overlapping runs: scheduled ticks, clean stop on SIGTERM, no double storage."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import cli_command, demo_config
from wirefeed.demo import DEMO_DATA
from wirefeed.demo_server import DemoServer, serve_directory


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with serve_directory(DEMO_DATA / "site") as srv:
        yield srv


_config = demo_config
_cli = cli_command


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


def _one_source(tmp: Path, base: str, names: list[str]) -> str:
    blocks = "".join(
        f'[[sources]]\nname = "{n}"\nurl = "{base}/northgate/feed.json"\nfull_text = "never"\n'
        for n in names
    )
    allow = f'[fetch]\nallow_hosts = ["{base}"]\n'
    return f'[database]\nurl = "sqlite:///{tmp / "svc.db"}"\n' + allow + blocks


def test_config_reload_adds_sources_and_refuses_a_broken_file(
    server: DemoServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from config import load_settings
    from store.db import open_database
    from store.sources import get_state
    from wirefeed.service import Service

    path = tmp_path / "wirefeed.toml"
    path.write_text(_one_source(tmp_path, server.base_url, ["first"]), encoding="utf-8")
    settings = load_settings(path)
    db = open_database(settings.database.url)
    service = Service(db, settings, loader=lambda: load_settings(path), config_path=path)
    service.tick()
    assert get_state(db, "first").health == "healthy"

    path.write_text(_one_source(tmp_path, server.base_url, ["first", "second"]), encoding="utf-8")
    os.utime(path, (time.time() + 5, time.time() + 5))  # a new mtime, whatever the clock's grain
    service.tick()  # the new source is due at once
    assert [s.name for s in service.settings.sources] == ["first", "second"]
    assert get_state(db, "second").health == "healthy"

    path.write_text("[[sources]]\nname = 'Bad Name'\n", encoding="utf-8")
    service.request_reload()  # as SIGHUP does
    with caplog.at_level("ERROR"):
        service.tick()
    assert "config reload refused" in caplog.text and "must be a slug" in caplog.text
    assert [s.name for s in service.settings.sources] == ["first", "second"]
    db.close()


def test_json_logs_and_metrics(server: DemoServer, tmp_path: Path) -> None:
    config = _config(tmp_path, server.base_url)
    metrics_file = tmp_path / "wirefeed.prom"
    config.write_text(
        config.read_text(encoding="utf-8") + f'\n[service]\nmetrics_file = "{metrics_file}"\n',
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        _cli(config, "run", "--tick", "1", "--log-format", "json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not metrics_file.exists():
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    events = [json.loads(line) for line in err.splitlines()]
    per_source = [e for e in events if e.get("source") == "harbor-daily"]
    assert per_source and per_source[0]["new"] + per_source[0]["duplicate"] == 4
    assert {"seconds", "status", "updated", "failed"} <= set(per_source[0])
    text = metrics_file.read_text(encoding="utf-8")
    assert 'wirefeed_fetches_total{outcome="ok",source="harbor-daily"} 1.0' in text
    assert "wirefeed_source_seconds_bucket" in text
    assert 'wirefeed_source_health{source="harbor-daily",state="healthy"} 1.0' in text
