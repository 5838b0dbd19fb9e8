"""The ``[fetch] allow_hosts`` list: private hosts an operator allows for their own sources.

Parses and matches entries (``host``, ``host:port``, a server URL, or a CIDR network). The SSRF
guard that uses it lives in ``ingest.guard``; this module only reads the list, so config
validation can reject a malformed entry with its key named.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class AllowList:
    """Private destinations the operator allows: names, name:port pairs and networks."""

    hosts: frozenset[str] = frozenset()
    host_ports: frozenset[tuple[str, int]] = frozenset()
    networks: tuple[Network, ...] = ()

    def allows(self, host: str, port: int, address: IP) -> bool:
        host = host.lower().strip("[]")
        if host in self.hosts or (host, port) in self.host_ports:
            return True
        if (str(address), port) in self.host_ports:
            return True
        return any(address in net for net in self.networks)


def parse_allow(entries: Iterable[str]) -> AllowList:
    """``["127.0.0.1:8080", "10.0.0.0/8", "cms.internal"]`` -> an ``AllowList``.

    Raises ``ValueError`` naming the entry that is none of host, host:port or CIDR.
    """
    hosts: set[str] = set()
    host_ports: set[tuple[str, int]] = set()
    networks: list[Network] = []
    for raw in entries:
        entry = raw.strip().lower()
        if "://" in entry:  # a server's URL: allow its host and port
            parsed = urlsplit(entry)
            default = 443 if parsed.scheme == "https" else 80
            if not parsed.hostname:
                raise ValueError(f"{raw!r} is not a host, host:port, URL or CIDR")
            host_ports.add((parsed.hostname, parsed.port or default))
            continue
        if not entry:
            raise ValueError("an empty entry")
        if "/" in entry:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(f"{raw!r} is not a CIDR network (e.g. '10.0.0.0/8')") from None
            continue
        host, sep, port = entry.rpartition(":") if entry.count(":") == 1 else ("", "", "")
        if sep and port.isdigit():
            host_ports.add((host.strip("[]"), int(port)))
            continue
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]")))
        except ValueError:
            if not all(part.isalnum() or "-" in part for part in entry.split(".")):
                raise ValueError(f"{raw!r} is not a host, host:port or CIDR") from None
            hosts.add(entry)
    return AllowList(frozenset(hosts), frozenset(host_ports), tuple(networks))
