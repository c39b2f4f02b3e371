"""Erasure: the person's referrals (``core.registry``).

Open referrals are revoked first (the receivers lose access, audited as usual), then
every referral of the person is deleted: its purpose and receiving organization say
what help the person sought (medical, psychosocial...), which is their data. Who was
given access and when stays in the audit log, whose entries name the person by id.
"""

from __future__ import annotations

from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.registry import ErasureContext, register_eraser
from mppdesk.sharing.models import Referral


@register_eraser("sharing", models=("sharing.Referral",), order=100)
def erase_referrals(context: ErasureContext) -> None:
    """Revoke the person's open referrals, then delete all of them."""
    from mppdesk.sharing.services import revoke_all_for_person

    person = context.person
    revoke_all_for_person(actor=context.actor, person=person)
    ids = list(Referral.objects.filter(person=person).values_list("pk", flat=True))
    if not ids:
        return
    Referral.objects.filter(pk__in=ids).delete()
    audit.record_many(
        actor=context.actor,
        organization=person.organization,
        action=AuditAction.DELETE,
        object_type=ObjectType.REFERRAL,
        object_ids=ids,
        fields=["consent_note", "purpose", "purpose_note", "decision_note", "to_organization"],
    )
