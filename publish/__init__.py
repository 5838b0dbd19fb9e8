"""Publish: stored stories in, a static news site (pages, feeds, sitemap) out.

Pure core: ``listings`` (what goes where), ``render`` (HTML), ``feeds`` (RSS/Atom/JSON Feed),
``site.build_site`` (all of it as ``Page`` objects). I/O at the edge: ``write`` (atomic writes
into output_dir) and ``run`` (the only module that imports ``store``). ``linkcheck`` verifies
the output. Nothing here fetches, parses feeds or touches ``ingest``.
"""

from publish.errors import PublishError, UnsafePathError, WriteError
from publish.site import build_site
from publish.types import Page, PublishReport, WriteReport
from publish.write import write_site

__all__ = [
    "Page",
    "PublishError",
    "PublishReport",
    "UnsafePathError",
    "WriteError",
    "WriteReport",
    "build_site",
    "write_site",
]
