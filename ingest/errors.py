"""Errors of the ingest stages.

    IngestError            base of everything ingest raises; ``source`` names the source if known
    ├── FetchError         the HTTP fetch failed (network, status, size cap, timeout)
    ├── ParseError         the bytes are not a feed we can read
    └── ExtractError       an article page could not be turned into a body

Messages read ``<stage>: <source>: <reason>``. Third-party exceptions are wrapped with
``raise ... from exc`` so the cause stays visible.
"""

from __future__ import annotations


class IngestError(Exception):
    stage = "ingest"

    def __init__(self, reason: str, *, source: str | None = None, url: str | None = None) -> None:
        self.reason = reason
        self.source = source
        self.url = url
        super().__init__(reason)

    def __str__(self) -> str:
        who = f"{self.source}: " if self.source else ""
        return f"{self.stage}: {who}{self.reason}"


class FetchError(IngestError):
    stage = "fetch"

    def __init__(
        self,
        reason: str,
        *,
        source: str | None = None,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        permanent: bool = False,
    ) -> None:
        super().__init__(reason, source=source, url=url)
        self.status = status
        self.retry_after = retry_after
        self.permanent = permanent


class ParseError(IngestError):
    stage = "parse"


class ExtractError(IngestError):
    stage = "extract"
