"""Tests for ingest.parse / ingest.jsonfeed: golden fixtures, broken feeds, XML entity safety.

Golden fixtures live in tests/data/parse/: ``<name>.<xml|rdf|json>`` beside
``<name>.expected.json``. To regenerate after a deliberate change, run with
``WIREFEED_REGEN=1`` and review the diff before committing.
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import ParseError
from ingest.parse import parse_feed
from ingest.types import ParsedFeed

DATA = Path(__file__).parent / "data" / "parse"
NOW = datetime(2024, 4, 18, 12, 0, tzinfo=UTC)
INPUTS = sorted(p for p in DATA.iterdir() if not p.name.endswith(".expected.json"))
CONTENT_TYPES = {".json": "application/feed+json", ".xml": None, ".rdf": None}


def as_json(feed: ParsedFeed) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        return value

    return convert(dataclasses.asdict(feed))


def feed_url(path: Path) -> str:
    return f"https://feeds.example.com/parse/{path.name}"


def test_fixture_set_is_complete() -> None:
    names = {p.stem for p in INPUTS}
    want = {"rss091", "rss092", "rss10", "rss20", "atom03", "atom10", "jsonfeed10", "jsonfeed11"}
    assert want <= names
    for path in INPUTS:
        assert path.with_name(path.stem + ".expected.json").exists(), path.name


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_golden(path: Path) -> None:
    parsed = parse_feed(path.read_bytes(), feed_url(path), CONTENT_TYPES[path.suffix], now=NOW)
    got = as_json(parsed)
    expected_path = path.with_name(path.stem + ".expected.json")
    if os.environ.get("WIREFEED_REGEN"):
        text = json.dumps(got, indent=2, ensure_ascii=False) + "\n"
        expected_path.write_text(text, encoding="utf-8")
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))
    for entry in parsed.entries:
        for stamp in (entry.published, entry.updated):
            assert stamp is None or stamp.utcoffset() is not None


# --- broken input -------------------------------------------------------------------------------

RSS_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>T</title>'


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", None, "empty body"),
        (b" \r\n\t", "application/rss+xml", "empty body"),
        (
            b"<!DOCTYPE html><html><head><title>Home</title>"
            b'<link rel="alternate" href="/x"></head><body><p>hi</p></body></html>',
            "text/html; charset=utf-8",
            "HTML page",
        ),
        (b"\x00\x01\x02garbage\xff\xfe", None, "not a feed"),
        (b"just some words", "text/plain", "not a feed"),
        (b'<?xml version="1.0"?>\n<rss version="2.0"><chan', None, "not a feed"),
        (b'<?xml version="1.0"?><foo><bar>x</bar></foo>', None, "not a feed"),
        (b'{"title": "x", "items": []}', "application/json", "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}', None, "no items"),
        (b'{"version": "https://jsonfeed.org/version/1", ', "application/feed+json", "invalid"),
        (b"[" * 100_000, "application/json", "invalid JSON"),
    ],
)
def test_not_a_feed_raises(body: bytes, content_type: str | None, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_feed(body, "https://feeds.example.com/x", content_type)
    assert reason in info.value.reason
    assert str(info.value).startswith("parse: ")


def test_truncated_xml_keeps_what_it_has() -> None:
    body = RSS_HEAD + b"<item><title>A</title><link>http://a.example/1</link></item><item><tit"
    parsed = parse_feed(body, "https://feeds.example.com/x")
    assert parsed.title == "T"
    assert [e.link for e in parsed.entries][:1] == ["http://a.example/1"]


def test_truncated_after_channel_title_is_an_empty_feed() -> None:
    parsed = parse_feed(RSS_HEAD + b"<ite", "https://feeds.example.com/x")
    assert (parsed.title, parsed.entries) == ("T", ())


def test_bad_entries_are_counted_in_skipped() -> None:
    items = b"".join(
        [
            b"<item><title>ok</title></item>",
            b"<item><description>nothing to identify me</description></item>",
            b"<item><guid isPermaLink='false'>id-3</guid></item>",
            b"<item><pubDate>garbage</pubDate></item>",
        ]
    )
    parsed = parse_feed(RSS_HEAD + items + b"</channel></rss>", "https://feeds.example.com/x")
    assert [e.title for e in parsed.entries] == ["ok", ""]
    assert parsed.entries[1].guid == "id-3"
    assert parsed.skipped == ("entry 2: no title, link or guid", "entry 4: no title, link or guid")


def test_bad_dates_are_none_not_errors() -> None:
    items = b"".join(
        b"<item><title>%d</title><pubDate>%s</pubDate></item>" % (i, d)
        for i, d in enumerate(
            [b"Wed, 17 Apr 2024 06:05:00 GMT", b"Fri, 19 Apr 2024 14:00:00 GMT", b"yesterday",
             b"Thu, 01 Jan 1970 00:00:00 GMT", b"Sat, 01 Jan 9999 00:00:00 GMT"]
        )
    )  # fmt: skip
    body = RSS_HEAD + items + b"</channel></rss>"
    parsed = parse_feed(body, "https://feeds.example.com/x", now=NOW)
    assert [e.published for e in parsed.entries] == [
        datetime(2024, 4, 17, 6, 5, tzinfo=UTC),
        datetime(2024, 4, 19, 14, 0, tzinfo=UTC),  # within the slack for clock skew
        None,
        None,
        None,
    ]
    later = parse_feed(body, "https://feeds.example.com/x", now=datetime(2024, 1, 1, tzinfo=UTC))
    assert later.entries[0].published is None  # far in the future as seen from ``now``


def test_charset_from_content_type_and_default_utf8() -> None:
    latin = RSS_HEAD.replace(b' encoding="utf-8"', b"") + b"<item><title>Z\xfcrich</title></item>"
    parsed = parse_feed(latin, "https://x.example/f", "application/rss+xml; charset=ISO-8859-1")
    assert parsed.entries[0].title == "Zürich"
    utf8 = (
        RSS_HEAD.replace(b' encoding="utf-8"', b"") + "<item><title>Zürich</title></item>".encode()
    )
    assert parse_feed(utf8, "https://x.example/f").entries[0].title == "Zürich"


def test_json_feed_by_sniffing_and_mislabelled_xml() -> None:
    doc = {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "a", "title": "A"}]}
    sniffed = parse_feed(json.dumps(doc).encode(), "https://x.example/f", "text/plain")
    assert (sniffed.format, sniffed.entries[0].guid) == ("jsonfeed11", "a")
    xml = parse_feed(RSS_HEAD + b"</channel></rss>", "https://x.example/f", "application/json")
    assert xml.format == "rss20"


# --- safety: no expansion, no fetching, no file reads --------------------------------------------


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """A 127.0.0.1 HTTP server that records every request path it receives."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = b'<!ENTITY leak "LEAKED-BY-HTTP">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def _laughs(newlines: bool) -> bytes:
    sep = b"\n" if newlines else b""
    decls = [b'<!ENTITY lol0 "lol">']
    decls += [b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10)]
    return (
        b'<?xml version="1.0"?>' + sep + b"<!DOCTYPE rss [" + sep + sep.join(decls) + sep + b"]>"
        + sep + b'<rss version="2.0"><channel><title>t</title>'
        b"<item><title>a &lol9;</title><link>http://a.example/</link></item></channel></rss>"
    )  # fmt: skip


@pytest.mark.parametrize("newlines", [True, False])
def test_billion_laughs_is_not_expanded(newlines: bool) -> None:
    parsed = parse_feed(_laughs(newlines), "https://x.example/f")
    assert all(len(e.title) < 100 and "lollol" not in e.title for e in parsed.entries)


def test_quadratic_blowup_is_not_expanded() -> None:
    # feedparser alone keeps this "safe" entity and its fallback parser builds a 50 MB summary.
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + b"A" * 10_000 + b'">\n]>\n'
        b'<rss version="2.0"><channel><title>t</title><item><title>x</title><description>'
        + b"&a;" * 5_000
        + b"</description></item></chanel></rss>"
    )
    parsed = parse_feed(body, "https://x.example/f")
    assert all(len(e.summary_html or "") < 100_000 for e in parsed.entries)


@pytest.mark.parametrize("newlines", [True, False])
def test_external_entities_and_dtds_are_never_loaded(
    newlines: bool, server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, hits = server
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FROM-FILE")
    sep = b"\n" if newlines else b""
    body = sep.join(
        [
            b'<?xml version="1.0"?>',
            b'<!DOCTYPE rss SYSTEM "%s/dtd" [' % base.encode(),
            b'<!ENTITY file SYSTEM "%s">' % secret.as_uri().encode(),
            b'<!ENTITY web SYSTEM "%s/entity">' % base.encode(),
            b'<!ENTITY %% param SYSTEM "%s/param"> %%param;' % base.encode(),
            b"]>",
            b'<rss version="2.0"><channel><title>t</title><item><title>a &file; &web; &leak;'
            b"</title><link>http://a.example/</link></item></channel></rss>",
        ]
    )
    parsed = parse_feed(body, "https://x.example/f")
    text = json.dumps(as_json(parsed))
    assert "SECRET-FROM-FILE" not in text
    assert "LEAKED" not in text
    assert hits == []


def test_wide_encoded_entity_declarations_are_refused() -> None:
    body = '<?xml version="1.0" encoding="utf-16"?>\n<!DOCTYPE rss [\n<!ENTITY a "b">\n]>\n<rss/>'
    with pytest.raises(ParseError, match="UTF-16"):
        parse_feed(body.encode("utf-16"), "https://x.example/f")


def test_body_is_never_taken_for_a_path_or_url(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, hits = server
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes(RSS_HEAD + b"<item><title>from disk</title></item></channel></rss>")
    for body in (base.encode() + b"/feed", str(feed_file).encode()):
        with pytest.raises(ParseError):
            parse_feed(body, "https://x.example/f")
    assert hits == []
