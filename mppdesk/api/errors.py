"""One JSON error shape for every failure::

    {"detail": "Validation failed.", "errors": [{"field": "a_number", "message": "..."}]}
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from mppdesk.people.validation import FieldErrors


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def _loc_to_field(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form", "file")]
    field = ""
    for part in parts:
        field += f"[{part}]" if part.isdigit() else (f".{part}" if field else part)
    return field or "body"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(FieldErrors)
    def field_errors(request: HttpRequest, exc: FieldErrors) -> HttpResponse:
        errors = [{"field": f, "message": m} for f, messages in exc.errors.items() for m in messages]
        return api.create_response(request, error_body("Validation failed.", errors), status=422)

    @api.exception_handler(NinjaValidationError)
    def validation_errors(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [{"field": _loc_to_field(list(e.get("loc", []))), "message": str(e.get("msg", ""))} for e in exc.errors]
        return api.create_response(request, error_body("Validation failed.", errors), status=422)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("Not found."), status=404)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(request, error_body("Authentication required."), status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)
