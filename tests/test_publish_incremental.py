"""Incremental publishing: only touched pages render, the result equals a full build, and
removed or expired stories leave a "no longer available" page at their address."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

from config.settings import Settings
from publish.linkcheck import check_links
from publish.plan import WINDOW, plan_site
from publish.run import publish_stories
from publish.site import build_site
from publish.write import MANIFEST, read_registry
from store.types import StoredStory

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
BASE = "https://n.example/"
TOPICS = [
    "harbour strike dockers",
    "comet telescope orbit",
    "tariff steel exports",
    "flood river levee",
]


def story(i: int, *, hours_ago: float | None = None, **kw: Any) -> StoredStory:
    when = NOW - timedelta(hours=hours_ago if hours_ago is not None else 200 - i)
    topic = TOPICS[i % len(TOPICS)]
    fields: dict[str, Any] = {
        "id": i, "source": "wire", "guid": f"g{i}", "url": f"https://wire.example/{i}",
        "canonical_url": None, "title": f"Story {i}: {topic} update", "slug": f"story-{i}",
        "published": when, "first_seen": when, "updated": when, "agency": "Wire",
        "dateline": "LONDON", "byline": None, "credit_line": "— Wire",
        "sections": ("World",) if i % 3 else ("World", "Science"),
        "body_text": f"LONDON — {topic} news number {i}.",
        "body_html": f"<p>LONDON — {topic} news number {i}.</p>",
    }  # fmt: skip
    fields.update(kw)
    return StoredStory(**fields)


def settings(out: Path, retention_days: int | None = None) -> Settings:
    cfg = Settings.model_validate(
        {
            "publish": {
                "output_dir": str(out), "base_url": BASE, "items_per_page": 4, "feed_items": 3,
            },
            "sections": [
                {"name": "World", "slug": "world"}, {"name": "Science", "slug": "science"},
            ],
        }
    )  # fmt: skip
    if retention_days is None:
        return cfg
    publish = cfg.publish.model_copy(update={"retention_days": retention_days})
    return cfg.model_copy(update={"publish": publish})


def on_disk(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".wirefeed-")
    }


def same_as_full_build(out: Path, stories: list[StoredStory], cfg: Settings) -> None:
    """What incremental runs left on disk equals a from-scratch build (status page aside)."""
    expected = {p.path: p.content for p in build_site(stories, cfg, NOW)}
    actual = on_disk(out)
    actual.pop("status/index.html")
    gone = {k for k, v in actual.items() if b"no longer available" in v}
    assert {k: v for k, v in actual.items() if k not in gone} == {
        k: v for k, v in expected.items() if k not in gone
    }


def story_pages(paths: set[str]) -> set[str]:
    return {p for p in paths if p.startswith("2024/")}


def test_nothing_changed_renders_nothing(tmp_path: Path) -> None:
    cfg = settings(tmp_path / "site")
    stories = [story(i) for i in range(1, 41)]
    first = publish_stories(stories, cfg, now=NOW)
    assert first.files_written == first.pages_rendered > 40
    again = publish_stories(stories, cfg, now=NOW + timedelta(minutes=10))
    assert (again.pages_rendered, again.files_written) == (0, 0)
    assert again.files_unchanged == first.files_written


def test_a_new_story_renders_its_page_its_neighbour_and_the_listings_that_show_it(
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    cfg = settings(out)
    stories = [story(i) for i in range(1, 41)]
    publish_stories(stories, cfg, now=NOW)
    previous = read_registry(out)
    new = story(41, hours_ago=0)  # newest; 41 % 3 != 0 so World only
    plan = plan_site([*stories, new], cfg, NOW, previous)
    rendered = {p.path for p in plan.pages}
    paths = {s.id: previous.stories[s.id].path for s in stories}
    new_path = plan.registry.stories[41].path
    assert story_pages(rendered) == {new_path, paths[40]}  # 40: World's newest until now
    assert not any("/page/" in p for p in rendered)  # archive pages never move
    assert {"section/world/index.html", "section/world/feed.xml", "feed.xml", "index.html"} <= (
        rendered
    )
    assert "section/science/feed.xml" not in rendered
    report = publish_stories([*stories, new], cfg, now=NOW)
    assert report.files_written <= len(plan.pages) + 1  # + the status page
    same_as_full_build(out, [*stories, new], cfg)
    assert check_links(out, BASE) == []


def test_an_edited_story_rerenders_only_pages_within_its_window(tmp_path: Path) -> None:
    out = tmp_path / "site"
    cfg = settings(out)
    stories = [story(i) for i in range(1, 81)]
    publish_stories(stories, cfg, now=NOW)
    edited = [dataclasses.replace(s, title="Comet telescope harbour strike") if s.id == 10 else s
              for s in stories]  # fmt: skip
    plan = plan_site(edited, cfg, NOW, read_registry(out))
    rendered = story_pages({p.path for p in plan.pages})
    assert plan.registry.stories[10].path in rendered
    assert 1 <= len(rendered) <= 2 * (WINDOW + 2)  # its section neighbourhoods, not the site
    publish_stories(edited, cfg, now=NOW)
    same_as_full_build(out, edited, cfg)


def test_random_edits_always_match_a_full_build(tmp_path: Path) -> None:
    out = tmp_path / "site"
    cfg = settings(out)
    rng = random.Random(7)
    stories = {i: story(i) for i in range(1, 61)}
    publish_stories(list(stories.values()), cfg, now=NOW)
    next_id = 61
    for _ in range(6):
        for _ in range(rng.randint(1, 4)):
            action = rng.choice(["new", "backdated", "edit", "remove", "resection"])
            pick = rng.choice(sorted(stories))
            if action == "new":
                stories[next_id] = story(next_id, hours_ago=rng.uniform(0, 5))
                next_id += 1
            elif action == "backdated":
                stories[next_id] = story(next_id, hours_ago=rng.uniform(20, 190))
                next_id += 1
            elif action == "edit":
                stories[pick] = dataclasses.replace(stories[pick], title=f"Edited {rng.random()}")
            elif action == "remove" and len(stories) > 5:
                del stories[pick]
            else:
                stories[pick] = dataclasses.replace(stories[pick], sections=("Science",))
        publish_stories(list(stories.values()), cfg, now=NOW)
        same_as_full_build(out, list(stories.values()), cfg)
        assert check_links(out, BASE) == []


def test_removed_story_gets_a_gone_page_and_leaves_the_listings(tmp_path: Path) -> None:
    out = tmp_path / "site"
    cfg = settings(out)
    stories = [story(i) for i in range(1, 21)]
    publish_stories(stories, cfg, now=NOW)
    path = read_registry(out).stories[20].path
    report = publish_stories(stories[:-1], cfg, now=NOW)
    assert report.stories_gone == 1 and report.stories == 19
    doc = lxml_html.fromstring((out / path).read_bytes())
    assert doc.xpath("string(//h1)") == "This story is no longer available"
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert b"Story 20" not in (out / path).read_bytes()
    for listing in ["index.html", "section/world/index.html", "feed.xml", "sitemap.xml"]:
        assert b"story-20" not in (out / listing).read_bytes(), listing
    assert check_links(out, BASE) == []
    back = publish_stories(stories, cfg, now=NOW)  # it may come back, at the same address
    assert back.stories_gone == 0
    assert b"Story 20" in (out / path).read_bytes()


def test_retention_moves_old_stories_out_of_listings(tmp_path: Path) -> None:
    out = tmp_path / "site"
    stories = [story(i, hours_ago=24 * (20 - i)) for i in range(1, 21)]  # one a day
    publish_stories(stories, settings(out), now=NOW)
    old_path = read_registry(out).stories[1].path
    report = publish_stories(stories, settings(out, retention_days=10), now=NOW)
    assert report.stories == 11 and report.stories_gone == 9  # ages 0..10 days stay
    assert b"no longer available" in (out / old_path).read_bytes()
    world = b"".join(v for k, v in on_disk(out).items() if k.startswith("section/world"))
    assert b"story-1/" not in world and b"story-20/" in world
    assert check_links(out, BASE) == []
    later = publish_stories(stories, settings(out, retention_days=10), now=NOW + timedelta(days=1))
    assert later.stories == 10


def test_full_rerenders_everything_and_keeps_addresses(tmp_path: Path) -> None:
    out = tmp_path / "site"
    cfg = settings(out)
    stories = [story(i) for i in range(1, 21)]
    first = publish_stories(stories, cfg, now=NOW)
    before = read_registry(out).stories
    full = publish_stories(stories, cfg, full=True, now=NOW)
    assert full.files_written == first.files_written
    assert read_registry(out).stories == before


def test_a_lost_manifest_means_a_full_render(tmp_path: Path) -> None:
    out = tmp_path / "site"
    cfg = settings(out)
    stories = [story(i) for i in range(1, 21)]
    first = publish_stories(stories, cfg, now=NOW)
    (out / MANIFEST).unlink()
    again = publish_stories(stories, cfg, now=NOW)
    assert again.pages_rendered == first.pages_rendered
    assert again.files_written == 0  # same bytes on disk: nothing replaced
