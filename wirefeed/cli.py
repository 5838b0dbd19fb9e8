"""The ``wirefeed`` command line: parse arguments, call the jobs, print results.

Commands only parse, call and print (``--json`` where a machine reads the output); the work is
in ``wirefeed.jobs`` and the packages below it. Every command's help ends with an example.
Exit status: 0 when the command did its job, 1 when nothing could be done, 2 for usage errors,
a bad config or an unusable database.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

import click

from store.stories import count_stories
from wirefeed import __version__, jobs
from wirefeed.cli_sections import pin_cmd, sections_group, unpin_cmd
from wirefeed.cli_stories import stories_group
from wirefeed.context import Context, fail, pass_ctx
from wirefeed.logs import setup_logging


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    envvar="WIREFEED_CONFIG",
    help="Config file (TOML). Default: $WIREFEED_CONFIG, else ./wirefeed.toml, else defaults.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
@click.version_option(__version__, prog_name="wirefeed")
@click.pass_context
def cli(click_ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """Wirefeed: pull wire stories from feeds, attribute, section and dedupe them, publish a site.

    \b
    Example:
      wirefeed demo                      # see it work on a bundled corpus
      wirefeed --config news.toml ingest # one pass over your sources
    """
    setup_logging(logging.INFO if verbose else logging.ERROR)
    obj = click_ctx.ensure_object(Context)
    obj.config_path = config_path
    click_ctx.call_on_close(obj.close)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write e.g. 2026-11-27") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


@cli.command()
@click.option("--source", "names", multiple=True, metavar="NAME", help="Only this source.")
@click.option("--force", is_flag=True, help="Ignore ETag/Last-Modified: fetch everything again.")
@pass_ctx
def ingest(ctx: Context, names: tuple[str, ...], force: bool) -> None:
    """Run one ingest pass now over the enabled sources (or the named ones).

    Prints one line per source. Exits 1 only when every source failed.

    \b
    Example:
      wirefeed ingest --source reuters-world --source ap-top
    """
    try:
        selected = jobs.select_names(ctx.settings, names) if names else None
    except KeyError as exc:
        fail(f"unknown source(s): {exc.args[0]}; see 'wirefeed sources'")
    if not ctx.settings.sources:
        fail("no sources configured; add [[sources]] to the config (see config/example.toml)")
    results = jobs.ingest(ctx.db, ctx.settings, selected, force=force)
    for r in results:
        click.echo(r.line())
        for problem in r.problems:
            click.echo(f"  ! {problem}")
    if results and all(r.status in ("error", "skipped") for r in results):
        sys.exit(1)


@cli.command()
@click.option("--source", metavar="NAME", help="Only stories of this source.")
@click.option("--since", metavar="DATE", help="Only stories first seen on or after DATE.")
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
@pass_ctx
def reingest(ctx: Context, source: str | None, since: str | None, dry_run: bool) -> None:
    """Replay stored feeds and pages through the current stages and config.

    Use it after changing an extraction rule, a section or an agency default: no refetching.

    \b
    Example:
      wirefeed reingest --source reuters-world --since 2026-11-01 --dry-run
    """
    from rich.progress import Progress

    when = _since(since)
    total = count_stories(ctx.db, source=source, since=when)
    with Progress(transient=True, disable=total < 50 or not sys.stderr.isatty()) as bar:
        task = bar.add_task("reingest", total=total)
        changes = jobs.reingest(
            ctx.db,
            ctx.settings,
            source=source,
            since=when,
            dry_run=dry_run,
            progress=lambda: bar.advance(task),
        )
    changed = [c for c in changes if c.changes]
    failed = [c for c in changes if c.error]
    verb = "would change" if dry_run else "changed"
    for c in changed:
        click.echo(f"#{c.story_id} {c.title[:70]}: {verb} {', '.join(c.changes)}")
        for line in c.diff_lines():
            click.echo(line)
    for c in failed:
        click.echo(f"#{c.story_id} {c.title[:70]}: skipped: {c.error}")
    click.echo(
        f"{len(changes)} stories replayed: {len(changed)} {verb}, "
        f"{len(changes) - len(changed) - len(failed)} unchanged, {len(failed)} skipped"
    )


@cli.command()
@click.option("--full", is_flag=True, help="Rebuild every page, not only what changed.")
@pass_ctx
def publish(ctx: Context, full: bool) -> None:
    """Write the static site (pages and feeds) to the configured output_dir.

    \b
    Example:
      wirefeed publish && wirefeed serve
    """
    report = jobs.publish(ctx.db, ctx.settings, full=full)
    click.echo(
        f"published {report.stories} stories in {report.sections} sections to "
        f"{report.output_dir}: {report.files_written} files written, "
        f"{report.files_unchanged} unchanged, {report.files_removed} removed"
    )


@cli.command()
@click.option("--tick", type=float, help="Seconds between ticks (default: [service] tick).")
@click.option(
    "--log-format",
    type=click.Choice(["plain", "json"]),
    default="plain",
    show_default=True,
    help="json: one JSON object per line, with per-source counts and timings as fields.",
)
@pass_ctx
def run(ctx: Context, tick: float | None, log_format: str) -> None:
    """Run the background service: ingest due sources, publish what changed, until stopped.

    SIGTERM or SIGINT stop it cleanly after the work in flight; SIGHUP (or saving the config
    file) reloads the config, and an invalid new config is refused while the service goes on.

    \b
    Example:
      WIREFEED_CONFIG=/etc/wirefeed.toml wirefeed run --log-format json
    """
    from config import load_settings
    from wirefeed.service import Service, run_service

    setup_logging(logging.INFO, log_format)
    path = ctx.path
    service = Service(ctx.db, ctx.settings, loader=lambda: load_settings(path), config_path=path)
    run_service(service, tick_seconds=tick)


@cli.command()
@click.option("--port", default=8000, show_default=True, help="Port on 127.0.0.1.")
@pass_ctx
def serve(ctx: Context, port: int) -> None:
    """Preview the published site on http://127.0.0.1:PORT/ (Ctrl-C stops).

    \b
    Example:
      wirefeed serve --port 8080
    """
    from wirefeed.preview import serve_site

    serve_site(ctx.settings.publish.output_dir, port)


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source.")
@click.pass_context
def sources(click_ctx: click.Context, as_json: bool) -> None:
    """List the configured sources with their health: last success, last error, next due.

    A source that moved (permanent redirects, learned) is shown with the config change to make.

    \b
    Example:
      wirefeed sources --json
      wirefeed sources reset reuters-world
    """
    if click_ctx.invoked_subcommand is not None:
        return
    from store.sources import all_states
    from store.types import SourceState

    ctx = click_ctx.find_object(Context)
    assert ctx is not None
    states = all_states(ctx.db)
    rows = []
    for src in ctx.settings.sources:
        st = states.get(src.name) or SourceState(name=src.name)
        rows.append(
            {
                "name": src.name,
                "enabled": src.enabled,
                "health": st.health,
                "health_reason": st.health_reason,
                "last_success": st.last_success.isoformat() if st.last_success else None,
                "last_error": st.last_error,
                "errors": st.error_count,
                "next_due": st.next_due.isoformat() if st.next_due else "now",
                "url": src.url,
                "moved_to": st.moved_to if st.moved_count >= 3 else None,
            }
        )
    if as_json:
        for row in rows:
            click.echo(json.dumps(row))
        return
    if not rows:
        click.echo("no sources configured")
    for row in rows:
        flag = "" if row["enabled"] else " (disabled)"
        click.echo(
            f"{row['name']}{flag}: {row['health']}, last success {row['last_success'] or 'never'}"
            f", next due {row['next_due']}"
        )
        if row["last_error"]:
            click.echo(f"  last error ({row['errors']} in a row): {row['last_error']}")
        if row["moved_to"]:
            click.echo(f'  moved permanently: set url = "{row["moved_to"]}" in the config')


@sources.command("reset")
@click.argument("name")
@pass_ctx
def sources_reset(ctx: Context, name: str) -> None:
    """Revive a source: clear its errors and health, make it due now.

    \b
    Example:
      wirefeed sources reset reuters-world
    """
    from store.sources import reset_source

    if name not in {s.name for s in ctx.settings.sources}:
        fail(f"unknown source {name!r}; see 'wirefeed sources'")
    if not reset_source(ctx.db, name):
        click.echo(f"{name}: nothing to reset (never fetched)")
        return
    click.echo(f"{name}: reset; due now")


@cli.group("config")
def config_group() -> None:
    """Check the configuration."""


@config_group.command("check")
@pass_ctx
def config_check(ctx: Context) -> None:
    """Validate the config file; exit non-zero and list every problem if it is invalid.

    \b
    Example:
      wirefeed --config news.toml config check
    """
    settings = ctx.settings
    where = ctx.path or "built-in defaults"
    click.echo(
        f"{where}: OK: {len(settings.sources)} sources "
        f"({sum(s.enabled for s in settings.sources)} enabled), {len(settings.sections)} sections"
    )


@cli.command()
@click.option(
    "--dir", "directory", default=".", show_default=True, help="Where to put the db/site."
)
@click.option("--port", default=8765, show_default=True, help="Port for the demo feed server.")
def demo(directory: str, port: int) -> None:
    """Ingest a bundled demo corpus from a local server, publish it, and say where the site is.

    The demo writes wirefeed.db and site/ in --dir, so that 'wirefeed stories export' and
    'wirefeed serve' run there afterwards work on it without flags.

    \b
    Example:
      wirefeed demo && wirefeed serve
    """
    from wirefeed.demo import run_demo

    sys.exit(run_demo(directory, port, echo=click.echo))


cli.add_command(stories_group)
cli.add_command(sections_group)
stories_group.add_command(pin_cmd)
stories_group.add_command(unpin_cmd)


def main() -> None:
    cli(prog_name="wirefeed")


if __name__ == "__main__":
    main()
