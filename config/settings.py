"""Typed, frozen settings: what an operator may write in the TOML file, and its defaults.

Every model forbids unknown keys, so a typo is an error instead of a silently ignored line.
This module validates values; it does not read files (see ``config.load``).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_INTERVAL_RE = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_interval(value: str | int) -> int:
    """Seconds in an interval written as ``"15m"``, ``"1h30m"``, ``"2d"``, ``"45s"`` or an int."""
    if isinstance(value, int):
        seconds = value
    else:
        match = _INTERVAL_RE.match(value.strip().lower())
        if not value.strip() or match is None:
            raise ValueError(f"{value!r} is not an interval; write e.g. '30s', '15m', '1h', '2d'")
        d, h, m, s = (int(g or 0) for g in match.groups())
        seconds = ((d * 24 + h) * 60 + m) * 60 + s
    if seconds < 1:
        raise ValueError("an interval must be at least 1 second")
    return seconds


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Strict):
    url: str = "sqlite:///wirefeed.db"

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, v: str) -> str:
        if not v.startswith(("sqlite://", "postgresql")):
            raise ValueError("must start with 'sqlite:///' or 'postgresql+psycopg://'")
        return v


class PublishSettings(_Strict):
    output_dir: str = "site"
    site_title: str = "Wirefeed"
    base_url: str = "http://localhost:8000/"
    items_per_page: Annotated[int, Field(ge=1, le=500)] = 20
    feed_items: Annotated[int, Field(ge=1, le=500)] = 30

    @field_validator("base_url")
    @classmethod
    def _slash(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must be an absolute http(s) URL, e.g. 'https://news.example.org/'")
        return v if v.endswith("/") else v + "/"


class FetchSettings(_Strict):
    user_agent: str = "Wirefeed/0.1 (+https://github.com/wirefeed/wirefeed)"
    timeout: Annotated[float, Field(gt=0, le=300)] = 20.0
    max_bytes: Annotated[int, Field(ge=1024)] = 10 * 1024 * 1024
    max_redirects: Annotated[int, Field(ge=0, le=20)] = 5


class ExtractRules(_Strict):
    """Per-source extraction rules applied before the generic extractor (CSS selectors)."""

    body: str | None = None
    drop: tuple[str, ...] = ()


class SourceSettings(_Strict):
    name: str
    url: str
    agency: str | None = None
    sections: tuple[str, ...] = ()
    full_text: Literal["auto", "always", "never"] = "auto"
    interval: str | int = "15m"
    enabled: bool = True
    priority: int = 0
    policy: Literal["full", "excerpt", "headline"] = "full"
    excerpt_words: Annotated[int, Field(ge=10, le=1000)] = 60
    rights: str | None = None
    extract: ExtractRules = ExtractRules()

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.match(v):
            raise ValueError("must be a slug: lowercase letters, digits and '-', at most 63 chars")
        return v

    @field_validator("url")
    @classmethod
    def _http(cls, v: str) -> str:
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError("must be an absolute http:// or https:// URL")
        return v

    @field_validator("interval")
    @classmethod
    def _interval(cls, v: str | int) -> str | int:
        parse_interval(v)
        return v

    @property
    def interval_seconds(self) -> int:
        return parse_interval(self.interval)


class SectionSettings(_Strict):
    name: str
    slug: str
    keywords: tuple[str, ...] = ()

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.match(v):
            raise ValueError("must be a slug: lowercase letters, digits and '-', at most 63 chars")
        return v


class Settings(_Strict):
    database: DatabaseSettings = DatabaseSettings()
    publish: PublishSettings = PublishSettings()
    fetch: FetchSettings = FetchSettings()
    sources: tuple[SourceSettings, ...] = ()
    sections: tuple[SectionSettings, ...] = ()

    @model_validator(mode="after")
    def _cross_checks(self) -> Settings:
        problems: list[str] = []
        seen: set[str] = set()
        for src in self.sources:
            if src.name in seen:
                problems.append(f"sources: name {src.name!r} is used twice; names must be unique")
            seen.add(src.name)
        for attr in ("name", "slug"):
            values = [getattr(s, attr) for s in self.sections]
            for v in sorted({v for v in values if values.count(v) > 1}):
                problems.append(f"sections: {attr} {v!r} is used twice; it must be unique")
        known = {s.name for s in self.sections} | {s.slug for s in self.sections}
        for src in self.sources:
            for sec in src.sections:
                if sec not in known:
                    allowed = ", ".join(repr(s.name) for s in self.sections) or "none defined"
                    problems.append(
                        f"sources ({src.name}).sections: unknown section {sec!r}; "
                        f"define it under [[sections]] (defined: {allowed})"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def source(self, name: str) -> SourceSettings:
        for src in self.sources:
            if src.name == name:
                return src
        raise KeyError(name)

    def section_by_key(self, key: str) -> SectionSettings | None:
        """The section whose name or slug is ``key``."""
        for sec in self.sections:
            if key in (sec.name, sec.slug):
                return sec
        return None
