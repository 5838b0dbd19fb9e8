"""The link checker finds what is broken and accepts what is fine."""

from __future__ import annotations

from pathlib import Path

from publish.linkcheck import check_links


def page(root: Path, rel: str, body: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><head></head><body>{body}</body></html>")


def test_reports_each_kind_of_broken_link(tmp_path: Path) -> None:
    page(tmp_path, "index.html", '<a href="a/index.html">ok</a><img src="missing.png">')
    page(
        tmp_path,
        "a/index.html",
        '<a href="../index.html#top">ok</a> <a href="../b/">dir</a> <a href="/abs.html">root</a>'
        ' <a href="../../outside.html">out</a> <a href="https://x.example/">ext</a>'
        ' <a href="#frag">frag</a> <a href="https://site.example/index.html">mine</a>'
        ' <a href="https://site.example/nope.html">gone</a>'
        ' <link rel="canonical" href="https://site.example/a/">',
    )
    (tmp_path / "b").mkdir()
    broken = check_links(tmp_path, "https://site.example/")
    found = {(b.page, b.target, b.reason) for b in broken}
    assert found == {
        ("index.html", "missing.png", "no such file"),
        ("a/index.html", "../b/", "is a directory, not a file"),
        ("a/index.html", "/abs.html", "root-relative link (breaks under file://)"),
        ("a/index.html", "../../outside.html", "points outside the site"),
        ("a/index.html", "https://site.example/nope.html", "no such file"),
    }


def test_clean_site_has_no_broken_links(tmp_path: Path) -> None:
    page(tmp_path, "index.html", '<a href="s/index.html">s</a><a href="s/index.html?x=1">q</a>')
    page(tmp_path, "s/index.html", '<a href="../index.html">home</a>')
    assert check_links(tmp_path) == []
