"""One JSON error shape for every failure::

    {"detail": "Validation failed.", "errors": [{"field": "a_number", "message": "..."}]}

Service ``FieldErrors``, Pydantic body errors and ninja's own path/query errors are all
422 with the field named; a missing token or a bad one is 401; a missing record and a
record of another organization are the same 404.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from mppdesk.api.auth import IMPORT_PREFIX
from mppdesk.api.schemas import ErrorOut
from mppdesk.core.errors import FieldErrors

# Documented on every operation so that clients see the error shape in the OpenAPI.
READ_ERRORS: dict[int, type[ErrorOut]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
LIST_ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
CREATE_ERRORS: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    422: ErrorOut,
}

_LOC_SOURCES = {"body", "query", "path", "payload", "filters", "form", "file", "header", "cookie"}


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def _loc_to_field(loc: list[Any]) -> str:
    """``["body", "payload", "contacts", 0, "value"]`` -> ``contacts[0].value``."""
    parts = [str(p) for p in loc]
    # Drop ninja's source ("body", "query", "path") and the name of the view argument.
    dropped = []
    while parts and parts[0] in _LOC_SOURCES:
        dropped.append(parts.pop(0))
    if not parts and len(dropped) > 1 and dropped[-1] not in ("body", "payload"):
        parts = [dropped[-1]]  # an uploaded file or a form field: ["file", "file"]
    field = ""
    for part in parts:
        field += f"[{part}]" if part.isdigit() else (f".{part}" if field else part)
    return field or "body"


def _message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", ""))
    # Pydantic prefixes messages raised by validators; the field is named separately.
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


@contextmanager
def renamed_fields(mapping: Mapping[str, str]) -> Iterator[None]:
    """Re-raise service ``FieldErrors`` under the API's field names (``lead`` -> ``lead_id``)."""
    try:
        yield
    except FieldErrors as exc:
        renamed: dict[str, list[str]] = {}
        for name, messages in exc.errors.items():
            renamed.setdefault(mapping.get(name, name), []).extend(messages)
        raise FieldErrors(renamed) from exc


def _is_import(request: HttpRequest) -> bool:
    return request.path.rstrip("/").startswith(IMPORT_PREFIX)


def _unprocessable(request: HttpRequest, errors: list[dict[str, str]]) -> dict[str, Any]:
    """The 422 body. An import's 422 always carries the per-row report (its documented
    shape, ``ImportErrorOut``): for a request the import never read (no file, a bad
    ``dry_run``) it is an empty report with the problems as file-level errors."""
    body = error_body("Validation failed.", errors)
    if _is_import(request):
        from mppdesk.people.importer import ImportReport, RowError

        body["report"] = ImportReport(
            total_rows=0,
            valid_rows=0,
            errors=[RowError(row=0, column=e["field"], message=e["message"]) for e in errors],
            duplicates=[],
            created_people=0,
            created_households=0,
            created_cases=0,
            dry_run=False,
            written=False,
        ).as_dict()
    return body


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(FieldErrors)
    def field_errors(request: HttpRequest, exc: FieldErrors) -> HttpResponse:
        errors = [
            {"field": f, "message": m} for f, messages in exc.errors.items() for m in messages
        ]
        return api.create_response(request, _unprocessable(request, errors), status=422)

    @api.exception_handler(NinjaValidationError)
    def validation_errors(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _loc_to_field(list(e.get("loc", []))), "message": _message(e)}
            for e in exc.errors
        ]
        return api.create_response(request, _unprocessable(request, errors), status=422)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("Not found."), status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        # A service refused the actor (another organization, a role without the action):
        # the same answer as auth=role(...) gives before the body is read.
        body = error_body("Your organization or role may not do this.")
        return api.create_response(request, body, status=403)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(request, error_body("Authentication required."), status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)
