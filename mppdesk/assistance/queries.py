"""Reads of the assistance app for display; each checks permission and audits reads of
personal data.

A person's documents, needs and service referrals are read by the person's owning
organization. An organization the person was shared with (``sharing``) sees only the
service referrals made to it and their needs — what the service needs, no documents.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from mppdesk.accounts.permissions import Action, orgs_where
from mppdesk.assistance.models import (
    CLOSED_OUTCOMES,
    DocumentStatus,
    Need,
    NeedKind,
    NeedStatus,
    PersonDocument,
    ServiceProvider,
    ServiceReferral,
)
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import ObjectType
from mppdesk.core.clocks import utc_today
from mppdesk.people import queries as people_queries

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.people.models import Person

EXPIRY_NOTICE_DAYS = 30
#: A hearing whose reporting time is before this hour (port's local time) is "early".
EARLY_BEFORE_HOUR = 7


@dataclass
class PersonAssistance:
    person: Person
    owner: bool  # the actor works for the person's organization
    documents: list[PersonDocument]
    needs: list[Need]
    referrals: list[ServiceReferral]
    family: list[Person] = field(default_factory=list)


def get_person_assistance_for_view(actor: User, pk: Any) -> PersonAssistance:
    """The person's documents, needs and referrals (``Http404`` if not visible)."""
    person = people_queries.get_person(actor, pk)
    owner = person.organization_id in orgs_where(actor, Action.PERSON_READ)
    family = family_of(person)
    if owner:
        # The family's needs and referrals together: a child's school need is the child's.
        members = [p.pk for p in family]
        documents = list(person.documents.prefetch_related("events"))
        needs = list(
            Need.objects.filter(person_id__in=members).select_related(
                "person", "hearing", "shelter"
            )
        )
        referrals = list(
            ServiceReferral.objects.filter(person_id__in=members).select_related(
                "provider", "need", "person"
            )
        )
        fields = ["documents", "needs", "service_referrals"]
    else:
        mine = orgs_where(actor, Action.PERSON_READ)
        referrals = list(
            person.service_referrals.filter(provider__organization_id__in=mine).select_related(
                "provider", "need"
            )
        )
        needs = list(
            Need.objects.filter(pk__in=[r.need_id for r in referrals]).select_related("person")
        )
        documents = []
        family = [person]
        fields = ["service_referrals"]
    audit.record_view(actor=actor, obj=person, object_type=ObjectType.PERSON, fields=fields)
    return PersonAssistance(person, owner, documents, needs, referrals, family)


def family_of(person: Person) -> list[Person]:
    """The person and everyone on a case with them (a family's needs are recorded each)."""
    from mppdesk.people.models import Person as PersonModel

    return list(
        PersonModel.objects.filter(
            case_memberships__case__members__person=person,
            organization_id=person.organization_id,
        ).distinct()
    ) or [person]


def referrals_for(actor: User) -> QuerySet[ServiceReferral]:
    return ServiceReferral.objects.filter(organization_id__in=orgs_where(actor, Action.PERSON_READ))


def documents_for(actor: User) -> QuerySet[PersonDocument]:
    return PersonDocument.objects.filter(organization_id__in=orgs_where(actor, Action.PERSON_READ))


@dataclass
class Worklist:
    overdue: list[ServiceReferral]
    expiring: list[PersonDocument]
    exposed: list[Any]  # cases with the document-exposure flag


def worklist(actor: User, *, today: dt.date | None = None) -> Worklist:
    """The case worker's list: referrals whose follow-up is due, documents expiring
    within ``EXPIRY_NOTICE_DAYS``, and cases whose court documents were exposed."""
    from mppdesk.cases.models import Case

    today = today or utc_today()
    orgs = orgs_where(actor, Action.PERSON_READ)
    overdue = list(
        referrals_for(actor)
        .filter(follow_up_on__lte=today)
        .exclude(outcome__in=CLOSED_OUTCOMES)
        .select_related("person", "provider", "need")
        .order_by("follow_up_on", "id")
    )
    expiring = list(
        documents_for(actor)
        .filter(
            status=DocumentStatus.ISSUED,
            expires_on__lte=today + dt.timedelta(days=EXPIRY_NOTICE_DAYS),
        )
        .select_related("person")
        .order_by("expires_on", "id")
    )
    exposed = list(
        Case.objects.filter(organization_id__in=orgs, document_exposed_at__isnull=False)
        .select_related("lead")
        .order_by("-document_exposed_at")
    )
    seen: dict[Any, Person] = {}
    for referral in overdue:
        seen.setdefault(referral.person_id, referral.person)
    for document in expiring:
        seen.setdefault(document.person_id, document.person)
    for someone in seen.values():
        audit.record_view(
            actor=actor, obj=someone, object_type=ObjectType.PERSON, fields=["worklist"]
        )
    return Worklist(overdue, expiring, exposed)


def providers(*, city: str = "", service: str = "") -> list[ServiceProvider]:
    """Active service providers (public directory data, no personal data), by city and
    service offered."""
    rows = ServiceProvider.objects.filter(is_active=True).select_related("organization")
    if city:
        rows = rows.filter(city=city)
    return [p for p in rows if not service or service in p.services]


def providers_for_need(need: Need) -> list[ServiceProvider]:
    rows = ServiceProvider.objects.filter(is_active=True).select_related("organization")
    return [p for p in rows if not p.services or need.kind in p.services]


# --- hearing-day transport ---------------------------------------------------------------


@dataclass
class TransportRider:
    person: Person
    shelter: str
    report_at: dt.datetime
    accompaniment: bool


@dataclass
class TransportMorning:
    port: str
    day: dt.date
    timezone: str
    riders: list[TransportRider]

    @property
    def per_shelter(self) -> list[tuple[str, int]]:
        return sorted(Counter(r.shelter for r in self.riders).items())


def transport_list(actor: User, *, day: dt.date) -> list[TransportMorning]:
    """People who asked for transport or accompaniment to a hearing reporting early on
    ``day`` (port's local date), per port; names and shelters only, no A-numbers."""
    from zoneinfo import ZoneInfo

    orgs = orgs_where(actor, Action.PERSON_READ)
    needs = (
        Need.objects.filter(
            organization_id__in=orgs,
            kind=NeedKind.TRANSPORT,
            hearing__isnull=False,
            hearing__report_at__isnull=False,
        )
        .exclude(status=NeedStatus.CLOSED)
        .select_related("person", "shelter", "hearing__port", "hearing__case__port")
    )
    mornings: dict[tuple[str, dt.date], TransportMorning] = {}
    by_key: dict[tuple[str, dt.date], list[TransportRider]] = defaultdict(list)
    for need in needs:
        hearing = need.hearing
        if hearing is None:
            continue
        port = hearing.port or hearing.case.port
        if port is None or hearing.report_at is None:
            continue
        local = hearing.report_at.astimezone(ZoneInfo(port.timezone))
        if local.date() != day or local.hour >= EARLY_BEFORE_HOUR:
            continue
        key = (port.name, local.date())
        mornings.setdefault(key, TransportMorning(port.name, local.date(), port.timezone, []))
        shelter = need.shelter.name if need.shelter else "—"
        by_key[key].append(
            TransportRider(need.person, shelter, hearing.report_at, need.accompaniment)
        )
    result = []
    for key in sorted(mornings):
        morning = mornings[key]
        morning.riders = sorted(by_key[key], key=lambda r: (r.report_at, r.shelter))
        result.append(morning)
        for rider in morning.riders:
            audit.record_view(
                actor=actor,
                obj=rider.person,
                object_type=ObjectType.PERSON,
                fields=["transport_list"],
            )
    return result
