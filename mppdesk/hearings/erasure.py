"""Erasure: the free texts of the hearings of a person's cases (``core.registry``).

Hearings, notices and follow-ups belong to the case, which is kept; their free texts
(continuance reasons, notice addresses, follow-up notes) may name or locate anyone on
the case and are blanked at the first erasure of a member, like the case timeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from mppdesk.audit import services as audit
from mppdesk.cases.models import Case, CaseMember
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.registry import ErasureContext, register_eraser
from mppdesk.hearings.models import Hearing, InAbsentiaFollowUp, Notice

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


@register_eraser(
    "hearings",
    models=("hearings.Hearing", "hearings.Notice", "hearings.InAbsentiaFollowUp"),
    order=700,
)
def erase_hearing_data(context: ErasureContext) -> None:
    """Continuance reasons, notice addresses and follow-up notes of the person's cases."""
    cases = Case.objects.filter(
        pk__in=CaseMember.objects.filter(person_id=context.person.pk).values("case_id")
    ).order_by("opened_on", "id")
    for case in cases:
        erase_hearing_texts(actor=context.actor, case=case)


@transaction.atomic
def erase_hearing_texts(*, actor: User | None, case: Case) -> int:
    """Blank the free texts of a case's hearings (reasons, notice addresses, follow-up
    notes): for the erasure of the people on the case (``privacy.services``).
    Returns how many rows changed."""
    changed = 0
    for hearing in Hearing.objects.filter(case=case):
        if hearing.continuance_reason:
            hearing.continuance_reason = ""
            hearing.save(update_fields=["continuance_reason"])
            changed += 1
    for notice in Notice.objects.filter(hearing__case=case):
        if notice.address:
            notice.address = ""
            notice.save(update_fields=["address"])
            changed += 1
    for follow_up in InAbsentiaFollowUp.objects.filter(hearing__case=case):
        if follow_up.notes:
            follow_up.notes = ""
            follow_up.save(update_fields=["notes"])
            changed += 1
    if changed:
        audit.record(
            actor=actor,
            organization=case.organization,
            action=AuditAction.UPDATE,
            object_type=ObjectType.CASE,
            object_id=case.pk,
            fields=["hearings"],
        )
    return changed
