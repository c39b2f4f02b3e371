"""One JSON object per log line (production mode; ``MPPDESK_LOG_FORMAT=json``).

Fields: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, and when known
``request_id``, ``route`` (the URL pattern's name, never the path), ``method``,
``status``, ``duration_ms`` and ``exception``. Django's own request warnings
(``django.request``, ``django.security``) carry the path in their message: only their
reason ("Not Found", "Forbidden") is kept. The handler's ``redact`` filter runs first.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from typing import Any

from mppdesk.core import context

#: The route of the request being served (set by ``RequestObservationMiddleware``).
current_route: contextvars.ContextVar[str] = contextvars.ContextVar(
    "mppdesk_current_route", default=""
)

_PATH_LOGGERS = ("django.request", "django.security", "django.server")
_EXTRA = ("method", "duration_ms")


def route_name(request: Any) -> str:
    """The URL pattern's name (``people:detail``), its route without a name, or
    ``unmatched``: never the path, which holds ids."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return str(match.view_name or match.route or "unnamed")


def _message(record: logging.LogRecord) -> str:
    if record.name.startswith(_PATH_LOGGERS):
        # "%s: %s" % (reason, path): the reason alone.
        args = record.args if isinstance(record.args, tuple) else ()
        return str(args[0]) if args else str(record.msg).split(":", 1)[0]
    return record.getMessage()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record),
        }
        # Django logs a refused request after the middleware has unwound: its record
        # carries the request, whose id and resolved route are still there.
        request = getattr(record, "request", None)
        request_id = context.current().request_id or getattr(request, "request_id", "")
        if request_id:
            data["request_id"] = request_id
        route = (
            getattr(record, "route", None)
            or current_route.get()
            or (route_name(request) if request is not None else "")
        )
        if route:
            data["route"] = route
        status = getattr(record, "status", None) or getattr(record, "status_code", None)
        if status:
            data["status"] = int(status)
        for name in _EXTRA:
            value = getattr(record, name, None)
            if value is not None:
                data[name] = value
        if record.exc_text:  # rendered (without exception messages) by the redact filter
            data["exception"] = record.exc_text
        elif record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)
