"""``wirefeed sections`` (review, explain, report) and ``wirefeed stories pin/unpin``.

Commands only read the store, call the pure rule engine (``ingest.sections``) and print;
``explain`` re-runs the current rules on what the store kept of a story (its title, lead, URLs,
agency, and the feed item's categories read back from the stored feed), so it also shows the
rules that came close. Nothing here changes a story's rule-made sections: that is ``reingest``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from config.settings import Settings
from ingest.dedupe import entry_identity
from ingest.errors import IngestError
from ingest.parse import parse_feed
from ingest.sections import SectionVerdict, StoryFacts, explain_sections
from store import blobs
from store import sections as store_sections
from store import stories as store_stories
from store.db import Database
from store.types import StoredStory
from wirefeed.context import Context, fail, pass_ctx


@click.group("sections")
def sections_group() -> None:
    """Review, explain and report how stories are filed under sections."""


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


@sections_group.command("review")
@click.option("--limit", type=int, default=None, help="At most this many (default: all).")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one object per story.")
@pass_ctx
def review_cmd(ctx: Context, limit: int | None, as_json: bool) -> None:
    """List the review queue: stories that no rule placed and no editor pinned, newest first.

    Place them by adding a rule (then 'wirefeed reingest') or by pinning them.

    \b
    Example:
      wirefeed sections review --limit 20
    """
    queue = store_sections.review_queue(ctx.db, limit=limit)
    for item in queue:
        if as_json:
            record = {
                "id": item.id,
                "source": item.source,
                "title": item.title,
                "url": item.url,
                "agency": item.agency,
                "date": _iso(item.date),
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(f"#{item.id} {item.date:%Y-%m-%d %H:%M} {item.source}: {item.title}")
            click.echo(f"    {item.agency or 'no agency'} | {item.url or ''}")
    if not as_json:
        total = store_sections.count_unplaced(ctx.db)
        if total == 0:
            click.echo("review queue is empty: every story is in at least one section")
        else:
            click.echo(
                f"{total} {'story' if total == 1 else 'stories'} in no section; pin with: "
                "wirefeed stories pin ID --section NAME"
            )


def story_facts(db: Database, story: StoredStory) -> tuple[StoryFacts, str | None]:
    """What the rules see of a stored story, and why the feed categories are missing if they are.

    The lead is the first paragraph of the stored body, as at ingest; the categories come from
    the feed item, read back from the stored feed.
    """
    tags: tuple[str, ...] = ()
    problem: str | None = None
    details = store_stories.story_details(db, story.id) or {}
    digest = details.get("feed_blob")
    blob = blobs.get_blob(db, str(digest)) if digest else None
    if blob is None:
        problem = "the stored feed is missing: category rules not evaluated"
    else:
        try:
            feed = parse_feed(blob.data, blob.url or "", blob.content_type)
        except IngestError as exc:
            problem = f"the stored feed does not parse ({exc}): category rules not evaluated"
        else:
            entry = next((e for e in feed.entries if entry_identity(e) == story.guid), None)
            if entry is None:
                problem = "the item is gone from its stored feed: category rules not evaluated"
            else:
                tags = entry.tags
    facts = StoryFacts(
        title=story.title,
        lead=story.body_text.split("\n\n", 1)[0],
        source=story.source,
        urls=tuple(u for u in (story.url, story.canonical_url) if u),
        tags=tags,
        agency=story.agency,
    )
    return facts, problem


def _verdicts(settings: Settings, facts: StoryFacts) -> tuple[SectionVerdict, ...]:
    defaults: tuple[str, ...] = ()
    for src in settings.sources:
        if src.name == facts.source:
            defaults = src.sections
    return explain_sections(
        facts,
        sections=settings.sections,
        source_sections=defaults,
        max_sections=settings.sectioning.max_per_story,
    )


def _describe(v: SectionVerdict) -> str:
    fired = ", ".join(
        f"{r.rule_id} {r.matched!r}"
        + (" (exclusion)" if r.exclude else f" {r.weight:+g}")
        + (
            ""
            if not r.fallback
            else " (fallback)"
            if v.fallback_counted
            else " (fallback, not counted)"
        )
        for r in v.fired
    )
    status = {
        "assigned": f"assigned by {v.hit.rule_id}" if v.hit else "assigned",
        "capped": "qualified, dropped by [sectioning] max_per_story",
        "excluded": "excluded",
        "below-threshold": "below the threshold",
        "no-match": "no rule fired",
    }[v.status]
    return f"{v.section}: {status}; score {v.score:g} of {v.threshold:g}: {fired}"


@sections_group.command("explain")
@click.argument("story_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@pass_ctx
def explain_cmd(ctx: Context, story_id: int, as_json: bool) -> None:
    """Say why a story is in its sections: the stored rule and matched text of each, its pins,
    and what the current rules give (with the rules that fired but did not reach a threshold).

    \b
    Example:
      wirefeed sections explain 42
    """
    story = store_stories.get_story(ctx.db, story_id)
    details = store_stories.story_details(ctx.db, story_id)
    if story is None or details is None:
        fail(f"no story with id {story_id}", code=1)
        return
    pins = store_sections.pins_of(ctx.db, story_id)
    facts, problem = story_facts(ctx.db, story)
    verdicts = _verdicts(ctx.settings, facts)
    stored = [tuple(r) for r in details["section_rules"]]
    if as_json:
        click.echo(json.dumps(_explain_record(story, stored, pins, verdicts, problem)))
        return
    click.echo(f"#{story.id} {story.title}")
    click.echo(f"    source {story.source}, agency {story.agency or '-'}, tags {list(facts.tags)}")
    click.echo("stored sections:")
    for section, rule, matched in stored:
        click.echo(f"  {section}: rule {rule}" + (f" matched {matched!r}" if matched else ""))
    for section in pins:
        click.echo(f"  {section}: pinned by an editor")
    if not stored and not pins:
        click.echo("  none: the story is in the review queue (wirefeed sections review)")
    click.echo("current rules:")
    for v in verdicts:
        if v.status != "no-match":
            click.echo(f"  {_describe(v)}")
    quiet = [v.section for v in verdicts if v.status == "no-match"]
    if quiet:
        click.echo(f"  no rule fired for: {', '.join(quiet)}")
    if problem:
        click.echo(f"  note: {problem}")
    now = sorted(v.section for v in verdicts if v.status == "assigned")
    if now != sorted(s for s, _r, _m in stored):
        click.echo("the current rules place it differently: run 'wirefeed reingest' to apply them")


def _explain_record(
    story: StoredStory,
    stored: list[tuple[Any, ...]],
    pins: list[str],
    verdicts: tuple[SectionVerdict, ...],
    problem: str | None,
) -> dict[str, Any]:
    return {
        "id": story.id,
        "stored": [{"section": s, "rule_id": r, "matched": m} for s, r, m in stored],
        "pinned": pins,
        "current": [
            {
                "section": v.section,
                "status": v.status,
                "score": v.score,
                "threshold": v.threshold,
                "rule_id": v.hit.rule_id if v.hit else None,
                "fired": [
                    {
                        "rule_id": r.rule_id,
                        "matched": r.matched,
                        "weight": r.weight,
                        "exclude": r.exclude,
                        "fallback": r.fallback,
                        "counted": not r.exclude and (v.fallback_counted or not r.fallback),
                    }
                    for r in v.fired
                ],
            }
            for v in verdicts
        ],
        "note": problem,
    }


def configured_rule_ids(settings: Settings) -> list[tuple[str, str]]:
    """Every (rule id, section) the config can record, in config order."""
    out: list[tuple[str, str]] = []
    for src in settings.sources:
        for key in src.sections:
            sec = settings.section_by_key(key)
            out.append((f"source:{src.name}", sec.name if sec else key))
    for sec in settings.sections:
        if sec.keywords:
            out.append((sec.keyword_rule_id, sec.name))
        out.extend((rule.id, sec.name) for rule in sec.rules if not rule.exclude)
    return out


@sections_group.command("report")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one object per rule.")
@pass_ctx
def report_cmd(ctx: Context, as_json: bool) -> None:
    """Print how many stored stories each rule placed, per section, then the rules that placed
    nothing and the size of the review queue.

    A story placed by several rules counts once, under the rule recorded for it (the heaviest
    that fired); pins count under the rule "pin".

    \b
    Example:
      wirefeed sections report
    """
    hits = store_sections.rule_hits(ctx.db)
    used = {(h.rule_id, h.section) for h in hits}
    idle = [(r, s) for r, s in configured_rule_ids(ctx.settings) if (r, s) not in used]
    unplaced = store_sections.count_unplaced(ctx.db)
    if as_json:
        for h in hits:
            click.echo(
                json.dumps({"rule_id": h.rule_id, "section": h.section, "stories": h.stories})
            )
        for rule_id, section in idle:
            click.echo(json.dumps({"rule_id": rule_id, "section": section, "stories": 0}))
        click.echo(json.dumps({"rule_id": None, "section": None, "stories": unplaced}))
        return
    width = max([len(h.rule_id) for h in hits] + [4])
    click.echo(f"{'rule':<{width}}  {'stories':>7}  section")
    for h in hits:
        click.echo(f"{h.rule_id:<{width}}  {h.stories:>7}  {h.section}")
    if idle:
        click.echo(
            "rules recorded for no story (they may still fire beside a heavier or earlier rule; "
            "see 'wirefeed sections explain ID'): " + ", ".join(f"{r} ({s})" for r, s in idle)
        )
    click.echo(f"review queue: {unplaced} {'story' if unplaced == 1 else 'stories'} in no section")


def _section_name(settings: Settings, key: str) -> str:
    found = settings.section_by_key(key)
    if found is None:
        known = ", ".join(repr(s.name) for s in settings.sections) or "none configured"
        fail(f"unknown section {key!r}; sections: {known}", code=2)
        raise AssertionError("unreachable")
    return found.name


@click.command("pin")
@click.argument("story_id", type=int)
@click.option("--section", "section", required=True, metavar="S", help="Section name or slug.")
@pass_ctx
def pin_cmd(ctx: Context, story_id: int, section: str) -> None:
    """Pin a story to a section by hand; the pin survives re-ingest and rule changes.

    \b
    Example:
      wirefeed stories pin 42 --section "Editor's Pick" && wirefeed publish
    """
    name = _section_name(ctx.settings, section)
    if store_stories.get_story(ctx.db, story_id) is None:
        fail(f"no story with id {story_id}", code=1)
    if store_sections.pin(ctx.db, story_id, name, now=datetime.now(UTC)):
        click.echo(f"pinned #{story_id} to {name}; run 'wirefeed publish' to update the site")
    else:
        click.echo(f"#{story_id} was already pinned to {name}")


@click.command("unpin")
@click.argument("story_id", type=int)
@click.option("--section", "section", required=True, metavar="S", help="Section name or slug.")
@pass_ctx
def unpin_cmd(ctx: Context, story_id: int, section: str) -> None:
    """Remove an editor's pin; the story keeps the sections its rules give it.

    \b
    Example:
      wirefeed stories unpin 42 --section editors-pick
    """
    found = ctx.settings.section_by_key(section)
    name = found.name if found else section  # a pin to a section since removed from the config
    if not store_sections.unpin(ctx.db, story_id, name):
        fail(f"story #{story_id} is not pinned to {name}", code=1)
    click.echo(f"unpinned #{story_id} from {name}; run 'wirefeed publish' to update the site")
