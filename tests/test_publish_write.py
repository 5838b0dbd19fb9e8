"""The atomic writer: no temp files left, never outside output_dir, unchanged files untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from publish import write as write_mod
from publish.errors import PublishError, UnsafePathError, WriteError
from publish.types import Page
from publish.write import BATCH, LOCK, MANIFEST, atomic_write, write_site


def files(root: Path) -> set[str]:
    found = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    return found - {LOCK}


def test_writes_pages_and_leaves_no_temp_files(tmp_path: Path) -> None:
    out = tmp_path / "site"
    report = write_site([Page("index.html", b"home"), Page("a/b/index.html", b"deep")], out)
    assert (report.files_written, report.files_unchanged, report.files_removed) == (2, 0, 0)
    assert (out / "a/b/index.html").read_bytes() == b"deep"
    assert files(out) == {"index.html", "a/b/index.html", MANIFEST}
    assert (out / "index.html").stat().st_mode & 0o777 == 0o644


def test_unchanged_content_is_not_rewritten(tmp_path: Path) -> None:
    pages = [Page("index.html", b"home"), Page("feed.xml", b"<rss/>")]
    write_site(pages, tmp_path)
    os.utime(tmp_path / "index.html", ns=(1, 1))
    os.utime(tmp_path / "feed.xml", ns=(1, 1))
    report = write_site([pages[0], Page("feed.xml", b"<rss>new</rss>")], tmp_path)
    assert (report.files_written, report.files_unchanged) == (1, 1)
    assert (tmp_path / "index.html").stat().st_mtime_ns == 1
    assert (tmp_path / "feed.xml").stat().st_mtime_ns != 1
    forced = write_site(pages, tmp_path, force=True)
    assert (forced.files_written, forced.files_unchanged) == (2, 0)


def test_same_size_change_without_manifest_is_detected(tmp_path: Path) -> None:
    write_site([Page("x.html", b"aaaa")], tmp_path)
    (tmp_path / MANIFEST).unlink()
    report = write_site([Page("x.html", b"bbbb")], tmp_path)
    assert report.files_written == 1
    assert (tmp_path / "x.html").read_bytes() == b"bbbb"


def test_stale_files_from_the_last_run_are_removed_others_kept(tmp_path: Path) -> None:
    write_site([Page("keep.html", b"k"), Page("old/story/index.html", b"o")], tmp_path)
    (tmp_path / "operator-notes.txt").write_text("mine")
    report = write_site([Page("keep.html", b"k")], tmp_path)
    assert report.files_removed == 1
    assert not (tmp_path / "old").exists()  # emptied directories go too
    assert (tmp_path / "operator-notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    "bad",
    ["../escape.html", "/etc/passwd", "a/../../escape", "a//b", "./x", "a\\..\\b", "", "c:x"],
)
def test_rejects_paths_outside_output_dir(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "site"
    with pytest.raises(UnsafePathError):
        write_site([Page("ok.html", b"ok"), Page(bad, b"x")], out)
    assert not (out / "ok.html").exists()  # every path is checked before anything is written
    assert not (tmp_path / "escape.html").exists()


def test_symlinked_directory_cannot_lead_outside(tmp_path: Path) -> None:
    out, outside = tmp_path / "site", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePathError):
        write_site([Page("link/x.html", b"x")], out)
    assert list(outside.iterdir()) == []


def test_symlinked_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("safe")
    (out / "index.html").symlink_to(victim)
    with pytest.raises(UnsafePathError):
        write_site([Page("index.html", b"x")], out)
    assert victim.read_text() == "safe"


def test_tampered_manifest_cannot_delete_outside(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site([Page("a.html", b"a")], out)
    victim = tmp_path / "victim.txt"
    victim.write_text("safe")
    (out / MANIFEST).write_text('{"files": {"../victim.txt": "x", "a.html": "y"}}')
    report = write_site([Page("a.html", b"a")], out)
    assert victim.exists() and report.files_removed == 0


def test_duplicate_paths_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(PublishError):
        write_site([Page("a.html", b"1"), Page("a.html", b"2")], tmp_path)


def test_failed_write_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "index.html"
    target.write_bytes(b"old")

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert files(tmp_path) == {"index.html"}
    with pytest.raises(WriteError, match="disk full"):
        write_site([Page("index.html", b"new")], tmp_path)
    assert files(tmp_path) == {"index.html"}


def test_a_file_where_a_directory_should_be(tmp_path: Path) -> None:
    (tmp_path / "section").write_text("not a dir")
    with pytest.raises(PublishError):
        write_site([Page("section/world/index.html", b"x")], tmp_path)


def test_one_sync_per_batch_and_a_failed_page_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncs: list[Path] = []
    real = write_mod._sync_fs
    monkeypatch.setattr(write_mod, "_sync_fs", lambda root: (syncs.append(root), real(root)))
    pages = [Page(f"s/{i}/index.html", f"page {i}".encode()) for i in range(2 * BATCH + 10)]
    write_site(pages, tmp_path)
    assert len(syncs) == 3 + 1  # three batches, then the renames themselves
    broken = [Page(f"t/{i}/index.html", b"x") for i in range(BATCH + 10)]
    broken[BATCH + 5] = Page("t/bad/index.html", make=lambda: b"".fromhex("not hex"))
    with pytest.raises(ValueError):
        write_site(broken, tmp_path)
    assert (tmp_path / "t/0/index.html").exists()  # the first batch was put in place
    assert not (tmp_path / f"t/{BATCH + 1}/index.html").exists()
    assert not [p for p in tmp_path.rglob(".wirefeed-tmp-*")]
