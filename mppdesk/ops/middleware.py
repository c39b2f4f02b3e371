"""Per-request metrics and the request log line (route name, status, time; no path)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from mppdesk.ops import jsonlog, metrics

log = logging.getLogger("mppdesk.request")


class RequestObservationMiddleware:
    """Counts and times each request by route name; logs one line per request when
    ``MPPDESK_REQUEST_LOG`` is on (production). Sits just inside ``RequestIdMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.log_requests = bool(getattr(settings, "MPPDESK_REQUEST_LOG", False))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        token = jsonlog.current_route.set("")
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            route = jsonlog.route_name(request)
            metrics.observe_request(route, request.method or "", response.status_code, seconds)
            if self.log_requests:
                log.info(
                    "request",
                    extra={
                        "route": route,
                        "method": request.method,
                        "status": response.status_code,
                        "duration_ms": round(seconds * 1000, 1),
                    },
                )
            return response
        finally:
            jsonlog.current_route.reset(token)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        jsonlog.current_route.set(jsonlog.route_name(request))
