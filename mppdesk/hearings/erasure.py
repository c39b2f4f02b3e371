"""Erasure: the free texts of the hearings of a person's cases (``core.registry``).

Hearings, notices and follow-ups belong to the case, which is kept; their free texts
(continuance reasons, notice addresses, follow-up notes) may name or locate anyone on
the case and are blanked at the first erasure of a member, like the case timeline.
"""

from __future__ import annotations

from mppdesk.cases.models import Case, CaseMember
from mppdesk.core.registry import ErasureContext, register_eraser


@register_eraser(
    "hearings",
    models=("hearings.Hearing", "hearings.Notice", "hearings.InAbsentiaFollowUp"),
    order=700,
)
def erase_hearing_data(context: ErasureContext) -> None:
    """Continuance reasons, notice addresses and follow-up notes of the person's cases."""
    from mppdesk.hearings.services import erase_hearing_texts

    cases = Case.objects.filter(
        pk__in=CaseMember.objects.filter(person_id=context.person.pk).values("case_id")
    ).order_by("opened_on", "id")
    for case in cases:
        erase_hearing_texts(actor=context.actor, case=case)
