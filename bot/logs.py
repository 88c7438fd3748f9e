"""Logging set-up: plain text for a terminal, or JSON lines (LOG_FORMAT=json) for collectors.

The JSON formatter is our own, a screenful of stdlib `logging`: a library (python-json-logger,
structlog) would add a dependency and still need the two rules that matter here, which are
ours: long digit runs (phone numbers, NIPs, Telegram ids) are masked, and an exception is
written as its type and where it was raised, never its message, because exception messages
quote data (SQL parameters, a duplicate key's value, a platform's error naming a number).
Libraries that log message payloads or URLs carrying secrets are kept at WARNING.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

DIGIT_RUN = re.compile(r"\+?\d{8,}")
MASK = "[redacted]"
# twilio.http_client logs each request's form (message Body, To) at INFO; httpx logs URLs
# that carry the Telegram bot token at INFO.
QUIET = ("twilio", "httpx", "httpcore", "telegram.ext.Updater", "apscheduler")
TEXT_FORMAT = "%(asctime)s %(name)s %(message)s"


def redact(text: str) -> str:
    """`text` with every run of eight or more digits masked."""
    return DIGIT_RUN.sub(MASK, text)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC), level, logger, message; error and where."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            entry["error"] = type(exc).__name__
            frames = traceback.extract_tb(exc.__traceback__)[-5:]
            entry["where"] = [
                f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames
            ]
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", log_format: str = "text") -> logging.Handler:
    """Send every log record to stderr in the chosen format; return the handler."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
