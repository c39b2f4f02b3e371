"""Subject-access section of consent-based sharing (``core.registry``; assembled by
``privacy.subject_access``): every organization the person's record was referred to, with
the consent recorded, the purpose and what became of it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mppdesk.core.registry import register_subject_section
from mppdesk.people.models import Person
from mppdesk.people.subject_access import choice_label, iso
from mppdesk.sharing.models import Referral, ReferralPurpose, ReferralStatus


def describe(data: list[dict[str, Any]]) -> tuple[str, list[str]]:
    return _("Shared with other organizations"), [
        f"{r['to_organization']} — {choice_label(ReferralPurpose, r['purpose'])} — "
        f"{choice_label(ReferralStatus, r['status'])} ({_('consent given')} {r['consent_given_at']})"
        for r in data
    ]


@register_subject_section("referrals", order=90, models=("sharing.Referral",), describe=describe)
def referrals_section(person: Person) -> list[dict[str, Any]]:
    referrals = (
        Referral.objects.filter(person_id=person.pk)
        .select_related("to_organization")
        .order_by("created_at", "id")
    )
    return [
        {
            "to_organization": r.to_organization.name,
            "status": r.status,
            "consent_given_at": iso(r.consent_given_at),
            "consent_method": r.consent_method,
            "consent_note": r.consent_note,
            "purpose": r.purpose,
            "purpose_note": r.purpose_note,
            "created_at": iso(r.created_at),
            "decided_at": iso(r.decided_at),
            "decision_note": r.decision_note,
            "revoked_at": iso(r.revoked_at),
        }
        for r in referrals
    ]
