"""Tests for the local demo server and the integrity of the bundled demo corpus."""

from __future__ import annotations

import http.client
import json
import os
import re
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest

from config.load import load_settings
from wirefeed.demo_server import (
    DemoServer,
    content_type_for,
    demo_site_root,
    resolve_under,
    serve_directory,
)

DEMO_TOML = Path(__file__).resolve().parent.parent / "wirefeed" / "demo_data" / "demo.toml"
MTIME = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "news" / "feed").mkdir(parents=True)
    (root / "news" / "a.html").write_text(
        '<html><a href="{base}/news/b.html">next</a></html>', encoding="utf-8"
    )
    (root / "news" / "feed" / "index.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><link>{base}/news/</link>'
        "</channel></rss>",
        encoding="utf-8",
    )
    (root / "logo.png").write_bytes(b"\x89PNG{base}")
    (tmp_path / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")
    for path in root.rglob("*"):
        os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    return root


@pytest.fixture
def server(site: Path) -> Iterator[DemoServer]:
    with serve_directory(site) as srv:
        yield srv


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with serve_directory(demo_site_root()) as srv:
        yield srv


def raw_get(srv: DemoServer, path: str) -> tuple[int, bytes]:
    """GET with the path sent exactly as written (httpx would normalise dot segments)."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


# --------------------------------------------------------------------------- serving basics


def test_serves_file_with_placeholder_replaced(server: DemoServer) -> None:
    resp = httpx.get(server.url("/news/a.html"))
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "text/html; charset=utf-8"
    assert resp.text == f'<html><a href="{server.base_url}/news/b.html">next</a></html>'
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url)


def test_binary_files_are_not_rewritten(server: DemoServer) -> None:
    resp = httpx.get(server.url("/logo.png"))
    assert resp.headers["content-type"] == "image/png"
    assert resp.content == b"\x89PNG{base}"


def test_directory_served_through_index_and_sniffed_as_rss(server: DemoServer) -> None:
    resp = httpx.get(server.url("/news/feed/"))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/rss+xml")
    assert f"<link>{server.base_url}/news/</link>" in resp.text


def test_directory_without_slash_redirects(server: DemoServer) -> None:
    resp = httpx.get(server.url("/news/feed?x=1"))
    assert resp.status_code == 301
    assert resp.headers["location"] == server.url("/news/feed/?x=1")


def test_query_string_is_ignored_for_files(server: DemoServer) -> None:
    resp = httpx.get(server.url("/news/a.html?utm_source=rss&utm_medium=rss"))
    assert resp.status_code == 200


def test_missing_file_is_404(server: DemoServer) -> None:
    assert httpx.get(server.url("/news/nope.html")).status_code == 404
    assert httpx.get(server.url("/news/")).status_code == 404  # directory without index


def test_head_sends_headers_without_body(server: DemoServer) -> None:
    resp = httpx.head(server.url("/news/a.html"))
    assert resp.status_code == 200
    assert resp.content == b""
    assert int(resp.headers["content-length"]) > 0


@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("f.xml", b"<?xml version='1.0'?><rss version='2.0'/>", "application/rss+xml"),
        ("f.xml", b"<feed xmlns='http://www.w3.org/2005/Atom'/>", "application/atom+xml"),
        ("f.xml", b"<urlset/>", "application/xml"),
        ("f.json", b'{"version": "https://jsonfeed.org/version/1.1"}', "application/feed+json"),
        ("f.json", b"{}", "application/json"),
        ("f.html", b"<html/>", "text/html"),
        ("f.bin", b"\x00", "application/octet-stream"),
    ],
)
def test_content_type_for(name: str, body: bytes, expected: str) -> None:
    assert content_type_for(Path(name), body)[0].split(";")[0] == expected


# --------------------------------------------------------------------------- conditional GET


def test_etag_revalidation_gives_304(server: DemoServer) -> None:
    first = httpx.get(server.url("/news/a.html"))
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)  # strong validator
    again = httpx.get(server.url("/news/a.html"), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = httpx.get(server.url("/news/a.html"), headers={"If-None-Match": f'"x", W/{etag}'})
    assert weak.status_code == 304
    stale = httpx.get(server.url("/news/a.html"), headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200
    assert stale.content == first.content


def test_etag_changes_when_file_changes(server: DemoServer, site: Path) -> None:
    etag = httpx.get(server.url("/news/a.html")).headers["etag"]
    (site / "news" / "a.html").write_text("<html>changed</html>", encoding="utf-8")
    resp = httpx.get(server.url("/news/a.html"), headers={"If-None-Match": etag})
    assert resp.status_code == 200
    assert resp.text == "<html>changed</html>"
    assert resp.headers["etag"] != etag


def test_if_modified_since_gives_304(server: DemoServer) -> None:
    first = httpx.get(server.url("/news/a.html"))
    assert first.headers["last-modified"] == format_datetime(MTIME, usegmt=True)
    same = httpx.get(
        server.url("/news/a.html"), headers={"If-Modified-Since": first.headers["last-modified"]}
    )
    assert same.status_code == 304
    older = format_datetime(datetime(2026, 11, 19, tzinfo=UTC), usegmt=True)
    resp = httpx.get(server.url("/news/a.html"), headers={"If-Modified-Since": older})
    assert resp.status_code == 200
    garbage = httpx.get(server.url("/news/a.html"), headers={"If-Modified-Since": "yesterday"})
    assert garbage.status_code == 200


def test_if_none_match_wins_over_if_modified_since(server: DemoServer) -> None:
    lm = httpx.get(server.url("/news/a.html")).headers["last-modified"]
    resp = httpx.get(
        server.url("/news/a.html"),
        headers={"If-None-Match": '"stale"', "If-Modified-Since": lm},
    )
    assert resp.status_code == 200


# --------------------------------------------------------------------------- path traversal


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/../secret.txt",
        "/news/../../secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/news/%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/..%5csecret.txt",
        "/%252e%252e/secret.txt",
        "//etc/passwd",
        "/etc/passwd%00.html",
        "/./../secret.txt",
    ],
)
def test_traversal_is_404(server: DemoServer, path: str) -> None:
    status, body = raw_get(server, path)
    assert status == 404
    assert b"SECRET" not in body
    assert b"root:" not in body


def test_symlink_out_of_root_is_404(server: DemoServer, site: Path) -> None:
    (site / "escape.txt").symlink_to(site.parent / "secret.txt")
    assert raw_get(server, "/escape.txt")[0] == 404


def test_resolve_under_keeps_inside_root(site: Path) -> None:
    assert resolve_under(site, "/news/a.html") == (site / "news" / "a.html").resolve()
    assert resolve_under(site, "/news/feed/") == (site / "news" / "feed" / "index.xml").resolve()
    assert resolve_under(site, "/../secret.txt") is None
    assert resolve_under(site, "/%2e%2e/secret.txt") is None


# --------------------------------------------------------------------------- routes and log


def test_routes_override_scripts_errors_redirects_and_non_feeds(server: DemoServer) -> None:
    server.routes["/broken.xml"] = (500, {"Retry-After": "120"}, "oops")
    server.routes["/moved.xml"] = (301, {"Location": "{base}/news/feed/"}, b"")
    server.routes["/news/a.html"] = (200, {"Content-Type": "text/html"}, "<p>{base}</p>")
    server.routes["/gone.xml?v=2"] = (410, {}, b"")

    broken = httpx.get(server.url("/broken.xml"))
    assert (broken.status_code, broken.text, broken.headers["retry-after"]) == (500, "oops", "120")
    moved = httpx.get(server.url("/moved.xml"), follow_redirects=True)
    assert moved.status_code == 200
    assert moved.history[0].headers["location"] == server.url("/news/feed/")
    assert httpx.get(server.url("/news/a.html")).text == f"<p>{server.base_url}</p>"
    assert httpx.get(server.url("/gone.xml?v=2")).status_code == 410
    assert httpx.get(server.url("/gone.xml")).status_code == 404


def test_routes_given_at_start(site: Path) -> None:
    with serve_directory(site, routes={"/x": (503, {}, b"busy")}) as srv:
        resp = httpx.get(srv.url("/x"))
        assert (resp.status_code, resp.content) == (503, b"busy")


def test_request_log_records_requests(server: DemoServer) -> None:
    httpx.get(server.url("/news/a.html?a=1"), headers={"User-Agent": "probe/1"})
    httpx.get(server.url("/missing"))
    log = server.request_log
    assert [(r.method, r.path, r.status) for r in log] == [
        ("GET", "/news/a.html?a=1", 200),
        ("GET", "/missing", 404),
    ]
    assert log[0].headers["User-Agent"] == "probe/1"
    assert [r.path for r in server.requests_for("/news/a.html")] == ["/news/a.html?a=1"]


def test_quiet_logging(site: Path, capfd: pytest.CaptureFixture[str]) -> None:
    with serve_directory(site) as srv:
        httpx.get(srv.url("/news/a.html"))
        httpx.get(srv.url("/missing"))
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_close_stops_serving(site: Path) -> None:
    srv = serve_directory(site)
    url = srv.url("/news/a.html")
    assert httpx.get(url).status_code == 200
    srv.close()
    with pytest.raises(httpx.TransportError):
        httpx.get(url, timeout=2)


def test_root_must_be_a_directory(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        serve_directory(tmp_path / "nope")


# --------------------------------------------------------------------------- bundled corpus

FEEDS = {
    "/harbor/rss.xml": ("application/rss+xml", "rss20"),
    "/meridian/atom.xml": ("application/atom+xml", "atom10"),
    "/ledger/feed/": ("application/rss+xml", "rss20"),
}


@pytest.mark.parametrize("path", sorted(FEEDS))
def test_demo_xml_feeds_parse_and_link_to_served_pages(demo: DemoServer, path: str) -> None:
    ctype, version = FEEDS[path]
    resp = httpx.get(demo.url(path))
    assert resp.headers["content-type"].startswith(ctype)
    assert "{base}" not in resp.text
    parsed = feedparser.parse(resp.content, sanitize_html=False)
    assert parsed.version == version and not parsed.bozo
    assert len(parsed.entries) >= 3
    for entry in parsed.entries:
        assert entry.link.startswith(demo.base_url + "/")
        page = httpx.get(entry.link)
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert entry.title.split()[0] in page.text


def test_demo_json_feed_mixes_content_and_summaries(demo: DemoServer) -> None:
    resp = httpx.get(demo.url("/northgate/feed.json"))
    assert resp.headers["content-type"].startswith("application/feed+json")
    feed = json.loads(resp.text)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    items = feed["items"]
    with_content = [i for i in items if "content_html" in i]
    assert 0 < len(with_content) < len(items)
    for item in items:
        assert item["summary"]
        datetime.fromisoformat(item["date_published"])
        assert httpx.get(item["url"]).status_code == 200


def test_demo_tracked_link_duplicates_a_story_from_another_outlet(demo: DemoServer) -> None:
    ledger = feedparser.parse(httpx.get(demo.url("/ledger/feed/")).content)
    tracked = [e for e in ledger.entries if "utm_source=" in e.link]
    assert len(tracked) == 1
    harbor = feedparser.parse(httpx.get(demo.url("/harbor/rss.xml")).content)
    twin = [e for e in harbor.entries if "FTSE 100" in e.title]
    assert len(twin) == 1 and twin[0].title != tracked[0].title

    def story_paragraphs(url: str) -> list[str]:
        paras = re.findall(r"<p>(.*?)</p>", httpx.get(url).text)
        start = next(i for i, p in enumerate(paras) if "(Reuters)" in p)
        end = next(i for i, p in enumerate(paras) if p.startswith("Reporting by"))
        return paras[start : end + 1]

    ledger_paras = story_paragraphs(tracked[0].link)
    harbor_paras = story_paragraphs(twin[0].link)
    assert ledger_paras[0].startswith("LONDON, Nov 27 (Reuters) - ")
    assert len(ledger_paras) >= 5
    assert ledger_paras == harbor_paras


def test_demo_seed_shaped_page_keeps_the_seed_structure(demo: DemoServer) -> None:
    ledger = feedparser.parse(httpx.get(demo.url("/ledger/feed/")).content)
    (blinken,) = [e for e in ledger.entries if e.title.startswith("Blinken")]
    text = re.sub(r"<[^>]+>", " ", httpx.get(blinken.link).text)
    expected_in_order = [
        "Investing", "World News", "Politics", "Stock", "Editor’s Pick",
        "Blinken to raise China", "by", "November 17, 2026", "WASHINGTON —", "— Reuters",
        "previous post", "next post", "You may also like",
        "Join The Exclusive Subscription", "Recent Posts", "About us", "Contact us",
        "Terms &amp; Conditions", "Privacy Policy", "Copyright", "Back To Top",
    ]  # fmt: skip
    pos = 0
    for marker in expected_in_order:
        found = text.find(marker, pos)
        assert found >= 0, f"{marker!r} missing or out of order"
        pos = found


def test_demo_config_loads_and_points_at_served_feeds(demo: DemoServer, tmp_path: Path) -> None:
    text = DEMO_TOML.read_text(encoding="utf-8")
    assert {"{base}", "{db_url}", "{output_dir}"} <= set(re.findall(r"\{\w+\}", text))
    filled = (
        text.replace("{base}", demo.base_url)
        .replace("{db_url}", f"sqlite:///{tmp_path / 'demo.db'}")
        .replace("{output_dir}", str(tmp_path / "site"))
    )
    config = tmp_path / "demo.toml"
    config.write_text(filled, encoding="utf-8")
    settings = load_settings(config)
    assert len(settings.sources) == 4
    assert {s.slug for s in settings.sections} >= {"world", "politics", "stock", "editors-pick"}
    for source in settings.sources:
        assert httpx.get(source.url).status_code == 200, source.name
        assert urlsplit(source.url).netloc == urlsplit(demo.base_url).netloc
    assert tomllib.loads(filled)["publish"]["output_dir"] == str(tmp_path / "site")
