"""robots.txt: parsed rules per host, cached for a while, asked before fetching an article page.

Feeds are fetched whatever robots.txt says (a feed is published to be polled, as every feed reader
assumes); article pages are not fetched where the site's robots.txt disallows them for our
User-Agent, unless the source's ``robots = false`` says the operator has permission. This module
holds the cache and the decision; the HTTP request for robots.txt is made by ``ingest.fetcher``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

TTL = timedelta(hours=6)


def robots_url(url: str) -> str | None:
    """The robots.txt address for the host of ``url``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def parse_robots(text: str | None) -> RobotFileParser:
    """Rules from a robots.txt body; ``None`` (no robots.txt) allows everything."""
    rules = RobotFileParser()
    rules.parse((text or "").splitlines())
    return rules


@dataclass
class RobotsCache:
    """Parsed robots.txt per ``scheme://host``, each kept for ``TTL``."""

    entries: dict[str, tuple[datetime, RobotFileParser]] = field(default_factory=dict)

    def get(self, url: str, now: datetime) -> RobotFileParser | None:
        key = robots_url(url)
        found = self.entries.get(key) if key else None
        if found is None or now - found[0] > TTL:
            return None
        return found[1]

    def put(self, url: str, rules: RobotFileParser, now: datetime) -> None:
        key = robots_url(url)
        if key:
            self.entries[key] = (now, rules)


def allowed(rules: RobotFileParser, user_agent: str, url: str) -> bool:
    """Whether ``url`` may be fetched by ``user_agent`` under ``rules``."""
    product = user_agent.split("/", 1)[0].strip() or "*"
    return rules.can_fetch(product, url)
