"""One logging setup for the service and its commands: UTC timestamps, level, logger, request id.

``configure(settings)`` applies :func:`logging_config` (a :func:`logging.config.dictConfig`
dict, also handed to uvicorn so its own loggers and every worker process log the same way).
``PLACEMENT_LOG_FORMAT=json`` writes one JSON object per line (python-json-logger), for a
log shipper; the default is one readable line::

    2026-12-01T09:30:00.123Z INFO api.access [3f2c…] GET /api/v1/clients 200 12.5ms

What goes into a line is up to each call site: ids, counts and paths, never a client's
profile, home or notes (tests/api/test_logs.py plants markers and greps the output).
"""

from __future__ import annotations

import datetime as dt
import logging
import logging.config
from typing import Any, Literal

from pythonjsonlogger.json import JsonFormatter

from api import request_id

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"


def utc_timestamp(created: float) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. ``2026-12-01T09:30:00.123Z``."""
    moment = dt.datetime.fromtimestamp(created, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class RequestIdFilter(logging.Filter):
    """Puts the current request id (``-`` outside a request) on every record a handler emits."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.current() or "-"
        return True


class UTCFormatter(logging.Formatter):
    """The text format with ISO 8601 UTC timestamps."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return utc_timestamp(record.created)


class JSONFormatter(JsonFormatter):
    """One JSON object per line: ``timestamp`` (as above), ``level``, ``logger``, ``request_id``,
    ``message`` (and any ``extra`` fields)."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return utc_timestamp(record.created)


def formatter(log_format: LogFormat = "text") -> logging.Formatter:
    """The formatter of ``log_format``: readable lines or one JSON object per line."""
    if log_format == "json":
        renames = {"asctime": "timestamp", "levelname": "level", "name": "logger"}
        return JSONFormatter(JSON_FIELDS, rename_fields=renames)
    return UTCFormatter(TEXT_FORMAT)


def logging_config(*, level: str = "INFO", log_format: LogFormat = "text") -> dict[str, Any]:
    """The dictConfig of the service: one stderr handler for the root, uvicorn's and the access logger."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": {"()": formatter, "log_format": log_format}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        # uvicorn's loggers log through the root handler (propagate); uvicorn.access stays quiet:
        # api.access writes one line per request, with the request id and without the query string.
        "loggers": {
            "uvicorn": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.access": {"level": "WARNING", "handlers": [], "propagate": True},
        },
    }


def configure(*, level: str = "INFO", log_format: LogFormat = "text") -> None:
    """Apply :func:`logging_config` to this process, unless its logging is set up already.

    As :func:`logging.basicConfig`: a program that runs a command in its own process (a test
    runner, say) keeps its handlers. ``serve`` hands the config to uvicorn, which applies it.
    """
    if not logging.getLogger().handlers:
        logging.config.dictConfig(logging_config(level=level, log_format=log_format))
