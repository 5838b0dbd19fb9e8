"""publish_site end to end: a real SQLite store in, a written and link-clean site out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from config.settings import Settings
from publish.linkcheck import check_links
from publish.run import publish_site
from store.db import open_database
from store.stories import add_story
from store.types import NewStory, SectionAssignment

NOW = datetime(2024, 4, 18, 12, 0, tzinfo=UTC)


def new_story(n: int, section: str) -> NewStory:
    return NewStory(
        source="reuters-world",
        guid=f"g{n}",
        url=f"https://www.reuters.com/world/{n}",
        url_key=f"reuters.com/world/{n}",
        canonical_url=None,
        title=f"Story number {n} about {section}",
        published=NOW - timedelta(hours=n),
        agency="Reuters",
        dateline="LONDON",
        byline=None,
        credit_line="— Reuters",
        body_text=f"LONDON — Body {n}.",
        body_html=f"<p>LONDON — Body {n}.</p>",
        body_hash=f"hash{n}",
        sections=(SectionAssignment(section, "test"),),
    )


def settings(out: Path) -> Settings:
    return Settings.model_validate(
        {
            "database": {"url": f"sqlite:///{out.parent / 'w.db'}"},
            "publish": {"output_dir": str(out), "base_url": "https://n.example/"},
            "sections": [{"name": "World", "slug": "world"}, {"name": "Tech", "slug": "tech"}],
        }
    )


def test_publish_site_from_the_store(tmp_path: Path) -> None:
    out = tmp_path / "site"
    cfg = settings(out)
    db = open_database(cfg.database.url)
    try:
        for n, sec in [(1, "World"), (2, "Tech"), (3, "World")]:
            add_story(db, new_story(n, sec), now=NOW)
        first = publish_site(db, cfg, now=NOW)
        assert first.stories == 3 and first.sections == 2
        assert first.output_dir == str(out.resolve())
        assert first.files_written > 10 and first.files_unchanged == 0
        assert check_links(out, "https://n.example/") == []
        world = (out / "section/world/index.html").read_text("utf-8")
        assert world.index("Story number 1") < world.index("Story number 3")

        again = publish_site(db, cfg, now=NOW + timedelta(minutes=5))
        assert again.files_written == 0
        assert again.files_unchanged == first.files_written

        add_story(db, new_story(4, "Tech"), now=NOW)
        third = publish_site(db, cfg, now=NOW)
        assert 0 < third.files_written < first.files_written
        assert third.stories == 4

        full = publish_site(db, cfg, full=True, now=NOW)
        assert full.files_written == third.files_written + third.files_unchanged
    finally:
        db.close()
