"""Writes of caseload, tasks, notes and case documents. Each takes ``actor``, checks the
permission matrix in the case's organization, writes in one transaction and audits.

- assigning a case to someone else, and bulk reassignment, need ``case.assign``; a case
  worker (``person.write``) may assign herself and remove herself;
- tasks, notes and documents need ``person.write`` in the case's organization;
- reading a document's bytes needs ``person.read`` there and is audited.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.models import User
from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.cases.models import Case
from mppdesk.casework import files
from mppdesk.casework.models import (
    AssignmentRole,
    CaseAssignment,
    CaseFile,
    CaseFileContent,
    CaseFileKind,
    CaseNote,
    NoteKind,
    Task,
    TaskSource,
    TaskStatus,
)
from mppdesk.casework.queries import members_who_may_work
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors

MAX_TITLE = 300
MAX_NOTE = 10_000


def _require(actor: User | None, action: Action, case: Case) -> None:
    if not can(actor, action, case.organization_id):
        raise PermissionDenied


def _may_work(user: User, case: Case) -> bool:
    return members_who_may_work(case.organization_id).filter(pk=user.pk).exists()


# --- caseload ------------------------------------------------------------------------------


@transaction.atomic
def assign(
    *,
    actor: User | None,
    case: Case,
    user: User,
    role: str = AssignmentRole.WORKER,
    g28_on_file: bool = False,
) -> CaseAssignment:
    """Put ``user`` on the case as a worker, or as its attorney of record (one per case:
    a new one replaces the old). Only staff of the case's organization who may work cases."""
    _require(actor, Action.PERSON_WRITE, case)
    if actor is None or user.pk != actor.pk:
        _require(actor, Action.CASE_ASSIGN, case)
    if role not in AssignmentRole.values:
        raise FieldErrors({"role": [_("Choose a worker or an attorney of record.")]})
    if not _may_work(user, case):
        raise FieldErrors({"user": [_("Choose a staff member of the case's organization.")]})
    if role == AssignmentRole.ATTORNEY:
        CaseAssignment.objects.filter(case=case, role=role).exclude(user=user).delete()
    row, _created = CaseAssignment.objects.update_or_create(
        case=case,
        user=user,
        role=role,
        defaults={
            "organization_id": case.organization_id,
            "g28_on_file": bool(g28_on_file) and role == AssignmentRole.ATTORNEY,
            "assigned_by": actor,
        },
    )
    audit.record(
        actor=actor, organization=case.organization, action=AuditAction.UPDATE, object_type=ObjectType.CASE,
        object_id=case.pk, fields=["assignments"],
    )  # fmt: skip
    return row


@transaction.atomic
def unassign(*, actor: User | None, assignment: CaseAssignment) -> None:
    case = assignment.case
    _require(actor, Action.PERSON_WRITE, case)
    if actor is None or assignment.user_id != actor.pk:
        _require(actor, Action.CASE_ASSIGN, case)
    assignment.delete()
    audit.record(
        actor=actor, organization=case.organization, action=AuditAction.UPDATE, object_type=ObjectType.CASE,
        object_id=case.pk, fields=["assignments"],
    )  # fmt: skip


@transaction.atomic
def reassign(*, actor: User | None, cases: Iterable[Case], to_user: User) -> int:
    """Make ``to_user`` the only worker of each case; open tasks of the old workers on
    those cases follow. All or nothing: one case the actor may not assign refuses all."""
    cases = list(cases)
    if not cases:
        raise FieldErrors({"cases": [_("Choose at least one case.")]})
    for case in cases:
        _require(actor, Action.CASE_ASSIGN, case)
        if not _may_work(to_user, case):
            raise FieldErrors({"user": [_("Choose a staff member of the case's organization.")]})
    for case in cases:
        old = list(
            CaseAssignment.objects.filter(case=case, role=AssignmentRole.WORKER)
            .exclude(user=to_user)
            .values_list("user_id", flat=True)
        )
        CaseAssignment.objects.filter(case=case, role=AssignmentRole.WORKER).exclude(
            user=to_user
        ).delete()
        CaseAssignment.objects.get_or_create(
            case=case,
            user=to_user,
            role=AssignmentRole.WORKER,
            defaults={"organization_id": case.organization_id, "assigned_by": actor},
        )
        Task.objects.filter(case=case, status=TaskStatus.OPEN, assignee_id__in=old).update(
            assignee=to_user
        )
        audit.record(
            actor=actor, organization=case.organization, action=AuditAction.UPDATE, object_type=ObjectType.CASE,
            object_id=case.pk, fields=["assignments", "tasks"],
        )  # fmt: skip
    return len(cases)


# --- tasks ---------------------------------------------------------------------------------


def default_assignee(case: Case) -> User | None:
    first = (
        CaseAssignment.objects.filter(case=case, role=AssignmentRole.WORKER)
        .select_related("user")
        .order_by("created_at")
        .first()
    )
    return first.user if first else None


@transaction.atomic
def add_task(
    *,
    actor: User | None,
    case: Case,
    title: str,
    due_on: dt.date | None,
    assignee: User | None = None,
) -> Task:
    _require(actor, Action.PERSON_WRITE, case)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Say what is to be done.")]
    elif len(title) > MAX_TITLE:
        errors["title"] = [_("At most %(n)d characters.") % {"n": MAX_TITLE}]
    if due_on is None:
        errors["due_on"] = [_("Give a due date.")]
    if assignee is not None and not _may_work(assignee, case):
        errors["assignee"] = [_("Choose a staff member of the case's organization.")]
    if errors:
        raise FieldErrors(errors)
    task = Task.objects.create(
        organization_id=case.organization_id,
        case=case,
        title=title,
        due_on=due_on,
        assignee=assignee or default_assignee(case) or actor,
        source=TaskSource.MANUAL,
        created_by=actor,
    )
    audit.record(
        actor=actor, organization=case.organization, action=AuditAction.CREATE, object_type=ObjectType.TASK,
        object_id=task.pk, fields=["title", "due_on", "assignee"],
    )  # fmt: skip
    return task


@transaction.atomic
def set_task_status(*, actor: User | None, task: Task, done: bool) -> Task:
    _require(actor, Action.PERSON_WRITE, task.case)
    task = Task.objects.select_for_update().get(pk=task.pk)
    if done and task.status != TaskStatus.DONE:
        task.status = TaskStatus.DONE
        task.completed_at = timezone.now()
        task.completed_by = actor
    elif not done and task.status != TaskStatus.OPEN:
        task.status = TaskStatus.OPEN
        task.completed_at = None
        task.completed_by = None
    else:
        return task
    task.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    audit.record(
        actor=actor, organization=task.case.organization, action=AuditAction.UPDATE, object_type=ObjectType.TASK,
        object_id=task.pk, fields=["status"],
    )  # fmt: skip
    return task


# --- notes ---------------------------------------------------------------------------------


@transaction.atomic
def add_note(*, actor: User | None, case: Case, kind: str, text: str) -> CaseNote:
    _require(actor, Action.PERSON_WRITE, case)
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    if kind not in NoteKind.values:
        errors["kind"] = [_("Choose a kind of note.")]
    if not text:
        errors["text"] = [_("Write the note.")]
    elif len(text) > MAX_NOTE:
        errors["text"] = [_("At most %(n)d characters.") % {"n": MAX_NOTE}]
    if errors:
        raise FieldErrors(errors)
    note = CaseNote.objects.create(
        organization_id=case.organization_id, case=case, kind=kind, text=text, author=actor
    )
    audit.record(
        actor=actor, organization=case.organization, action=AuditAction.CREATE, object_type=ObjectType.CASE_NOTE,
        object_id=note.pk, fields=["kind", "text"],
    )  # fmt: skip
    return note


# --- documents -----------------------------------------------------------------------------


@transaction.atomic
def upload_file(
    *, actor: User | None, case: Case, kind: str, filename: str, data: bytes
) -> CaseFile:
    """Store an uploaded file encrypted. Its type is sniffed from its first bytes."""
    _require(actor, Action.PERSON_WRITE, case)
    errors: dict[str, list[str]] = {}
    if kind not in CaseFileKind.values:
        errors["kind"] = [_("Choose a kind of document.")]
    limit = files.max_bytes()
    content_type = None
    if not data:
        errors["file"] = [_("Choose a file to upload.")]
    elif len(data) > limit:
        errors["file"] = [
            _("The file is too large: at most %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"}
        ]
    else:
        content_type = files.sniff(data)
        if content_type is None:
            errors["file"] = [_("Only PDF, JPEG and PNG files are accepted.")]
    if errors or content_type is None:
        raise FieldErrors(errors)
    row = CaseFile.objects.create(
        organization_id=case.organization_id,
        case=case,
        kind=kind,
        filename=files.safe_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    CaseFileContent.objects.create(file=row, data=base64.b64encode(data).decode("ascii"))
    audit.record(
        actor=actor, organization=case.organization, action=AuditAction.CREATE, object_type=ObjectType.CASE_FILE,
        object_id=row.pk, fields=["kind", "filename", "content"],
    )  # fmt: skip
    return row


def read_file(*, actor: User | None, row: CaseFile) -> bytes:
    """The file's bytes, for a download; the read is audited."""
    _require(actor, Action.PERSON_READ, row.case)
    content = CaseFileContent.objects.get(file=row)
    data = base64.b64decode(content.data)
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise PermissionDenied  # never serve bytes that are not the ones uploaded
    audit.record(
        actor=actor, organization=row.case.organization, action=AuditAction.VIEW, object_type=ObjectType.CASE_FILE,
        object_id=row.pk, fields=["content"],
    )  # fmt: skip
    return data


def audit_notes_read(*, actor: User | None, case: Case, notes: list[Any]) -> None:
    if notes:
        audit.record_many(
            actor=actor, organization=case.organization, action=AuditAction.VIEW,
            object_type=ObjectType.CASE_NOTE, object_ids=[n.pk for n in notes], fields=["text"],
        )  # fmt: skip
