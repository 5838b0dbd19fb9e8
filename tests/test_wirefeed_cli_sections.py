"""``wirefeed sections review|explain|report`` and ``stories pin|unpin`` on the ingested demo.

Runs the CLI in-process (click's runner) against the demo corpus served on 127.0.0.1, with the
demo config changed so that one story lands in no section and one rule comes close.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from store.db import open_database
from tests.test_store_sections import apply_pin_schema
from wirefeed.cli import cli
from wirefeed.cli_sections import pin_cmd, sections_group, unpin_cmd
from wirefeed.cli_stories import stories_group
from wirefeed.demo import DEMO_DATA
from wirefeed.demo_server import serve_directory

# Until the lead registers them in wirefeed/cli.py (adding a command twice is harmless).
cli.add_command(sections_group)
stories_group.add_command(pin_cmd)
stories_group.add_command(unpin_cmd)

COUNCIL_RULE = """
[[sections.rules]]
id = "politics-council-title"
kind = "keyword"
field = "title"
match = "council"
weight = 0.5
"""


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("sections")
    db_url = f"sqlite:///{tmp / 'wf.db'}"
    with serve_directory(DEMO_DATA / "site") as server:
        text = (DEMO_DATA / "demo.toml").read_text(encoding="utf-8")
        text = (
            text.replace("{base}", server.base_url)
            .replace("{db_url}", db_url)
            .replace("{output_dir}", str(tmp / "site"))
        )
        # Politics keeps one keyword and gains a weak rule: the council story lands nowhere.
        text, n = re.subn(
            r'(slug = "politics"\nkeywords = )\[[^\]]*\]', r'\1["State Department"]', text
        )
        assert n == 1
        text = text.replace('["State Department"]', '["State Department"]\n' + COUNCIL_RULE, 1)
        config = tmp / "wirefeed.toml"
        config.write_text(text, encoding="utf-8")
        ingested = run(config, "ingest")
        assert ingested.exit_code == 0, ingested.output
    db = open_database(db_url)
    apply_pin_schema(db)
    db.close()
    stories = [json.loads(line) for line in run(config, "stories", "export").output.splitlines()]
    yield {"config": config, "stories": stories}


def _id(demo: dict[str, Any], title_start: str) -> int:
    [story] = [s for s in demo["stories"] if s["title"].startswith(title_start)]
    return int(story["id"])


def _sections(demo: dict[str, Any], story_id: int) -> list[str]:
    out = run(demo["config"], "stories", "list", "--json", "--limit", "100")
    [story] = [json.loads(line) for line in out.output.splitlines() if f'"id": {story_id},' in line]
    return sorted(story["sections"])


def test_review_lists_the_story_no_rule_placed(demo: dict[str, Any]) -> None:
    council = _id(demo, "Harbor council")
    out = run(demo["config"], "sections", "review")
    assert out.exit_code == 0
    assert out.output.startswith(f"#{council} 2026-11-25 07:30 harbor-daily: Harbor council")
    assert out.output.splitlines()[-1].startswith("1 story in no section")
    [record] = [
        json.loads(x)
        for x in run(demo["config"], "sections", "review", "--json").output.splitlines()
    ]
    assert (record["id"], record["source"], record["date"]) == (
        council,
        "harbor-daily",
        "2026-11-25T07:30:00Z",
    )


def test_explain_gives_rules_matched_text_and_near_misses(demo: dict[str, Any]) -> None:
    seed = _id(demo, "Blinken to raise")
    out = run(demo["config"], "sections", "explain", str(seed))
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert "  World News: rule keyword:world matched 'China'" in lines
    assert "  Politics: rule keyword:politics matched 'State Department'" in lines
    assert any(
        line.startswith("  World News: assigned by keyword:world; score 2 of 1")
        and "world-category 'World News' +1" in line
        for line in lines
    )
    council = _id(demo, "Harbor council")
    near = run(demo["config"], "sections", "explain", str(council)).output
    assert "none: the story is in the review queue" in near
    assert "Politics: below the threshold; score 0.5 of 1: politics-council-title 'council'" in near
    record = json.loads(run(demo["config"], "sections", "explain", str(council), "--json").output)
    [politics] = [c for c in record["current"] if c["section"] == "Politics"]
    assert (politics["status"], politics["score"], politics["rule_id"]) == (
        "below-threshold",
        0.5,
        None,
    )
    assert record["stored"] == [] and record["pinned"] == []


def test_explain_shows_a_fallback_that_did_not_count(demo: dict[str, Any]) -> None:
    bond = _id(demo, "Bond investors")
    out = run(demo["config"], "sections", "explain", str(bond)).output
    assert "investing-bloomberg-default 'Bloomberg' +1 (fallback, not counted)" in out


def test_report_counts_hits_per_rule(demo: dict[str, Any]) -> None:
    out = run(demo["config"], "sections", "report")
    assert out.exit_code == 0
    rows = {
        (parts[0], " ".join(parts[2:])): int(parts[1])
        for parts in (line.split() for line in out.output.splitlines()[1:])
        if len(parts) >= 3 and parts[1].isdigit()
    }
    assert rows[("keyword:world", "World News")] == 2
    assert rows[("source:meridian-post", "Editor's Pick")] == 4
    assert rows[("keyword:politics", "Politics")] == 1  # the seed story: "State Department"
    assert "politics-council-title (Politics)" in out.output  # fired, placed nothing
    assert out.output.splitlines()[-1] == "review queue: 1 story in no section"
    records = [
        json.loads(x)
        for x in run(demo["config"], "sections", "report", "--json").output.splitlines()
    ]
    assert {"rule_id": None, "section": None, "stories": 1} in records


def test_pin_takes_a_story_out_of_review_and_survives_reingest(demo: dict[str, Any]) -> None:
    config = demo["config"]
    council = _id(demo, "Harbor council")
    out = run(config, "stories", "pin", str(council), "--section", "editors-pick")
    assert out.exit_code == 0 and out.output.startswith(f"pinned #{council} to Editor's Pick")
    again = run(config, "stories", "pin", str(council), "--section", "Editor's Pick")
    assert "already pinned" in again.output
    assert _sections(demo, council) == ["Editor's Pick"]
    assert run(config, "sections", "review").output.startswith("review queue is empty")
    world = run(config, "stories", "list", "--section", "editors-pick", "--json").output
    assert f'"id": {council},' in world
    replay = run(config, "reingest")
    assert replay.exit_code == 0, replay.output
    assert _sections(demo, council) == ["Editor's Pick"]
    explained = run(config, "sections", "explain", str(council)).output
    assert "  Editor's Pick: pinned by an editor" in explained
    report = run(config, "sections", "report").output
    assert any(line.split()[:2] == ["pin", "1"] for line in report.splitlines())
    out = run(config, "stories", "unpin", str(council), "--section", "Editor's Pick")
    assert out.exit_code == 0
    assert _sections(demo, council) == []
    assert run(config, "sections", "review").output.startswith(f"#{council} ")


def test_pin_refusals(demo: dict[str, Any]) -> None:
    config = demo["config"]
    seed = _id(demo, "Blinken to raise")
    bad = run(config, "stories", "pin", str(seed), "--section", "Gardening")
    assert bad.exit_code == 2 and "unknown section 'Gardening'" in bad.output
    assert "'World News'" in bad.output
    missing = run(config, "stories", "pin", "9999", "--section", "world")
    assert missing.exit_code == 1 and "no story with id 9999" in missing.output
    never = run(config, "stories", "unpin", str(seed), "--section", "world")
    assert never.exit_code == 1 and "is not pinned to World News" in never.output
    gone = run(config, "sections", "explain", "9999")
    assert gone.exit_code == 1


def test_every_command_help_ends_with_an_example() -> None:
    for command in (*sections_group.commands.values(), pin_cmd, unpin_cmd):
        assert command.help and "Example:" in command.help.rsplit("\n\n", 1)[-1], command.name
