"""Subject access: the casework of the person's cases — who works them, tasks, notes
(with their text) and the documents uploaded (name, kind, type, size; the bytes are
given on request through the case page, not inside the export)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mppdesk.cases.models import CaseMember
from mppdesk.casework.models import (
    AssignmentRole,
    CaseAssignment,
    CaseFile,
    CaseFileKind,
    CaseNote,
    NoteKind,
    Task,
    TaskSource,
    TaskStatus,
)
from mppdesk.core.registry import register_subject_section
from mppdesk.people.subject_access import choice_label, iso


def _case_ids(person: Any) -> list[Any]:
    return list(
        CaseMember.objects.filter(
            person=person, case__organization_id=person.organization_id
        ).values_list("case_id", flat=True)
    )


def describe_casework(data: dict[str, Any]) -> tuple[str, list[str]]:
    lines: list[str] = []
    for a in data["assignments"]:
        line = f"{choice_label(AssignmentRole, a['role'])}: {a['staff']}"
        if a["role"] == AssignmentRole.ATTORNEY:
            line += f" (G-28: {_('yes') if a['g28_on_file'] else _('no')})"
        lines.append(line)
    for t in data["tasks"]:
        title = t["title"] or choice_label(TaskSource, t["source"])
        lines.append(f"{t['due_on']} — {title}: {choice_label(TaskStatus, t['status'])}")
    for n in data["notes"]:
        lines.append(f"{n['created_at'][:10]} — {choice_label(NoteKind, n['kind'])}: {n['text']}")
    for f in data["documents"]:
        lines.append(
            f"{f['uploaded_at'][:10]} — {choice_label(CaseFileKind, f['kind'])}: {f['filename']}"
        )
    return _("Casework: workers, tasks, notes and documents"), lines


@register_subject_section(
    "casework",
    order=56,
    models=(
        "casework.CaseAssignment",
        "casework.Task",
        "casework.CaseNote",
        "casework.CaseFile",
        "casework.CaseFileContent",
    ),
    describe=describe_casework,
)
def casework_section(person: Any) -> dict[str, Any]:
    case_ids = _case_ids(person)
    return {
        "assignments": [
            {
                "case": str(a.case_id),
                "role": a.role,
                "staff": a.user.get_full_name() or a.user.username,
                "g28_on_file": a.g28_on_file,
            }
            for a in CaseAssignment.objects.filter(case_id__in=case_ids).select_related("user")
        ],
        "tasks": [
            {
                "case": str(t.case_id),
                "title": t.title,
                "source": t.source,
                "due_on": iso(t.due_on),
                "status": t.status,
            }  # fmt: skip
            for t in Task.objects.filter(case_id__in=case_ids).order_by("due_on")
        ],
        "notes": [
            {
                "case": str(n.case_id),
                "kind": n.kind,
                "text": n.text,
                "created_at": iso(n.created_at),
            }
            for n in CaseNote.objects.filter(case_id__in=case_ids).order_by("created_at")
        ],
        "documents": [
            {
                "case": str(f.case_id),
                "kind": f.kind,
                "filename": f.filename,
                "content_type": f.content_type,
                "size": f.size,
                "uploaded_at": iso(f.created_at),
            }  # fmt: skip
            for f in CaseFile.objects.filter(case_id__in=case_ids).order_by("created_at")
        ],
    }
