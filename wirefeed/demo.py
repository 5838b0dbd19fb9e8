"""``wirefeed demo``: the whole pipeline on a bundled corpus served from 127.0.0.1.

Starts the demo feed server over ``demo_data/site``, fills the bundled demo config's placeholders
(server URL, database, output directory), ingests, publishes, ingests again to show that nothing
is stored twice, and says where the site is. It fetches nothing but its own local server.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

from config.load import settings_from_dict
from config.settings import Settings
from store.db import open_database
from store.stories import count_stories
from wirefeed import jobs
from wirefeed.demo_server import DemoServer, serve_directory

DEMO_DATA = Path(__file__).parent / "demo_data"


def demo_settings(base_url: str, directory: Path) -> Settings:
    """The bundled demo config with its placeholders filled in."""
    text = (DEMO_DATA / "demo.toml").read_text(encoding="utf-8")
    db_path = (directory / "wirefeed.db").resolve()
    text = (
        text.replace("{base}", base_url.rstrip("/"))
        .replace("{db_url}", f"sqlite:///{db_path.as_posix()}")
        .replace("{output_dir}", (directory / "site").resolve().as_posix())
    )
    return settings_from_dict(tomllib.loads(text), str(DEMO_DATA / "demo.toml"))


def _start_server(port: int) -> DemoServer:
    try:
        return serve_directory(DEMO_DATA / "site", port=port)
    except OSError:
        return serve_directory(DEMO_DATA / "site", port=0)


def run_demo(directory: str, port: int, *, echo: Callable[[str], None] = print) -> int:
    """Run the demo; returns the process exit status."""
    where = Path(directory)
    where.mkdir(parents=True, exist_ok=True)
    server = _start_server(port)
    try:
        echo(f"demo feed server on {server.base_url}")
        settings = demo_settings(server.base_url, where)
        db = open_database(settings.database.url)
        try:
            before = count_stories(db)
            first = jobs.ingest(db, settings)
            for r in first:
                echo(f"  {r.line()}")
            report = jobs.publish(db, settings)
            second = jobs.ingest(db, settings)
            after = count_stories(db)
            again = sum(r.new for r in second)
            echo(
                f"stored {after - before} new stories ({after} in all); "
                f"a second ingest pass stored {again} more"
            )
            echo(
                f"published {report.stories} stories in {report.sections} sections: "
                f"{report.files_written} files written"
            )
        finally:
            db.close()
    finally:
        server.close()
    index = Path(report.output_dir) / "index.html"
    echo(f"site: {index.resolve().as_uri()}")
    exe = sys.argv[0] if sys.argv and sys.argv[0].endswith("wirefeed") else "wirefeed"
    echo(f"preview: cd {where.resolve()} && {exe} serve   (then open http://127.0.0.1:8000/)")
    echo(f"stories: cd {where.resolve()} && {exe} stories export")
    return 0 if any(r.status != "error" for r in first) else 1
