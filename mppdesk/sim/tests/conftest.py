"""A small installation for the ``current`` scenario, and the people who run the simulator.

Organization A (``personas.org``, legal services), all at El Paso:

- 30 people on 30 open cases opened ten weeks ago, 10 with a contact point they agreed to;
- 8 of them with a hearing booked three weeks from now (a docket of 12 seats), its
  notice served for 6 of the 8;
- a planned transfer group of 40 people (not yet planned: its target size) in two weeks;
- one closed case (not waiting).

Organization B (``personas.other_org``, a shelter): 12 people on open cases at Laredo.

El Paso's court has a weekly docket template of 20 seats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

import pytest
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.models import Membership, Organization, User
from mppdesk.cases.models import Case, CaseStatus
from mppdesk.places.models import Port
from mppdesk.testing.factories import (
    CaseFactory,
    ContactPointFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

A_PEOPLE = 30
A_REACHABLE = 10
A_BOOKED = 8
A_NOTICES = 6
B_PEOPLE = 12
GROUP = 40
TEMPLATE_SEATS = 20
DOCKET_SEATS = 12


@dataclass
class Installation:
    org: Organization
    other_org: Organization
    cases: list[Case]


def member(org: Organization, role: str, username: str) -> User:
    user = cast(User, UserFactory(username=username))
    MembershipFactory(user=user, organization=org, role=role)
    return user


def signed_in(user: User, language: str = "en") -> Client:
    from mppdesk.accounts.testing import verified_login

    return verified_login(Client(HTTP_ACCEPT_LANGUAGE=language), user)


@pytest.fixture
def analyst(personas: Any) -> User:
    return member(personas.org, Membership.Role.ANALYST, "analista")


@pytest.fixture
def program_analyst(db: Any) -> User:
    coordinator = OrganizationFactory(
        name="Coordinación", slug="coord", kind=Organization.Kind.COORDINATOR
    )
    return member(coordinator, Membership.Role.ANALYST, "analista-programa")


@pytest.fixture
def installation(personas: Any) -> Installation:
    from mppdesk.hearings import hearing_services
    from mppdesk.hearings.calendar import federal_holiday
    from mppdesk.hearings.models import Docket, DocketTemplate, Notice
    from mppdesk.transfers.models import TransferGroup

    org, other = personas.org, personas.other_org
    el_paso = Port.objects.get(code="el-paso")
    laredo = Port.objects.get(code="laredo")
    today = timezone.localdate()
    opened = today - dt.timedelta(weeks=10)
    cases = [
        cast(Case, CaseFactory(organization=org, port=el_paso, venue=el_paso.venue,
                               status=CaseStatus.ACTIVE, opened_on=opened))
        for _ in range(A_PEOPLE)
    ]  # fmt: skip
    CaseFactory(organization=org, port=el_paso, status=CaseStatus.CLOSED, opened_on=opened)
    for case in cases[:A_REACHABLE]:
        ContactPointFactory(person=case.lead)
    for _ in range(B_PEOPLE):
        CaseFactory(organization=other, port=laredo, status=CaseStatus.ACTIVE, opened_on=opened)
    hearing_day = today + dt.timedelta(weeks=3)
    while federal_holiday(hearing_day) is not None:  # no hearing on a court holiday
        hearing_day += dt.timedelta(days=1)
    docket = Docket.objects.create(
        venue=el_paso.venue, date=hearing_day, session="am", courtroom="1",
        capacity=DOCKET_SEATS, interpreter_languages=["spa"], starts_at=dt.time(8),
    )  # fmt: skip
    for i, case in enumerate(cases[:A_BOOKED]):
        hearing = hearing_services.schedule_hearing(actor=None, case=case, docket=docket)
        if i < A_NOTICES:
            Notice.objects.filter(hearing=hearing).update(served_at=timezone.now())
        else:
            Notice.objects.filter(hearing=hearing).update(served_at=None)
    DocketTemplate.objects.create(
        venue=el_paso.venue, weekday=1, session="am", courtroom="2",
        capacity=TEMPLATE_SEATS, interpreter_languages=["spa"],
    )  # fmt: skip
    TransferGroup.objects.create(
        organization=org, name="grupo", date=today + dt.timedelta(weeks=2), port=el_paso,
        receiving_city="Ciudad Juarez", target_size=GROUP, rules_version="2021",
    )  # fmt: skip
    return Installation(org, other, cases)
