"""Logs cannot be forged by feed text: one event is one line, escapes are shown, not obeyed."""

from __future__ import annotations

import json
import logging

from wirefeed.logs import JsonFormatter, PlainFormatter, defang

EVIL = "title\n2026-11-28 12:00:00 ERROR wirefeed: forged line\x1b[2J\u202eevil"


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("wirefeed.ingest", logging.WARNING, "x", 1, message, (), None)


def test_plain_lines_escape_newlines_and_terminal_codes() -> None:
    line = PlainFormatter().format(_record(f"item {EVIL}"))
    assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert "\\n2026-11-28" in line and "\\x1b[2J" in line


def test_json_lines_are_one_object_each() -> None:
    line = JsonFormatter().format(_record(f"item {EVIL}"))
    assert "\n" not in line and "\x1b" not in line and "\u202e" not in line
    assert json.loads(line)["message"] == f"item {EVIL}"


def test_defang_leaves_ordinary_text_alone() -> None:
    assert defang("Blinken to raise China’s support — Reuters") == (
        "Blinken to raise China’s support — Reuters"
    )
