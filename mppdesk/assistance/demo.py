"""Demo documents, needs and service referrals, on top of ``people.demo.load_demo``.

For the first demo families of the shelter network (``caseworker.shelter``) and of the
legal-aid organization: a CURP needed, an FMM about to expire, the US hearing notice;
school for each child, a clinic, and transport to the port for families with a hearing
ahead (with the shelter they stay at); referrals to the synthetic providers of their
city, some with a follow-up due today. One father's hearing notice was stolen, so his
case carries the document-exposure flag. The legal-aid organization is also listed as a
provider in MPP Desk, so a shelter's legal need referred to it lands in its queue.
Calling it again adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mppdesk.core.clocks import utc_today
from mppdesk.core.registry import DemoContext, register_demo_loader

FAMILIES = {"demo-shelters": ("caseworker.shelter", 12), "demo-legal-aid": ("caseworker.legal", 6)}
LEGAL_PROVIDER = "demo-legal-aid"


def add_demo_assistance() -> int:
    """Add the demo records; returns how many needs were created (0 if already done)."""
    from mppdesk.accounts.models import Organization, User
    from mppdesk.assistance import services
    from mppdesk.assistance.models import PersonDocument, ServiceProvider
    from mppdesk.cases.models import Case
    from mppdesk.hearings.models import Hearing, HearingStatus
    from mppdesk.places.models import Shelter

    if PersonDocument.objects.filter(organization__slug__in=list(FAMILIES)).exists():
        return 0
    legal = Organization.objects.filter(slug=LEGAL_PROVIDER).first()
    cities = sorted(set(ServiceProvider.objects.values_list("city", flat=True)))
    if legal is not None:
        for city in cities:
            ServiceProvider.objects.get_or_create(
                city=city, name=f"{legal.name} — {city}",
                defaults={"organization": legal, "services": ["legal_us"],
                          "languages": ["es", "en", "pt"], "contact": "demo@example.org",
                          "synthetic": True},
            )  # fmt: skip
    today = utc_today()
    now = timezone.now()
    made = 0
    flagged = False
    for slug, (username, count) in FAMILIES.items():
        actor = User.objects.filter(username=username).first()
        if actor is None:
            continue
        cases = list(
            Case.objects.filter(organization__slug=slug)
            .select_related("lead", "port")
            .prefetch_related("members__person")
            .order_by("created_at", "id")[:count]
        )
        for index, case in enumerate(cases):
            lead = case.lead
            city = case.port.mexican_city if case.port else ""
            services.add_document(actor=actor, person=lead, kind="curp", status="needed")
            services.add_document(
                actor=actor, person=lead, kind="fmm", status="issued", office="INM",
                number=f"FMM{100000 + index * 37}", on=today - dt.timedelta(days=150),
                expires_on=today + dt.timedelta(days=5 + index),
            )  # fmt: skip
            notice = services.add_document(
                actor=actor, person=lead, kind="nta", status="issued", office="DHS / EOIR"
            )
            if slug == "demo-shelters" and not flagged and len(case.members.all()) > 1:
                services.change_document_status(actor=actor, document=notice, status="stolen")
                flagged = True
            needs = [services.add_need(actor=actor, person=lead, kind="health", priority="high")]
            for member in case.members.all():
                person = member.person
                if person.pk != lead.pk and (person.age_on(today) or 99) < 18:
                    needs.append(services.add_need(actor=actor, person=person, kind="school"))
            hearing = (
                Hearing.objects.filter(
                    case=case, status=HearingStatus.SCHEDULED, scheduled_at__gt=now
                )
                .order_by("scheduled_at")
                .first()
            )
            if hearing is not None:
                services.add_need(
                    actor=actor, person=lead, kind="transport", priority="urgent", hearing=hearing,
                    shelter=Shelter.objects.filter(city=city).order_by("name").first(),
                    accompaniment=index % 2 == 0,
                )  # fmt: skip
            made += len(needs)
            for need in needs[: 1 + index % 2]:
                provider = next(
                    (
                        p for p in ServiceProvider.objects.filter(city=city, organization__isnull=True)
                        if need.kind in p.services
                    ),
                    None,
                )  # fmt: skip
                if provider is None:
                    continue
                referral = services.refer_need(
                    actor=actor, need=need, provider=provider,
                    consent_given_at=now - dt.timedelta(days=8),
                    consent_method="verbal_in_person",
                    referred_on=today - dt.timedelta(days=8),
                    follow_up_on=today - dt.timedelta(days=index % 3),
                )  # fmt: skip
                if index % 4 == 3:
                    services.record_referral_outcome(
                        actor=actor, referral=referral, outcome="received"
                    )
    return made


@register_demo_loader("assistance", order=500)
def load_assistance(context: DemoContext) -> int:
    """Documents, needs and service referrals of the first families."""
    return add_demo_assistance()
