"""Erasure: everything screening recorded about the person (``core.registry``).

Detention-record flags, the fear question, screening decisions with their reasons and
notes, and non-refoulement interviews are all about the person and nobody else: the
rows are deleted. Who screened whom and when stays in the audit log, by id.
"""

from __future__ import annotations

from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.registry import ErasureContext, register_eraser
from mppdesk.screening.models import NonRefoulementInterview, ScreeningDecision, ScreeningFacts


@register_eraser(
    "screening",
    models=(
        "screening.ScreeningFacts",
        "screening.ScreeningDecision",
        "screening.NonRefoulementInterview",
    ),
    order=400,
)
def erase_screening(context: ErasureContext) -> None:
    """Delete the person's screening facts, decisions and fear interviews."""
    person = context.person
    for model, object_type, fields in (
        (ScreeningFacts, ObjectType.SCREENING_FACTS, ["flags", "fear_asked", "fear_expressed"]),
        (ScreeningDecision, ObjectType.SCREENING_DECISION, ["result", "reasons", "note"]),
        (NonRefoulementInterview, ObjectType.FEAR_INTERVIEW, ["outcome", "notes"]),
    ):
        ids = list(model.objects.filter(person_id=person.pk).values_list("pk", flat=True))
        if not ids:
            continue
        model.objects.filter(pk__in=ids).delete()
        audit.record_many(
            actor=context.actor,
            organization=person.organization,
            action=AuditAction.DELETE,
            object_type=object_type,
            object_ids=ids,
            fields=fields,
        )
