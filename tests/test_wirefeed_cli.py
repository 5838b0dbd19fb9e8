"""End to end through the real CLI: a local server with the demo corpus plus broken sources.

Each test drives ``python -m wirefeed.cli`` in a subprocess, as an operator would, against feeds
and pages served on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from publish.linkcheck import check_links
from tests.conftest import demo_config, run_cli
from wirefeed.demo import DEMO_DATA
from wirefeed.demo_server import DemoServer, serve_directory

CHROME = (
    "previous post",
    "next post",
    "You may also like",
    "Recent Posts",
    "newsletter",
    "Subscription",
    "Privacy Policy",
    "Back To Top",
    "All Rights Reserved",
)
BROKEN = """
[[sources]]
name = "not-a-feed"
url = "{base}/broken/page.xml"

[[sources]]
name = "server-down"
url = "{base}/broken/down.xml"

[[sources]]
name = "gone"
url = "{base}/broken/missing.xml"
"""


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    routes = {
        "/broken/page.xml": (200, {"Content-Type": "text/html"}, b"<html><p>Hello</p></html>"),
        "/broken/down.xml": (500, {}, b"internal error"),
    }
    with serve_directory(DEMO_DATA / "site", routes=routes) as srv:
        yield srv


def _config(tmp: Path, base: str, extra: str = BROKEN) -> Path:
    return demo_config(tmp, base, extra)


wirefeed = run_cli


def _export(config: Path) -> list[dict[str, Any]]:
    out = wirefeed(config, "stories", "export")
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


@pytest.fixture(scope="module")
def ingested(server: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("e2e")
    config = _config(tmp, server.base_url)
    first = wirefeed(config, "ingest")
    return {"config": config, "tmp": tmp, "first": first, "stories": _export(config)}


def test_ingest_reports_one_line_per_source_and_survives_broken_ones(
    ingested: dict[str, Any],
) -> None:
    first = ingested["first"]
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    counts = {}
    for line in lines:
        if " new, " in line:
            name, rest = line.split(": ", 1)
            counts[name] = [int(part.split()[0]) for part in rest.split(", ")[:4]]
    assert sorted(counts) == ["harbor-daily", "meridian-post", "northgate-wire", "secret-ledger"]
    assert sum(c[0] for c in counts.values()) == 14  # new
    assert sum(c[2] for c in counts.values()) == 1  # the FTSE story, carried twice
    assert any(line.startswith("not-a-feed: error: parse: not-a-feed:") for line in lines)
    assert any(
        line.startswith("server-down: error: fetch: server-down: HTTP 500") for line in lines
    )
    assert any(line.startswith("gone: error: fetch: gone: HTTP 404") for line in lines)


def test_export_contract(ingested: dict[str, Any]) -> None:
    stories = ingested["stories"]
    assert len(stories) == 14
    keys = [
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
    ]
    for story in stories:
        assert list(story) == keys
        assert "" not in story.values()
        assert story["published"].endswith("Z") and story["first_seen"].endswith("Z")
        assert story["sections"], story["title"]
    agencies = sorted(s["agency"] or "-" for s in stories)
    assert agencies.count("Reuters") == 5 and agencies.count("Associated Press") == 3
    assert agencies.count("AFP") == 3 and agencies.count("Bloomberg") == 2 and "-" in agencies


def test_the_seed_story_is_attributed_and_clean(ingested: dict[str, Any]) -> None:
    [seed] = [s for s in ingested["stories"] if s["title"].startswith("Blinken to raise")]
    assert (seed["agency"], seed["dateline"], seed["byline"]) == ("Reuters", "WASHINGTON", None)
    assert sorted(seed["sections"]) == ["Politics", "World News"]
    text = seed["body_text"]
    assert text.startswith("US Secretary of State Antony Blinken on an upcoming visit")
    assert text.endswith("in Italy this week, he added.")
    assert "— Reuters" not in text and "April 17, 2024" not in text
    for phrase in CHROME:
        assert phrase.lower() not in text.lower(), phrase
    assert "<script" not in seed["body_html"]


def test_same_wire_story_from_two_outlets_is_stored_once(ingested: dict[str, Any]) -> None:
    ftse = [s for s in ingested["stories"] if "FTSE 100" in s["title"]]
    assert len(ftse) == 1
    assert [a["source"] for a in ftse[0]["also_at"]] in (["harbor-daily"], ["secret-ledger"])


def test_second_ingest_adds_no_rows(ingested: dict[str, Any]) -> None:
    again = wirefeed(ingested["config"], "ingest")
    assert again.returncode == 0
    assert again.stdout.count(": not modified") == 4  # conditional GET: 304 for every feed
    assert len(_export(ingested["config"])) == len(ingested["stories"])
    forced = wirefeed(ingested["config"], "ingest", "--force", "--source", "harbor-daily")
    assert forced.stdout.startswith("harbor-daily: 0 new, 0 updated, 0 duplicate, 4 unchanged")


def test_publish_writes_a_site_with_sections_and_no_broken_links(
    ingested: dict[str, Any],
) -> None:
    out = wirefeed(ingested["config"], "publish")
    assert out.returncode == 0, out.stderr
    site = ingested["tmp"] / "site"
    world = (site / "section" / "world" / "index.html").read_text(encoding="utf-8")
    assert "Blinken to raise China" in world
    pages = list(site.glob("2026/*/*/blinken-to-raise-*/index.html"))
    assert len(pages) == 1
    page = pages[0].read_text(encoding="utf-8")
    assert "— Reuters" in page and "WASHINGTON" in page
    assert "/ledger/2026/" in page  # link to the original
    assert (site / "section" / "world" / "feed.xml").exists()
    assert check_links(site) == []


def test_stories_list_by_section(ingested: dict[str, Any]) -> None:
    out = wirefeed(ingested["config"], "stories", "list", "--section", "world", "--json")
    titles = [json.loads(line)["title"] for line in out.stdout.splitlines()]
    assert any(t.startswith("Blinken") for t in titles)
    assert all("World News" in json.loads(line)["sections"] for line in out.stdout.splitlines())


def test_stories_show_explains_attribution(ingested: dict[str, Any]) -> None:
    [seed] = [s for s in ingested["stories"] if s["title"].startswith("Blinken to raise")]
    out = wirefeed(ingested["config"], "stories", "show", str(seed["id"]))
    assert out.returncode == 0
    assert "agency: rule" in out.stdout and "keyword:world" in out.stdout


def test_sources_shows_health(ingested: dict[str, Any]) -> None:
    out = wirefeed(ingested["config"], "sources")
    assert "harbor-daily: healthy" in out.stdout
    assert "server-down: degraded" in out.stdout and "HTTP 500" in out.stdout


def test_reingest_dry_run_after_a_config_change(ingested: dict[str, Any]) -> None:
    config: Path = ingested["config"]
    text = config.read_text(encoding="utf-8")
    changed = config.parent / "changed.toml"
    changed.write_text(
        text.replace('"Kremlin", "Beijing",', '"Kremlin", "Beijing", "Treasuries",'),
        encoding="utf-8",
    )
    dry = wirefeed(changed, "reingest", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "Bond investors pile into long-dated Treasuries" in dry.stdout
    assert "would change sections" in dry.stdout
    assert '-> "Editor\'s Pick, Investing, World News"' in dry.stdout
    assert dry.stdout.splitlines()[-1] == (
        "14 stories replayed: 1 would change, 13 unchanged, 0 skipped"
    )

    def bond_sections(cfg: Path) -> list[str]:
        [bond] = [s for s in _export(cfg) if s["title"].startswith("Bond investors")]
        return sorted(bond["sections"])

    assert bond_sections(config) == ["Editor's Pick", "Investing"]  # the dry run wrote nothing
    real = wirefeed(changed, "reingest")
    assert real.stdout.splitlines()[-1].startswith("14 stories replayed: 1 changed")
    assert bond_sections(config) == ["Editor's Pick", "Investing", "World News"]
    again = wirefeed(changed, "reingest")
    assert again.stdout.splitlines()[-1].startswith("14 stories replayed: 0 changed")


def test_every_source_failing_exits_non_zero(server: DemoServer, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "x.db"}"\n'
        + f'[fetch]\nallow_hosts = ["{server.base_url}"]\n'
        + BROKEN.replace("{base}", server.base_url),
        encoding="utf-8",
    )
    out = wirefeed(config, "ingest")
    assert out.returncode == 1
    assert len(out.stdout.splitlines()) == 3
    assert "blocked" not in out.stdout  # they failed for their own reasons


def test_bad_config_is_one_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "typo.toml"
    config.write_text('[[sources]]\nname = "x"\nurl = "https://x.example/"\nintervall = "5m"\n')
    out = wirefeed(config, "config", "check")
    assert out.returncode == 2
    assert "sources[0] (x).intervall: unknown key" in out.stderr
    assert "Traceback" not in out.stderr


def test_every_command_has_an_example_in_its_help() -> None:
    from click.testing import CliRunner

    from wirefeed.cli import cli

    commands = [
        "ingest",
        "reingest",
        "publish",
        "run",
        "serve",
        "sources",
        "demo",
        "stories list",
        "stories export",
        "stories show",
        "config check",
    ]
    for command in commands:
        result = CliRunner().invoke(cli, [*command.split(), "--help"])
        assert result.exit_code == 0, command
        assert "Example:" in result.output, command


def test_stories_revisions_command(ingested: dict[str, Any]) -> None:
    story = ingested["stories"][0]
    out = wirefeed(ingested["config"], "stories", "revisions", str(story["id"]))
    assert out.returncode == 0
    assert out.stdout.startswith(f"#{story['id']} ") and "no recorded revisions" in out.stdout
