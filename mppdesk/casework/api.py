"""REST API of caseload, tasks, notes and case documents (mounted at /api/v1/casework).

A token acts for one organization: only that organization's cases (a case shared with
it by a referral does not share its casework). Unknown and other organizations' ids are
404, the same as missing. A document's bytes are returned only by ``/documents/{id}/content``
(audited), as an attachment.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import StrictBool, StrictStr

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from mppdesk.api.schemas import StrictInput
from mppdesk.casework import files, queries, services
from mppdesk.casework.models import (
    AssignmentRole,
    CaseFile,
    CaseFileKind,
    CaseNote,
    NoteKind,
    Task,
    TaskSource,
    TaskStatus,
)
from mppdesk.core.errors import FieldErrors

router = Router()

RoleCode = Literal["worker", "attorney"]
TaskSourceCode = Literal["manual", "follow_up", "in_absentia", "document_expiry", "unreachable"]
TaskStatusCode = Literal["open", "done"]
NoteKindCode = Literal["general", "call", "visit", "legal", "hearing", "safety"]
FileKindCode = Literal["notice", "id", "court", "evidence", "other"]

assert set(RoleCode.__args__) == set(AssignmentRole.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(TaskSourceCode.__args__) == set(TaskSource.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(TaskStatusCode.__args__) == set(TaskStatus.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(NoteKindCode.__args__) == set(NoteKind.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(FileKindCode.__args__) == set(CaseFileKind.values)  # type: ignore[attr-defined]  # noqa: S101


class AssignmentIn(StrictInput):
    user_id: int = Field(description="A staff member of the case's organization.")
    role: RoleCode = "worker"
    g28_on_file: StrictBool = False


class AssignmentOut(Schema):
    id: uuid.UUID
    case_id: uuid.UUID
    user_id: int
    role: RoleCode
    g28_on_file: bool


class TaskIn(StrictInput):
    title: StrictStr = Field(max_length=services.MAX_TITLE)
    due_on: dt.date


class TaskStatusIn(StrictInput):
    status: TaskStatusCode


class TaskOut(Schema):
    id: uuid.UUID
    case_id: uuid.UUID
    title: str
    source: TaskSourceCode
    due_on: dt.date
    status: TaskStatusCode
    assignee_id: int | None
    overdue: bool


class NoteIn(StrictInput):
    kind: NoteKindCode = "general"
    text: StrictStr = Field(max_length=services.MAX_NOTE)


class NoteOut(Schema):
    id: uuid.UUID
    case_id: uuid.UUID
    kind: NoteKindCode
    text: str
    author_id: int | None
    created_at: dt.datetime


class CaseFileOut(Schema):
    id: uuid.UUID
    case_id: uuid.UUID
    kind: FileKindCode
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: dt.datetime


def _case(request: HttpRequest, case_id: uuid.UUID) -> Any:
    case = queries.get_case(common.actor(request), case_id)
    if case.organization_id != common.organization(request).pk:
        raise Http404
    return case


def _owned(request: HttpRequest, row: Any) -> Any:
    if row.organization_id != common.organization(request).pk:
        raise Http404
    return row


def _task_out(t: Task) -> TaskOut:
    return TaskOut(
        id=t.pk, case_id=t.case_id, title=t.label, source=t.source, due_on=t.due_on,  # type: ignore[arg-type]
        status=t.status, assignee_id=t.assignee_id, overdue=queries.is_overdue(t),  # type: ignore[arg-type]
    )  # fmt: skip


def _note_out(n: CaseNote) -> NoteOut:
    return NoteOut(
        id=n.pk, case_id=n.case_id, kind=n.kind, text=n.text,  # type: ignore[arg-type]
        author_id=n.author_id, created_at=n.created_at,
    )  # fmt: skip


def _file_out(f: CaseFile) -> CaseFileOut:
    return CaseFileOut(
        id=f.pk, case_id=f.case_id, kind=f.kind, filename=f.filename,  # type: ignore[arg-type]
        content_type=f.content_type, size=f.size, sha256=f.sha256, created_at=f.created_at,
    )  # fmt: skip


@router.get("/tasks", auth=role(Action.PERSON_READ), response={200: list[TaskOut], **LIST_ERRORS})
def my_tasks(request: HttpRequest) -> list[TaskOut]:
    """The token user's open tasks in the token's organization, overdue first."""
    org = common.organization(request).pk
    return [
        _task_out(t) for t in queries.my_tasks(common.actor(request)) if t.organization_id == org
    ]


@router.post(
    "/cases/{case_id}/assignments",
    auth=role(Action.PERSON_WRITE),
    response={201: AssignmentOut, **WRITE_ERRORS},
)
def assign(request: HttpRequest, case_id: uuid.UUID, body: AssignmentIn) -> Status:
    """Put a staff member on the case (``case.assign`` for anyone but oneself); an
    attorney of record replaces the previous one."""
    case = _case(request, case_id)
    user = queries.members_who_may_work(case.organization_id).filter(pk=body.user_id).first()
    if user is None:
        raise FieldErrors({"user_id": ["Choose a staff member of the case's organization."]})
    row = services.assign(
        actor=common.actor(request), case=case, user=user, role=body.role,
        g28_on_file=body.g28_on_file,
    )  # fmt: skip
    return Status(
        201,
        AssignmentOut(
            id=row.pk, case_id=row.case_id, user_id=row.user_id, role=row.role,  # type: ignore[arg-type]
            g28_on_file=row.g28_on_file,
        ),
    )  # fmt: skip


@router.get(
    "/cases/{case_id}/tasks",
    auth=role(Action.PERSON_READ),
    response={200: list[TaskOut], **READ_ERRORS},
)
def case_tasks(request: HttpRequest, case_id: uuid.UUID) -> list[TaskOut]:
    """The case's tasks, open ones first, each by due date."""
    case = _case(request, case_id)
    return [_task_out(t) for t in case.tasks.order_by("status", "due_on")]


@router.post(
    "/cases/{case_id}/tasks",
    auth=role(Action.PERSON_WRITE),
    response={201: TaskOut, **WRITE_ERRORS},
)
def add_task(request: HttpRequest, case_id: uuid.UUID, body: TaskIn) -> Status:
    """Add a task with a due date to the case."""
    case = _case(request, case_id)
    task = services.add_task(
        actor=common.actor(request), case=case, title=body.title, due_on=body.due_on
    )
    return Status(201, _task_out(task))


@router.post(
    "/tasks/{task_id}/status",
    auth=role(Action.PERSON_WRITE),
    response={200: TaskOut, **WRITE_ERRORS},
)
def task_status(request: HttpRequest, task_id: uuid.UUID, body: TaskStatusIn) -> TaskOut:
    """Complete (``done``) or reopen (``open``) a task."""
    task = _owned(request, queries.get_task(common.actor(request), task_id))
    task = services.set_task_status(
        actor=common.actor(request), task=task, done=body.status == TaskStatus.DONE
    )
    return _task_out(task)


@router.get(
    "/cases/{case_id}/notes",
    auth=role(Action.PERSON_READ),
    response={200: list[NoteOut], **READ_ERRORS},
)
def list_notes(request: HttpRequest, case_id: uuid.UUID) -> list[NoteOut]:
    """The case's notes, newest first (the read is audited)."""
    case = _case(request, case_id)
    notes = list(case.notes.all())
    services.audit_notes_read(actor=common.actor(request), case=case, notes=notes)
    return [_note_out(n) for n in notes]


@router.post(
    "/cases/{case_id}/notes",
    auth=role(Action.PERSON_WRITE),
    response={201: NoteOut, **WRITE_ERRORS},
)
def add_note(request: HttpRequest, case_id: uuid.UUID, body: NoteIn) -> Status:
    """Add a typed note to the case (its text is stored encrypted)."""
    case = _case(request, case_id)
    note = services.add_note(actor=common.actor(request), case=case, kind=body.kind, text=body.text)
    return Status(201, _note_out(note))


@router.get(
    "/cases/{case_id}/documents",
    auth=role(Action.PERSON_READ),
    response={200: list[CaseFileOut], **READ_ERRORS},
)
def list_documents(request: HttpRequest, case_id: uuid.UUID) -> list[CaseFileOut]:
    """The documents uploaded to the case (names, kinds and sizes; not their contents)."""
    case = _case(request, case_id)
    return [_file_out(f) for f in case.files.all()]


@router.post(
    "/cases/{case_id}/documents",
    auth=role(Action.PERSON_WRITE),
    response={201: CaseFileOut, **WRITE_ERRORS},
)
def upload_document(
    request: HttpRequest,
    case_id: uuid.UUID,
    file: File[UploadedFile],
    kind: Form[FileKindCode] = "other",
) -> Status:
    """Upload a PDF, JPEG or PNG (type sniffed from the bytes; at most 5 MB by default)."""
    case = _case(request, case_id)
    data = file.read(files.max_bytes() + 1)
    row = services.upload_file(
        actor=common.actor(request), case=case, kind=kind, filename=file.name or "", data=data
    )
    return Status(201, _file_out(row))


@router.get(
    "/documents/{document_id}/content",
    auth=role(Action.PERSON_READ),
    response={200: bytes, **READ_ERRORS},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment.",
                "content": {
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                    "image/png": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def document_content(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    """The document's bytes (audited), as an attachment."""
    row = _owned(request, queries.get_file(common.actor(request), document_id))
    data = services.read_file(actor=common.actor(request), row=row)
    response = HttpResponse(data, content_type=row.content_type)
    response["Content-Disposition"] = content_disposition_header(True, row.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
