"""Bulk import of people from a CSV or XLSX upload (the same importer as the CLI and web)."""

from __future__ import annotations

from typing import BinaryIO, cast

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.schemas import ErrorOut, FieldErrorOut
from mppdesk.core.validation import to_bool
from mppdesk.people.importer import ImportReport, RowError, check_import_allowed, import_people

router = Router()


class RowErrorOut(Schema):
    row: int = Field(description="Line in the file; the header is row 1, 0 means the whole file.")
    column: str = Field(description="The file's own header of the offending column.")
    message: str


class ImportReportOut(Schema):
    total_rows: int
    valid_rows: int
    errors: list[RowErrorOut]
    duplicates: list[RowErrorOut]
    duplicate_rows: int = Field(
        description="Rows that duplicate someone (a row matching on several keys counts once)."
    )
    warnings: list[RowErrorOut]
    created_people: int = Field(description="Created, or that would be created in a dry run.")
    created_households: int
    created_cases: int
    dry_run: bool
    written: bool


class ImportErrorOut(Schema):
    """The error shape of the API (``ErrorOut``) with the import's per-row report: every
    422 of the import carries it, a request without a file too."""

    detail: str
    errors: list[FieldErrorOut]
    report: ImportReportOut


def _field(problem: RowError) -> str:
    # Named like other API fields (``contacts[0].value``): ``file[7].telefono``.
    if problem.row == 0:
        return "file"
    return f"file[{problem.row}].{problem.column}" if problem.column else f"file[{problem.row}]"


@router.post(
    "/people",
    auth=role(Action.PERSON_IMPORT),
    response={
        200: ImportReportOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ImportErrorOut,
    },
    summary="Import people from a CSV or XLSX file",
    description=(
        "Validates the whole file first; with any error or duplicate nothing is written "
        "(422, with the per-row report). `dry_run` checks without writing. The format is "
        "described in docs/import.md."
    ),
)
def import_people_file(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
) -> Status:
    # Also accept ?dry_run=true, which is what people type when trying the API with curl.
    if not dry_run and "dry_run" in request.GET:
        try:
            dry_run = to_bool(request.GET["dry_run"])
        except ValueError:
            dry_run = False
    check_import_allowed(common.actor(request), common.organization(request))
    report: ImportReport = import_people(
        cast(BinaryIO, file),
        filename=file.name,
        actor=common.actor(request),
        organization=common.organization(request),
        dry_run=dry_run,
    )
    body = report.as_dict()
    if report.ok:
        return Status(200, body)
    problems = report.errors + report.duplicates
    detail = (
        "The file has errors; nothing was written."
        if not report.written
        else "Some rows were not imported."
    )
    return Status(
        422,
        {
            "detail": detail,
            "errors": [{"field": _field(p), "message": p.message} for p in problems],
            "report": body,
        },
    )
