"""Typed, frozen settings: what an operator may write in the TOML file, and its defaults.

Every model forbids unknown keys, so a typo is an error instead of a silently ignored line.
This module validates values; it does not read files (see ``config.load``).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from config.allow import parse_allow

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
    retention_days: Annotated[int, Field(ge=1)] | None = None

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
    max_items: Annotated[int, Field(ge=1, le=100_000)] = 1000
    deadline: Annotated[float, Field(gt=0, le=3600)] = 60.0
    concurrency: Annotated[int, Field(ge=1, le=256)] = 16
    per_host: Annotated[int, Field(ge=1, le=32)] = 2
    http2: bool = True
    proxy: str | None = None
    allow_hosts: tuple[str, ...] = ()

    @field_validator("allow_hosts")
    @classmethod
    def _allow(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        parse_allow(v)
        return v


class ServiceSettings(_Strict):
    """The background service (``wirefeed run``)."""

    tick: str | int = "30s"
    lease: str | int = "10m"
    workers: Annotated[int, Field(ge=0, le=64)] = 0
    batch: Annotated[int, Field(ge=1, le=100_000)] = 200
    metrics_port: Annotated[int, Field(ge=0, le=65535)] = 0
    metrics_file: str | None = None

    @field_validator("tick", "lease")
    @classmethod
    def _tick(cls, v: str | int) -> str | int:
        parse_interval(v)
        return v


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
    robots: bool = True
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


# --- Sections: rules that file stories under sections (owned by the sections engine) ---------

RULE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.:/-]{0,79}$")
SectionRuleKind = Literal["keyword", "regex", "category", "url", "agency", "source"]
_TEXT_KINDS = ("keyword", "regex")


class SectionRule(_Strict):
    """One rule of a section: when any of ``match`` matches, the rule fires.

    A firing rule adds its ``weight`` to the section's score (the section is assigned when the
    score reaches its ``threshold``), or, with ``exclude = true``, keeps the story out of the
    section whatever else matched. ``fallback`` rules count only for stories that no other rule
    placed in any section.
    """

    id: str
    kind: SectionRuleKind
    match: tuple[str, ...]
    field: Literal["title", "lead", "both"] | None = None
    weight: Annotated[float, Field(ge=-100, le=100)] | None = None
    exclude: bool = False
    fallback: bool = False

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not RULE_ID_RE.match(v):
            raise ValueError(
                "must be a rule id: lowercase letters, digits and '-', '_', '.', ':' or '/'"
            )
        return v

    @field_validator("match", mode="before")
    @classmethod
    def _one_or_many(cls, v: object) -> object:
        return (v,) if isinstance(v, str) else v

    @field_validator("match")
    @classmethod
    def _regexes_compile(cls, v: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        if info.data.get("kind") == "regex":
            for pattern in v:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    rule = info.data.get("id", "?")
                    raise ValueError(
                        f"rule {rule!r}: invalid regular expression {pattern!r}: {exc}"
                    ) from None
        return v

    @model_validator(mode="after")
    def _consistent(self) -> SectionRule:
        terms = [t for t in self.match if t.strip()]
        if not terms or len(terms) != len(self.match):
            raise ValueError(f"rule {self.id!r}: match must list non-empty strings")
        if self.field is not None and self.kind not in _TEXT_KINDS:
            raise ValueError(f"rule {self.id!r}: field applies only to keyword and regex rules")
        if self.exclude and (self.weight is not None or self.fallback):
            raise ValueError(f"rule {self.id!r}: an exclusion takes no weight and no fallback")
        return self

    @property
    def score(self) -> float:
        """The weight this rule adds when it fires (1.0 unless set)."""
        return 1.0 if self.weight is None else self.weight

    @property
    def where(self) -> str:
        return self.field or "both"


class SectionSettings(_Strict):
    name: str
    slug: str
    keywords: tuple[str, ...] = ()
    threshold: Annotated[float, Field(gt=0, le=100)] = 1.0
    rules: tuple[SectionRule, ...] = ()

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.match(v):
            raise ValueError("must be a slug: lowercase letters, digits and '-', at most 63 chars")
        return v

    @property
    def keyword_rule_id(self) -> str:
        """The id of the rule that ``keywords`` stands for."""
        return f"keyword:{self.slug}"


class SectioningSettings(_Strict):
    """Settings of the sections engine as a whole (``[sectioning]``)."""

    max_per_story: Annotated[int, Field(ge=1, le=50)] | None = None


def section_rule_problems(
    sections: tuple[SectionSettings, ...], sources: tuple[SourceSettings, ...]
) -> list[str]:
    """Cross-checks of section rules: ids unique in the whole config, known source names."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    names = {s.name for s in sources}
    for sec in sections:
        for rule in sec.rules:
            where = f"sections ({sec.name}).rules ({rule.id})"
            if rule.id in seen or rule.id.startswith(("keyword:", "source:", "pin:")):
                first = seen.get(rule.id)
                why = f"also used in {first!r}" if first else "reserved prefix"
                problems.append(f"{where}.id: {rule.id!r} is not unique ({why})")
            seen.setdefault(rule.id, sec.name)
            if rule.kind == "source":
                for name in rule.match:
                    if name not in names:
                        problems.append(f"{where}.match: unknown source {name!r}")
    return problems


class Settings(_Strict):
    database: DatabaseSettings = DatabaseSettings()
    publish: PublishSettings = PublishSettings()
    fetch: FetchSettings = FetchSettings()
    service: ServiceSettings = ServiceSettings()
    sources: tuple[SourceSettings, ...] = ()
    sections: tuple[SectionSettings, ...] = ()
    sectioning: SectioningSettings = SectioningSettings()  # sections engine

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
        problems.extend(section_rule_problems(self.sections, self.sources))  # sections engine
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def section_by_key(self, key: str) -> SectionSettings | None:
        """The section whose name or slug is ``key``."""
        for sec in self.sections:
            if key in (sec.name, sec.slug):
                return sec
        return None
