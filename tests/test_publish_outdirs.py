"""OutputDirs resolves like Path.resolve, creates directories once and refuses symlinks out."""

from __future__ import annotations

from pathlib import Path

import pytest

from publish.errors import UnsafePathError
from publish.outdirs import OutputDirs


def tree(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "a" / "b").mkdir(parents=True)
    (root / "real").mkdir()
    (root / "inlink").symlink_to(root / "real", target_is_directory=True)
    (tmp_path / "outside").mkdir()
    (root / "outlink").symlink_to(tmp_path / "outside", target_is_directory=True)
    (root / "file").write_text("f")
    return root.resolve()


@pytest.mark.parametrize(
    "rel",
    ["", "a", "a/b", "a/b/new/deeper", "missing", "inlink", "inlink/x/y", "outlink/z", "file/x"],
)
def test_resolve_agrees_with_pathlib(tmp_path: Path, rel: str) -> None:
    root = tree(tmp_path)
    dirs = OutputDirs(root)
    assert dirs.resolve(rel) == (root / rel).resolve()
    assert dirs.resolve(rel) == (root / rel).resolve()  # and again, from what it remembered


def test_target_checks_like_check_path(tmp_path: Path) -> None:
    root = tree(tmp_path)
    dirs = OutputDirs(root)
    assert dirs.target("a/b/index.html") == root / "a" / "b" / "index.html"
    assert dirs.target("inlink/index.html") == root / "real" / "index.html"
    for bad in ("outlink/x.html", "../x", "a//b", "a", "/etc/passwd"):
        with pytest.raises(UnsafePathError):
            dirs.target(bad)


def test_make_creates_missing_parents_and_remembers_them(tmp_path: Path) -> None:
    root = tree(tmp_path)
    dirs = OutputDirs(root)
    dirs.make("a/b/c/d")
    dirs.make("a/b/c/e")
    assert (root / "a/b/c/d").is_dir() and (root / "a/b/c/e").is_dir()
    assert dirs.created == {"a/b/c", "a/b/c/d", "a/b/c/e"}
    dirs.make("inlink/sub")
    assert (root / "real" / "sub").is_dir()


def test_make_refuses_a_symlink_out_and_a_file(tmp_path: Path) -> None:
    root = tree(tmp_path)
    dirs = OutputDirs(root)
    with pytest.raises(UnsafePathError):
        dirs.make("outlink/sub")
    assert not (tmp_path / "outside" / "sub").exists()  # refused at "outlink", before "sub"
    with pytest.raises(FileExistsError):
        dirs.make("file")
    with pytest.raises(OSError):  # the writer reports it as a WriteError
        dirs.make("file/x")
    assert (root / "file").read_text() == "f"
