"""Errors of the config package.

ConfigError            the file is missing, is not TOML, or a setting is invalid
                       (``problems`` lists every invalid setting, each naming its key)
"""

from __future__ import annotations


class ConfigError(Exception):
    """A config file that cannot be used; the message names file, key and what is allowed."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"config: {path}: {len(problems)} problem(s):\n{lines}")
