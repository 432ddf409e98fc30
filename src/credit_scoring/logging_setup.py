"""Logging configuration, applied once by each entry point (never at import time)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

from credit_scoring.json_bytes import json_bytes

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        try:
            return json_bytes(entry, default=str).decode()
        except TypeError:  # what orjson refuses (a lone surrogate, an int past 64 bits)
            return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO", json_format: bool = False) -> None:
    """Send the root logger's records to stderr, as text or JSON lines."""
    handler = logging.StreamHandler()
    if json_format:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
