"""Structured logs: a request id on every request and log line, and JSON lines when ``LOG_JSON`` is set.

The id comes from the proxy's ``X-Request-ID`` when it looks like one (so a line in nginx's log, the
gunicorn access log and the app's log can be joined), otherwise it is generated; it is returned in the
response header. ``TRAINER_LOG_JSON=1`` makes every log line one JSON object for a log shipper.
"""

from __future__ import annotations

import json
import logging
import re
import uuid

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")  # no spaces or control characters: safe to log


def request_id() -> str | None:
    return getattr(g, "request_id", None) if has_request_context() else None


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC ISO), level, logger, message, request id, path, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id(),
        }
        if has_request_context():
            entry["method"], entry["path"] = request.method, request.path
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


JsonFormatter.converter = __import__("time").gmtime


def init_request_ids(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        given = request.headers.get(HEADER, "")
        g.request_id = given if VALID_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def return_request_id(response):
        if rid := request_id():
            response.headers[HEADER] = rid
        return response


def configure(app: Flask) -> None:
    """Root logging for a served app: JSON lines (``LOG_JSON``) or plain text with the request id."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if app.config.get("LOG_JSON"):
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
