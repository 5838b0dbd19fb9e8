"""Loading settings and opening the database for a CLI command, with errors turned into exits.

Every command goes through ``Context.settings`` and ``Context.db`` so that a bad config or an
unreachable database gives one clear line and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import click

from config import ConfigError, Settings, load_settings, resolve_config_path
from store.db import Database, open_database
from store.errors import StorageError


@dataclass
class Context:
    config_path: str | None = None
    _settings: Settings | None = None
    _db: Database | None = None
    _extra: dict[str, object] = field(default_factory=dict)

    @property
    def path(self) -> Path | None:
        return resolve_config_path(self.config_path)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.path)
            except ConfigError as exc:
                fail(str(exc))
        assert self._settings is not None
        return self._settings

    @property
    def db(self) -> Database:
        if self._db is None:
            try:
                self._db = open_database(self.settings.database.url)
            except StorageError as exc:
                fail(f"store: {exc}")
        assert self._db is not None
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


pass_ctx = click.make_pass_decorator(Context, ensure=True)
