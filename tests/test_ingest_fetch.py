"""Fetching: conditional GET, size cap, redirects and how HTTP failures become errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from ingest.errors import FetchError
from ingest.fetch import fetch, make_client, parse_retry_after
from ingest.types import Fetched, NotModified

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
Handler = Callable[[httpx.Request], httpx.Response]


def _get(handler: Handler, url: str = "https://feeds.example/x.xml", **kw: object):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        client = make_client(
            user_agent="test", timeout=5, max_redirects=3, transport=httpx.MockTransport(handler)
        )
        async with client:
            return await fetch(client, url, max_bytes=kw.pop("max_bytes", 1000), now=NOW, **kw)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_fresh_fetch_records_validators() -> None:
    got = _get(lambda r: httpx.Response(200, content=b"<rss/>", headers={"ETag": '"v1"'}))
    assert isinstance(got, Fetched)
    assert (got.body, got.etag, got.status) == (b"<rss/>", '"v1"', 200)


def test_conditional_get_sends_validators_and_304_is_not_modified() -> None:
    seen: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.headers)
        return httpx.Response(304)

    got = _get(handler, etag='"v1"', last_modified="Tue, 25 Nov 2026 10:00:00 GMT")
    assert isinstance(got, NotModified)
    assert seen["if-none-match"] == '"v1"'
    assert seen["if-modified-since"] == "Tue, 25 Nov 2026 10:00:00 GMT"
    assert seen["user-agent"] == "test"


def test_body_over_the_cap_is_refused() -> None:
    with pytest.raises(FetchError, match="cap"):
        _get(lambda r: httpx.Response(200, content=b"x" * 5000))


def test_redirects_are_followed_and_recorded() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "https://feeds.example/new"})
        return httpx.Response(200, content=b"ok")

    got = _get(handler, url="https://feeds.example/old")
    assert isinstance(got, Fetched)
    assert got.final_url == "https://feeds.example/new" and got.permanent_redirect


def test_temporary_redirect_is_not_permanent() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(302, headers={"Location": "/new"})
        return httpx.Response(200, content=b"ok")

    got = _get(handler, url="https://feeds.example/old")
    assert isinstance(got, Fetched) and not got.permanent_redirect


def test_503_with_retry_after_is_transient_with_delay() -> None:
    with pytest.raises(FetchError) as err:
        _get(lambda r: httpx.Response(503, headers={"Retry-After": "120"}))
    assert err.value.status == 503 and err.value.retry_after == 120 and not err.value.permanent
    assert "HTTP 503 (retry after 120 s)" in str(err.value)


def test_404_and_410_are_permanent() -> None:
    for status in (404, 410):
        with pytest.raises(FetchError) as err:
            _get(lambda r, s=status: httpx.Response(s))
        assert err.value.permanent


def test_network_failure_is_a_fetch_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(FetchError, match="ConnectError"):
        _get(handler)


def test_retry_after_forms() -> None:
    assert parse_retry_after("30", now=NOW) == 30
    assert parse_retry_after("Thu, 27 Nov 2026 12:02:00 GMT", now=NOW) == 120
    assert parse_retry_after("soon", now=NOW) is None
    assert parse_retry_after(None, now=NOW) is None
