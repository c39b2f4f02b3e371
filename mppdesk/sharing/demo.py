"""Demo referrals: a few pending referrals from the demo legal-aid organization to the demo
shelter network, so that ``caseworker.shelter`` finds something to accept.

``people.demo.load_demo`` calls ``add_demo_referrals`` after creating the people (inside
its transaction). Calling it again adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mppdesk.accounts.models import Organization, User
from mppdesk.core.registry import DemoContext, register_demo_loader
from mppdesk.people.models import Household
from mppdesk.sharing import services
from mppdesk.sharing.models import Referral

FROM_SLUG = "demo-legal-aid"
TO_SLUG = "demo-shelters"
REFERRER = "caseworker.legal"
PURPOSES = ["shelter_placement", "medical", "psychosocial"]
METHODS = ["verbal_in_person", "written_signature", "interpreter_assisted"]


def add_demo_referrals(count: int = 3) -> int:
    """Refer the lead respondents of the legal-aid organization's first ``count`` households
    to the shelter network (pending). Returns how many were created (0 if already done or
    if the demo organizations are missing)."""
    source = Organization.objects.filter(slug=FROM_SLUG).first()
    target = Organization.objects.filter(slug=TO_SLUG).first()
    actor = User.objects.filter(username=REFERRER).first()
    if source is None or target is None or actor is None:
        return 0
    if Referral.objects.filter(organization=source, to_organization=target).exists():
        return 0
    leads = (
        Household.objects.filter(organization=source, lead__isnull=False)
        .select_related("lead")
        .order_by("created_at", "id")[:count]
    )
    now = timezone.now()
    created = 0
    for index, household in enumerate(leads):
        assert household.lead is not None  # noqa: S101 - filtered above
        services.refer_person(
            actor=actor,
            person=household.lead,
            to_organization=target,
            consent_given_at=now - dt.timedelta(hours=index + 1),
            consent_method=METHODS[index % len(METHODS)],
            purpose=PURPOSES[index % len(PURPOSES)],
            purpose_note="Demo: familia con niños, necesita albergue cerca del puerto.",
        )
        created += 1
    return created


@register_demo_loader("sharing", order=200)
def load_referrals(context: DemoContext) -> int:
    """Pending referrals from the legal-aid organization to the shelter network."""
    return add_demo_referrals()
