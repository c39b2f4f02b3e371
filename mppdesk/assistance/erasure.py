"""Erasure: the person's documents (with their timelines), needs and service referrals."""

from __future__ import annotations

from mppdesk.assistance.models import Need, PersonDocument, ServiceReferral
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.registry import ErasureContext, register_eraser


@register_eraser(
    "assistance",
    models=(
        "assistance.PersonDocument",
        "assistance.DocumentEvent",
        "assistance.Need",
        "assistance.ServiceReferral",
    ),
    order=90,
)
def erase_assistance(context: ErasureContext) -> None:
    """Delete the person's documents, needs and service referrals."""
    person = context.person
    for model, kind, fields in (
        (ServiceReferral, ObjectType.SERVICE_REFERRAL, ["need", "provider", "note", "outcome"]),
        (PersonDocument, ObjectType.DOCUMENT, ["kind", "status", "number", "office", "events"]),
        (Need, ObjectType.NEED, ["kind", "priority", "status", "note"]),
    ):
        ids = list(model.objects.filter(person=person).values_list("pk", flat=True))
        if not ids:
            continue
        model.objects.filter(pk__in=ids).delete()
        audit.record_many(
            actor=context.actor, organization=person.organization, action=AuditAction.DELETE,
            object_type=kind, object_ids=ids, fields=fields,
        )  # fmt: skip
