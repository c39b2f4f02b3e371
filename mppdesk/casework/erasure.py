"""Erasure of casework about a person (``core.registry``).

Notes, uploaded documents and typed task titles of a case may name anyone on it: they are
deleted (notes, documents) or blanked (task titles) at the first erasure of a member of
the case, as the cases app blanks timeline summaries. Assignments and system tasks hold no
personal data (ids, dates, kinds) and are kept. Runs before the cases eraser.
"""

from __future__ import annotations

from mppdesk.audit import services as audit
from mppdesk.cases.models import Case, CaseMember
from mppdesk.casework.models import CaseFile, CaseNote, Task
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.registry import ErasureContext, register_eraser


@register_eraser(
    "casework",
    models=(
        "casework.CaseAssignment",
        "casework.Task",
        "casework.CaseNote",
        "casework.CaseFile",
        "casework.CaseFileContent",
    ),
    order=700,
)
def erase_casework(context: ErasureContext) -> None:
    case_ids = list(
        CaseMember.objects.filter(person_id=context.person.pk).values_list("case_id", flat=True)
    )
    for case in Case.objects.filter(pk__in=case_ids).select_related("organization"):
        for model, kind in ((CaseNote, ObjectType.CASE_NOTE), (CaseFile, ObjectType.CASE_FILE)):
            ids = list(model.objects.filter(case=case).values_list("pk", flat=True))
            if ids:
                model.objects.filter(pk__in=ids).delete()
                audit.record_many(
                    actor=context.actor, organization=case.organization, action=AuditAction.DELETE,
                    object_type=kind, object_ids=ids, fields=["text" if kind == ObjectType.CASE_NOTE
                                                               else "content"],
                )  # fmt: skip
        blanked = []
        for task in Task.objects.filter(case=case):
            if task.title:
                task.title = ""
                task.save(update_fields=["title"])
                blanked.append(task.pk)
        if blanked:
            audit.record_many(
                actor=context.actor, organization=case.organization, action=AuditAction.UPDATE,
                object_type=ObjectType.TASK, object_ids=blanked, fields=["title"],
            )  # fmt: skip
