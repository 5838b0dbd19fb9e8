"""``wirefeed stories``: list, show and export stored stories.

``stories export`` is a contract read by checks outside this repo: JSON Lines on stdout, one
object per story with the keys in ``EXPORT_KEYS``; missing values are null, never "".
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from store import stories as store_stories
from store.types import StoredStory
from wirefeed.context import Context, fail, pass_ctx

EXPORT_KEYS = (
    "id",
    "source",
    "guid",
    "url",
    "canonical_url",
    "title",
    "published",
    "agency",
    "dateline",
    "byline",
    "sections",
    "body_text",
    "body_html",
    "also_at",
    "revisions",
    "first_seen",
    "updated",
)


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _or_none(value: str | None) -> str | None:
    return value if value else None


def export_record(story: StoredStory) -> dict[str, Any]:
    """The export contract's object for one story."""
    return {
        "id": story.id,
        "source": story.source,
        "guid": story.guid,
        "url": _or_none(story.url),
        "canonical_url": _or_none(story.canonical_url),
        "title": _or_none(story.title),
        "published": _iso(story.published),
        "agency": _or_none(story.agency),
        "dateline": _or_none(story.dateline),
        "byline": _or_none(story.byline),
        "sections": list(story.sections),
        "body_text": _or_none(story.body_text),
        "body_html": _or_none(story.body_html),
        "also_at": [{"source": a.source, "url": a.url} for a in story.also_at],
        "revisions": story.revisions,
        "first_seen": _iso(story.first_seen),
        "updated": _iso(story.updated),
    }


@click.group("stories")
def stories_group() -> None:
    """List, show and export stored stories."""


@stories_group.command("list")
@click.option("--section", metavar="S", help="Only stories in this section (name or slug).")
@click.option("--source", metavar="NAME", help="Only stories of this source.")
@click.option("--limit", default=50, show_default=True, help="At most this many.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines (the export format).")
@pass_ctx
def list_cmd(
    ctx: Context, section: str | None, source: str | None, limit: int, as_json: bool
) -> None:
    """List stored stories, newest first.

    \b
    Example:
      wirefeed stories list --section "World News" --limit 10
    """
    if section is not None:
        found = ctx.settings.section_by_key(section)
        section = found.name if found else section
    for story in store_stories.list_stories(ctx.db, section=section, source=source, limit=limit):
        if as_json:
            click.echo(json.dumps(export_record(story), ensure_ascii=False))
        else:
            credit = story.credit_line or story.agency or story.source
            sections = ", ".join(story.sections) or "-"
            click.echo(f"#{story.id} {story.date:%Y-%m-%d %H:%M} [{sections}] {story.title}")
            click.echo(f"    {credit} | {story.source} | {story.url or ''}")


@stories_group.command("export")
@pass_ctx
def export_cmd(ctx: Context) -> None:
    """Write every stored story to stdout as JSON Lines (one object per story).

    Keys: id, source, guid, url, canonical_url, title, published, agency, dateline, byline,
    sections, body_text, body_html, also_at, revisions, first_seen, updated.

    \b
    Example:
      wirefeed stories export > stories.jsonl
    """
    for story in store_stories.list_stories(ctx.db):
        click.echo(json.dumps(export_record(story), ensure_ascii=False))


@stories_group.command("show")
@click.argument("story_id", type=int)
@pass_ctx
def show_cmd(ctx: Context, story_id: int) -> None:
    """Show one story: its fields, the evidence for its attribution and its section rules.

    \b
    Example:
      wirefeed stories show 42
    """
    story = store_stories.get_story(ctx.db, story_id)
    details = store_stories.story_details(ctx.db, story_id)
    if story is None or details is None:
        fail(f"no story with id {story_id}", code=1)
        return
    record = export_record(story)
    record.pop("body_html")
    for key, value in record.items():
        if key != "body_text":
            click.echo(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    click.echo(f"credit_line: {json.dumps(story.credit_line)}")
    click.echo(f"contributors: {json.dumps(details['contributors'])}")
    click.echo("evidence:")
    for item in details["evidence"]:
        click.echo(f"  {item[0]}: rule {item[1]} on {item[2]!r}")
    click.echo("sections:")
    for section, rule, matched in details["section_rules"]:
        click.echo(f"  {section}: rule {rule}" + (f" matched {matched!r}" if matched else ""))
    click.echo("")
    click.echo(story.body_text)


@stories_group.command("revisions")
@click.argument("story_id", type=int)
@pass_ctx
def revisions_cmd(ctx: Context, story_id: int) -> None:
    """Show a story's revision history: when it changed, how (correction or substantive), the diff.

    Cosmetic changes (whitespace, tracking parameters, timestamps, image URLs) are applied
    silently and not listed; only substantive ones mark the story "Updated".

    \b
    Example:
      wirefeed stories revisions 42
    """
    from store.revisions import list_revisions

    story = store_stories.get_story(ctx.db, story_id)
    if story is None:
        fail(f"no story with id {story_id}", code=1)
        return
    history = list_revisions(ctx.db, story_id)
    click.echo(f"#{story.id} {story.title}")
    click.echo(f"  first seen {_iso(story.first_seen)}, updated {_iso(story.updated)}")
    if not history:
        click.echo("  no recorded revisions")
    for rev in history:
        click.echo(f"  {_iso(rev.seen_at)} {rev.kind}: was {rev.title!r}")
        for line in rev.diff.splitlines():
            click.echo(f"    {line}")
