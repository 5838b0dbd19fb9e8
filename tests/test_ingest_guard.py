"""The SSRF guard: no connection to a non-public address unless the operator allowed it.

The guard checks the address a connection reached (after DNS), on every connection, so a
redirect to a private address and a name that resolves to one are refused alike.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator

import pytest

from config import ConfigError
from config.allow import parse_allow
from config.load import settings_from_dict
from ingest.errors import FetchError
from ingest.fetch import fetch, make_client
from ingest.guard import why_blocked
from ingest.pipeline import ingest
from store.db import Database
from tests.conftest import NOW
from wirefeed.demo import DEMO_DATA
from wirefeed.demo_server import DemoServer, serve_directory

RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>Meta</title>'
    b"<link>http://169.254.169.254/latest/meta-data/</link><guid>m1</guid>"
    b"<description>Only a summary.</description></item></channel></rss>"
)


@pytest.mark.parametrize(
    ("address", "verdict"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("::ffff:127.0.0.1", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("192.168.0.10", "a private address"),
        ("172.16.5.4", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("224.0.0.251", "a multicast address"),
        ("0.0.0.0", "a private address"),
        ("100.64.0.1", "a non-public address"),
        ("93.184.216.34", None),
        ("2606:4700::1111", None),
    ],
)
def test_which_addresses_are_refused(address: str, verdict: str | None) -> None:
    assert why_blocked(ipaddress.ip_address(address)) == verdict


def test_allow_list_entries() -> None:
    allow = parse_allow(["127.0.0.1:8080", "10.0.0.0/8", "cms.internal", "http://127.0.0.1:9000"])
    assert allow.allows("127.0.0.1", 8080, ipaddress.ip_address("127.0.0.1"))
    assert not allow.allows("127.0.0.1", 8081, ipaddress.ip_address("127.0.0.1"))
    assert allow.allows("anything", 443, ipaddress.ip_address("10.9.8.7"))
    assert allow.allows("cms.internal", 80, ipaddress.ip_address("192.168.1.1"))
    assert allow.allows("127.0.0.1", 9000, ipaddress.ip_address("127.0.0.1"))


def test_a_bad_allow_entry_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"fetch.allow_hosts: .*'not a host!' is not a host"):
        settings_from_dict({"fetch": {"allow_hosts": ["not a host!"]}})


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with serve_directory(DEMO_DATA / "site") as srv:
        yield srv


def _get(url: str, allow: list[str]) -> object:
    async def go() -> object:
        client = make_client(user_agent="t", timeout=5, max_redirects=3, allow=parse_allow(allow))
        async with client:
            return await fetch(client, url, max_bytes=10**6)

    return asyncio.run(go())


def test_loopback_is_refused_unless_allowed(server: DemoServer) -> None:
    url = server.url("/harbor/rss.xml")
    with pytest.raises(FetchError, match=r"blocked: 127\.0\.0\.1 is a loopback address"):
        _get(url, [])
    assert server.request_log == []  # not one request reached the server
    _get(url, [server.base_url])  # allowed: fetched
    with pytest.raises(FetchError, match="blocked"):
        _get(url, ["127.0.0.1:1"])  # another port of the same host is not allowed


def test_a_name_resolving_to_loopback_is_refused_after_dns(server: DemoServer) -> None:
    url = server.url("/harbor/rss.xml").replace("127.0.0.1", "localhost")
    with pytest.raises(FetchError, match=r"blocked: localhost \(127\.0\.0\.1\) is a loopback"):
        _get(url, ["10.0.0.0/8"])


def test_every_redirect_hop_is_checked(server: DemoServer) -> None:
    with serve_directory(DEMO_DATA / "site") as inner:
        server.routes["/hop"] = (302, {"Location": inner.url("/harbor/rss.xml")}, b"")
        with pytest.raises(FetchError, match="blocked"):
            _get(server.url("/hop"), [server.base_url])  # the first hop is allowed, not the next
        assert inner.request_log == []


def test_a_feed_link_to_the_metadata_service_is_a_clear_per_story_error(
    server: DemoServer, db: Database
) -> None:
    server.routes["/meta.xml"] = (200, {"Content-Type": "application/rss+xml"}, RSS)
    settings = settings_from_dict(
        {
            "fetch": {"allow_hosts": [server.base_url], "timeout": 3},
            "sources": [{"name": "m", "url": server.url("/meta.xml"), "full_text": "always"}],
        }
    )
    [result] = ingest(db, settings, clock=lambda: NOW)
    assert result.status == "ok" and result.new == 1  # the story is kept, with the feed's text
    assert any("169.254.169.254" in p and "blocked" in p for p in result.problems)
