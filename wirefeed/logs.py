"""Log output: plain lines or JSON objects, one per event, that feed text cannot forge.

Anything a feed controls (titles, URLs, error texts) may reach a log message; both formatters
escape control characters (newlines, carriage returns, terminal escapes, bidi overrides) so one
event is always one line and a feed cannot paint a fake log line or recolour a terminal.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def defang(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\n``, ``\\x1b``...)."""
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = defang(record.message)
        return super().formatMessage(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                event[key] = value
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        # json.dumps escapes control characters itself; ensure_ascii also escapes bidi overrides
        return json.dumps(event, default=str, ensure_ascii=True)


def setup_logging(level: int = logging.WARNING, fmt: str = "plain") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else PlainFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
