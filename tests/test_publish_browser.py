"""The demo site in a real browser: headless Chromium loads pages with no console errors, and
every internal link it finds answers from the local server.

How: ``wirefeed.demo.run_demo`` ingests the bundled corpus from its 127.0.0.1 server and
publishes; a ThreadingHTTPServer serves the output; Chromium runs once per page with
``--dump-dom`` (the DOM after load) and ``--enable-logging=stderr`` (console messages, including
failed resource loads, appear there as ``CONSOLE`` lines). No DevTools client and no extra
dependency. Screenshots (phone and desktop widths) go to tmp, or to ``$WIREFEED_SCREENS_DIR``.

Skipped, with the reason, when /usr/bin/chromium is missing (``.ci/run`` installs it).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from publish.linkcheck import check_links
from wirefeed.demo import run_demo

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="headless browser test needs Debian's chromium at /usr/bin/chromium "
    "(apt-get install -y chromium; .ci/run installs it)",
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--enable-logging=stderr",
    "--v=0",
]
CONSOLE = re.compile(r"CONSOLE|Uncaught|Failed to load resource|Refused to")
PHONE, DESKTOP = (390, 1400), (1280, 1100)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    work = tmp_path_factory.mktemp("demo")
    assert run_demo(str(work), 0, echo=lambda _: None) == 0
    out = work / "site"
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield out, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=90,
    )


def sample_pages(out: Path) -> list[str]:
    stories = sorted(p for p in out.glob("[0-9][0-9][0-9][0-9]/*/*/*/index.html"))
    assert stories, "the demo published no story pages"
    sections = sorted(out.glob("section/*/index.html"))
    return [
        "",
        stories[0].relative_to(out).parent.as_posix() + "/",
        stories[-1].relative_to(out).parent.as_posix() + "/",
        sections[0].relative_to(out).parent.as_posix() + "/",
        "status/",
        "404.html",
    ]


def test_pages_load_without_console_errors_and_internal_links_answer(
    site: tuple[Path, str], tmp_path: Path
) -> None:
    out, base = site
    assert check_links(out, "http://localhost:8000/") == []
    checked: set[str] = set()
    for page in sample_pages(out):
        url = base + page
        run = chromium(tmp_path, "--dump-dom", url)
        assert run.returncode == 0, run.stderr[-2000:]
        errors = [line for line in run.stderr.splitlines() if CONSOLE.search(line)]
        assert errors == [], (url, errors)
        doc = lxml_html.fromstring(run.stdout)
        assert doc.xpath("//main") and doc.xpath("//h1"), url
        for el in doc.iter():
            for attr in ("href", "src"):
                link = el.get(attr)
                if not link or "canonical" in (el.get("rel") or ""):
                    continue
                target = urljoin(url, link).split("#")[0]
                if urlsplit(target).netloc != urlsplit(base).netloc or target in checked:
                    continue
                checked.add(target)
                with urllib.request.urlopen(target, timeout=10) as resp:
                    assert resp.status == 200, (url, link)
    assert len(checked) > 20


def test_screenshots_of_home_and_a_story(site: tuple[Path, str], tmp_path: Path) -> None:
    out, base = site
    screens = Path(os.environ.get("WIREFEED_SCREENS_DIR") or tmp_path)
    screens.mkdir(parents=True, exist_ok=True)
    story = sample_pages(out)[2]
    for name, page in (("home", ""), ("story", story)):
        for width, (w, h) in (("phone", PHONE), ("desktop", DESKTOP)):
            shot = screens / f"{name}-{width}.png"
            run = chromium(
                tmp_path,
                "--hide-scrollbars",
                f"--window-size={w},{h}",
                f"--screenshot={shot}",
                base + page,
            )
            assert run.returncode == 0, run.stderr[-2000:]
            assert shot.stat().st_size > 10_000  # a rendered page, not a blank image
