"""Sharing a publish with worker processes: the same site, the same order, nothing half-done."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import pickle
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from publish import stage
from publish.fragments import ItemCache
from publish.outdirs import OutputDirs
from publish.run import publish_stories
from publish.types import Page
from publish.write import MANIFEST, write_pages
from store.types import StoredStory
from tests.conftest import workers_left_after_kill

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pool() -> Iterator[Any]:
    with stage.worker_pool(stage.MIN_PAGES, 2) as got:
        assert got is not None
        yield got


def page(path: str, content: bytes) -> Page:
    return Page(path, make=functools.partial(bytes, content), portable=True)


def broken(path: str) -> Page:
    """A page whose rendering fails (in whichever process renders it)."""
    return Page(path, make=functools.partial(bytes.fromhex, "not hex"), portable=True)


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob(f"{stage.TMP_PREFIX}*")]


def test_staged_pages_come_back_in_order_and_stay_invisible(tmp_path: Path, pool: Any) -> None:
    pages = [page(f"2024/05/{i:03d}/index.html", f"page {i}".encode()) for i in range(200)]
    staged = stage.stage_pages(pages, tmp_path, {}, frozenset(), pool, OutputDirs(tmp_path))
    assert [s[0] for s in staged] == [p.path for p in pages]
    assert [s[1] for s in staged] == [stage.digest(p.content) for p in pages]
    assert not list(tmp_path.rglob("index.html"))  # nothing renamed into place here
    for path, _, tmp in staged:
        assert tmp is not None and Path(tmp).parent == tmp_path / path.rpartition("/")[0]
        assert Path(tmp).read_bytes() == pages[int(path.split("/")[2])].content
    stage.discard(staged)
    assert temps(tmp_path) == []


def test_a_failing_page_leaves_no_staged_file_behind(tmp_path: Path, pool: Any) -> None:
    pages = [page(f"a/{i}/index.html", b"x" * 100) for i in range(300)]
    for at in (3, 150, 296):  # early (the pool's end), middle, late (this process's end)
        pages[at] = broken(f"a/{at}/index.html")
        with pytest.raises(ValueError):
            stage.stage_pages(pages, tmp_path, {}, frozenset(), pool, OutputDirs(tmp_path))
        assert temps(tmp_path) == []
        pages[at] = page(f"a/{at}/index.html", b"x" * 100)


def exit_in_a_worker(parent: int, content: bytes) -> bytes:
    """Rendering that kills the process doing it, unless that is the test's own process."""
    if os.getpid() != parent:
        os._exit(3)
    return content


def test_a_worker_that_dies_costs_time_not_the_run(tmp_path: Path) -> None:
    pages = [page(f"p/{i}/index.html", f"page {i}".encode()) for i in range(300)]
    pages[0] = Page(  # the pool takes chunks from the front: its first page kills it
        "p/0/index.html",
        make=functools.partial(exit_in_a_worker, os.getpid(), b"page 0"),
        portable=True,
    )
    with stage.worker_pool(stage.MIN_PAGES, 2) as pool:
        assert pool is not None
        report = write_pages(pages, tmp_path, paths=frozenset(p.path for p in pages), pool=pool)
    assert report.files_written == 300
    assert all((tmp_path / p.path).read_bytes() == p.content for p in pages)
    assert temps(tmp_path) == []


def test_bytes_already_on_disk_are_not_staged_again(tmp_path: Path, pool: Any) -> None:
    pages = [page(f"s/{i}/index.html", f"same {i}".encode()) for i in range(120)]
    paths = frozenset(p.path for p in pages)
    first = write_pages(pages, tmp_path, paths=paths, pool=pool)
    assert (first.files_written, first.files_unchanged) == (120, 0)
    again = write_pages(pages, tmp_path, paths=paths, pool=pool)
    assert (again.files_written, again.files_unchanged) == (0, 120)
    forced = write_pages(pages, tmp_path, paths=paths, pool=pool, force=True)
    assert forced.files_written == 120


def test_a_page_written_twice_ends_with_its_last_version(tmp_path: Path, pool: Any) -> None:
    """A provisional page, then its final one, in the same shared run: the last one wins."""
    pages = [page(f"s/{i}/index.html", b"draft") for i in range(100)]
    pages += [page(f"s/{i}/index.html", b"final") for i in range(0, 100, 7)]
    write_pages(pages, tmp_path, paths=frozenset(p.path for p in pages), pool=pool)
    for i in range(100):
        expected = b"final" if i % 7 == 0 else b"draft"
        assert (tmp_path / f"s/{i}/index.html").read_bytes() == expected
    files = json.loads((tmp_path / MANIFEST).read_text())["files"]
    assert files["s/0/index.html"] == stage.digest(b"final")
    assert temps(tmp_path) == []


def test_a_cache_sent_to_another_process_starts_empty() -> None:
    cache = ItemCache()
    cache.href("2024/05/01/a/index.html")
    assert pickle.loads(pickle.dumps(cache))._paths == {}


ORPHAN_SCRIPT = """
import os, time
from publish import stage

if __name__ == "__main__":
    with stage.worker_pool(stage.MIN_PAGES, 3) as workers:
        list(workers.pool.map(abs, range(8)))
        print(" ".join(str(p) for p in workers.pool._processes), flush=True)
        time.sleep(60)
"""


def test_publish_workers_leave_when_the_publishing_process_is_killed(tmp_path: Path) -> None:
    assert workers_left_after_kill(ORPHAN_SCRIPT, tmp_path) == []


def test_small_runs_and_one_process_use_no_pool() -> None:
    with stage.worker_pool(stage.MIN_PAGES - 1, 2) as small:
        assert small is None
    with stage.worker_pool(10_000, 1) as single:
        assert single is None


# --- the whole publish, shared or not -------------------------------------------------------


def story(i: int, hours_ago: float) -> StoredStory:
    when = NOW - timedelta(hours=hours_ago)
    return StoredStory(
        id=i, source="wire", guid=f"g{i}", url=f"https://wire.example/{i}", canonical_url=None,
        title=f"Story {i}: harbour strike {i % 5}", slug=f"story-{i}", published=when,
        first_seen=when, updated=when, agency="Wire", dateline="LONDON", byline=None,
        credit_line="— Wire", sections=("World",) if i % 3 else ("World", "Science"),
        body_text=f"LONDON — news number {i}.", body_html=f"<p>LONDON — news number {i}.</p>",
    )  # fmt: skip


def settings(out: Path, workers: int) -> Settings:
    return Settings.model_validate(
        {
            "publish": {"output_dir": str(out), "base_url": "https://n.example/"},
            "service": {"workers": workers},
            "sections": [
                {"name": "World", "slug": "world"},
                {"name": "Science", "slug": "science"},
            ],
        }
    )


def site(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".wirefeed-")
    }


def test_a_shared_publish_writes_the_same_site_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New, back-dated (provisional pages), edited and removed stories over several runs."""
    monkeypatch.setattr(stage, "MIN_PAGES", 1)
    monkeypatch.setattr(stage, "CHUNK", 4)
    rng = random.Random(3)
    stories = {i: story(i, 300 - i) for i in range(1, 81)}
    next_id = 81
    for run in range(4):
        reports = [
            publish_stories(list(stories.values()), settings(tmp_path / name, n), now=NOW)
            for name, n in (("one", 1), ("shared", 2))
        ]
        assert reports[0] == dataclasses.replace(reports[1], output_dir=reports[0].output_dir)
        assert site(tmp_path / "one") == site(tmp_path / "shared")
        manifests = [json.loads((tmp_path / n / MANIFEST).read_text()) for n in ("one", "shared")]
        assert manifests[0] == manifests[1]
        assert temps(tmp_path) == []
        for _ in range(6):
            pick = rng.choice(sorted(stories))
            action = rng.choice(["new", "backdated", "edit", "remove"])
            if action in ("new", "backdated"):
                ago = rng.uniform(0, 5) if action == "new" else rng.uniform(50, 250)
                stories[next_id] = story(next_id, ago)
                next_id += 1
            elif action == "edit":
                stories[pick] = dataclasses.replace(stories[pick], title=f"Edited {run} {pick}")
            elif len(stories) > 10:
                del stories[pick]
