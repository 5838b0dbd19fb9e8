"""A publish that dies half-way leaves the previous site intact and link-consistent.

Two ways to die: an injected rename failure after a spread of file counts (from the first
page to the manifest, the last write), and a real SIGKILL of a child process while pages are
staged but not yet renamed (temp files left behind).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from publish import write
from publish.linkcheck import check_links
from publish.run import publish_stories
from store.types import StoredStory
from tests.test_publish_incremental import BASE, NOW, on_disk, same_as_full_build, settings, story


def before_after() -> tuple[list[StoredStory], list[StoredStory]]:
    before = [story(i) for i in range(1, 31)]
    after = [s for s in before if s.id != 12]  # removed
    after = [dataclasses.replace(s, title="Edited") if s.id == 20 else s for s in after]
    after += [story(31, hours_ago=0), story(32, hours_ago=1), story(33, hours_ago=150)]
    return before, after


def old_site(tmp_path: Path) -> Path:
    out = tmp_path / "old"
    publish_stories(before_after()[0], settings(out), now=NOW)
    return out


def check_consistent(site: Path, old: dict[str, bytes]) -> None:
    assert check_links(site, BASE) == []
    now = on_disk(site)
    assert set(old) <= set(now)  # nothing of the previous site disappeared
    for path in ("index.html", "section/world/index.html", "feed.xml"):
        assert now[path].rstrip().endswith(b"</html>") or now[path].rstrip().endswith(b">")


def test_failure_after_any_number_of_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = old_site(tmp_path)
    old = on_disk(source)
    _, after = before_after()
    real = os.replace
    calls = {"n": 0, "limit": 10**9}

    def flaky(src: str, dst: str) -> None:  # every page and the manifest land by a rename
        if calls["n"] >= calls["limit"]:
            raise OSError("injected: disk full")
        calls["n"] += 1
        real(src, dst)

    monkeypatch.setattr(write.os, "replace", flaky)
    clean = tmp_path / "clean"
    shutil.copytree(source, clean)
    publish_stories(after, settings(clean), now=NOW)
    total = calls["n"]
    assert total > 10
    cuts = sorted({*range(0, total, max(1, total // 10)), total - 1})  # first to manifest
    for limit in cuts:
        site = tmp_path / f"cut{limit}"
        shutil.copytree(source, site)
        calls.update(n=0, limit=limit)
        with pytest.raises(write.WriteError, match="injected"):
            publish_stories(after, settings(site), now=NOW)
        check_consistent(site, old)
        calls.update(n=0, limit=10**9)
        publish_stories(after, settings(site), now=NOW)  # the next run completes the work
        same_as_full_build(site, after, settings(site))
        shutil.rmtree(site)


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from publish import write
    from publish.run import publish_stories
    from tests.test_publish_incremental import NOW, settings
    from tests.test_publish_interrupted import before_after

    limit = int(sys.argv[2])
    real = os.replace
    count = 0

    def replace(src, dst):
        global count
        count += 1
        if count > limit:
            os.kill(os.getpid(), signal.SIGKILL)  # temp file written, not yet renamed
        real(src, dst)

    write.os.replace = replace
    publish_stories(before_after()[1], settings(__import__("pathlib").Path(sys.argv[1])), now=NOW)
    """
)


@pytest.mark.parametrize("limit", [0, 3, 9])
def test_sigkill_mid_publish(tmp_path: Path, limit: int) -> None:
    source = old_site(tmp_path)
    old = on_disk(source)
    site = tmp_path / "site"
    shutil.copytree(source, site)
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(site), str(limit)], cwd=root, env=env, timeout=60
    )
    assert proc.returncode == -signal.SIGKILL
    assert any(p.name.startswith(".wirefeed-tmp-") for p in site.rglob("*"))  # staged, unrenamed
    check_consistent(site, old)
    _, after = before_after()
    publish_stories(after, settings(site), now=NOW)
    same_as_full_build(site, after, settings(site))
    assert not any(p.name.startswith(".wirefeed-tmp-") for p in site.rglob("*"))
