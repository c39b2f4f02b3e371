"""Erasure: the person's detentions, transfer-group memberships (so every manifest) and
movement timeline (``core.registry``).

The rows are deleted: where a person was held, moved and housed is what locates them.
A group the person was to travel with keeps its other members; if it is approved and
not yet departed, the person's shelter place is given back. Group counts in
``TransferGroup.summary`` are numbers only and stay. Manifests are built from the member
rows when exported, so none lists the person afterwards.
"""

from __future__ import annotations

from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.registry import ErasureContext, register_eraser
from mppdesk.places import services as places
from mppdesk.transfers.models import (
    Detention,
    GroupStatus,
    MovementEvent,
    TransferGroup,
    TransferMember,
)


@register_eraser(
    "transfers",
    models=("transfers.Detention", "transfers.TransferMember", "transfers.MovementEvent"),
    order=400,
)
def erase_transfers(context: ErasureContext) -> None:
    """Delete the person's detentions, group memberships and movements; give back the
    shelter place of an approved group."""
    person = context.person
    members = list(
        TransferMember.objects.filter(person_id=person.pk).select_related("group", "shelter")
    )
    for member in members:
        group = TransferGroup.objects.select_for_update().get(pk=member.group_id)
        if group.status == GroupStatus.APPROVED and member.included and member.shelter:
            places.release_shelter(member.shelter, 1, start=group.date, nights=group.stay_nights)
    for model, object_type, fields in (
        (TransferMember, ObjectType.TRANSFER_MEMBER, ["group", "seat", "shelter", "reason"]),
        (MovementEvent, ObjectType.MOVEMENT_EVENT, ["kind", "at", "port", "shelter"]),
        (Detention, ObjectType.DETENTION, ["facility", "since", "roster_id"]),
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
