from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mppdesk.core import context


class RequestIdMiddleware:
    """Give every request an id (kept from ``X-Request-ID`` when sane) for logs and audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.bind(
            context.RequestContext(
                request_id=request_id, ip=request.META.get("REMOTE_ADDR"), channel=channel
            )
        )
        request.request_id = request_id  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response
