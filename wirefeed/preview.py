"""``wirefeed serve``: a local static server over the published output, for previewing only.

It serves files under output_dir on 127.0.0.1 and nothing else; it is not a production server.
"""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

import click


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_site(output_dir: str, port: int) -> None:
    root = Path(output_dir).resolve()
    if not (root / "index.html").exists():
        click.echo(f"error: {root} has no index.html; run 'wirefeed publish' first", err=True)
        raise SystemExit(1)
    handler = functools.partial(_Quiet, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        click.echo(f"serving {root} on http://127.0.0.1:{port}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped")
