"""SSRF guard: never connect to a loopback, private, link-local or otherwise non-public address.

Feeds hand us URLs (article links, redirects, images); a hostile one could point at the metadata
service (169.254.169.254), a database on localhost or an intranet. For every connection the HTTP
client opens (hence on every redirect hop) the guard checks the addresses the name resolves to
before connecting (a refused destination gets no packet), then the address actually reached
(so a name that re-resolves to 127.0.0.1 in between gains nothing). Operators allow their own
private hosts with ``[fetch] allow_hosts`` (``host``, ``host:port`` or a CIDR). The streams it
returns also answer the pool's keep-alive check without a system call per attribute. This
module does not fetch anything itself; it plugs into the client's network layer.
"""

from __future__ import annotations

import asyncio
import ipaddress
import select
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from config.allow import IP, AllowList, parse_allow

__all__ = [
    "AllowList",
    "Blocked",
    "check_destination",
    "guarded_transport",
    "parse_allow",
    "resolve",
    "why_blocked",
]


class Blocked(Exception):
    """A destination the guard refuses (or cannot resolve); the message says which and why."""


def check_destination(host: str, port: int, address: IP, allow: AllowList) -> None:
    """Raise ``Blocked`` unless ``address`` (what ``host`` resolved to) is public or allowed."""
    reason = why_blocked(address)
    if reason is not None and not allow.allows(host, port, address):
        where = host if host == str(address) else f"{host} ({address})"
        raise Blocked(
            f"blocked: {where} is {reason} "
            "(allow it in [fetch] allow_hosts if it is your own server)"
        )


def peer_address(peer: Any, host: str) -> IP:
    """The IP address of a connected socket's peer (``getpeername()``), or ``Blocked``."""
    try:
        return ipaddress.ip_address(str(peer[0]).split("%")[0])
    except (TypeError, ValueError, IndexError):
        raise Blocked(f"blocked: cannot tell where {host} connects") from None


def why_blocked(address: IP) -> str | None:
    """The reason ``address`` is not a public destination, or None if it is one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for attr, label in (
        ("is_loopback", "a loopback"),
        ("is_link_local", "a link-local"),
        ("is_multicast", "a multicast"),
        ("is_private", "a private"),
        ("is_reserved", "a reserved"),
        ("is_unspecified", "an unspecified"),
    ):
        if getattr(address, attr):
            return f"{label} address"
    if not address.is_global:
        return "a non-public address"
    return None


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Wraps the real network backend; checks every TCP connection's peer address."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend, allow: AllowList) -> None:
        self.inner = inner
        self.allow = allow

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # First the addresses the name resolves to: a refused destination gets no packet at all.
        try:
            for address in await resolve(host, port):
                check_destination(host, port, address, self.allow)
        except Blocked as exc:
            raise httpcore.ConnectError(str(exc)) from None
        stream = await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
        # Then the address actually reached (the name may have re-resolved since: rebinding).
        try:
            address = peer_address(stream.get_extra_info("server_addr"), host)
            check_destination(host, port, address, self.allow)
        except Blocked as exc:
            await stream.aclose()
            raise httpcore.ConnectError(str(exc)) from None
        return _Stream(stream)

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("blocked: unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class _Stream(httpcore.AsyncNetworkStream):
    """A connection's stream that answers the pool's "is it still usable?" question cheaply.

    The connection pool asks every idle connection whether its socket turned readable (the
    server closed it) each time it hands out a connection; the default stream rebuilds its whole
    attribute table (a ``getpeername`` system call included) to find the socket every time.
    This one keeps the socket and polls it directly; everything else goes to the real stream.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "socket" and self._socket is not None:
            return self._socket
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


def _readable(sock: socket.socket) -> bool:
    """True when reading would not block: data, or the peer closed (or the socket is gone)."""
    if sock.fileno() < 0:
        return True
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


async def resolve(host: str, port: int) -> set[IP]:
    """Every address ``host`` resolves to (an IP literal resolves to itself, with no lookup)."""
    try:
        return {ipaddress.ip_address(host.strip("[]").split("%")[0])}
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise Blocked(f"cannot resolve {host}: {exc}") from exc
    found: set[IP] = set()
    for *_, sockaddr in infos:
        try:
            found.add(ipaddress.ip_address(str(sockaddr[0]).split("%")[0]))
        except ValueError:
            continue
    return found


def guarded_transport(allow: AllowList, **kwargs: Any) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every connection passes the guard (redirect hops included)."""
    transport = httpx.AsyncHTTPTransport(**kwargs)
    pool = transport._pool  # httpx exposes no backend option; the pool keeps it here
    pool._network_backend = _GuardedBackend(pool._network_backend, allow)
    return transport
