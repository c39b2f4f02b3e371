from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from mppdesk.api.errors import error_body


def not_found(request: HttpRequest) -> JsonResponse:
    """Unknown paths under /api/ answer in the API's error shape, not an HTML page."""
    return JsonResponse(error_body("Not found."), status=404)
