"""A small, known population in two organizations, and the people who look at its figures.

Organization A (``personas.org``), 20 people:

- nationality: 12 HND, 6 GTM, 2 CUB; sex: 11 F, 9 M; all born 1990 except 4 born 2015;
- households: one at port P1 with 8 members, one at port P2 with 3; 9 people in none;
- languages: everyone speaks Spanish (2 need an interpreter); 6 also speak Q'eqchi'
  (3 need an interpreter);
- vulnerabilities: 7 "child", 3 "pregnant";
- 6 cases at venue V1: 5 active, 1 closed (ports: 5 at P1, 1 at P2);
- registered: 15 in January 2025, 5 in March 2025.

Organization B (``personas.other_org``): 7 people from VEN, no household, no case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from mppdesk.accounts.models import Membership, Organization
from mppdesk.cases.models import Case, CaseStatus
from mppdesk.people.models import Household, HouseholdMember, Person, PersonLanguage
from mppdesk.places.models import Port, Venue
from mppdesk.testing.factories import (
    CaseFactory,
    ContactPointFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)

JAN = dt.datetime(2025, 1, 15, 12, tzinfo=dt.UTC)
MAR = dt.datetime(2025, 3, 10, 12, tzinfo=dt.UTC)


@dataclass
class World:
    org: Organization
    other_org: Organization
    people: list[Person]
    others: list[Person]
    p1: Port
    p2: Port
    v1: Venue
    cases: list[Case]


def _household(org: Organization, port: Port, members: list[Person]) -> Household:
    household = Household.objects.create(organization=org, lead=members[0], port=port)
    for i, person in enumerate(members):
        HouseholdMember.objects.create(
            household=household, person=person, relationship="lead" if i == 0 else "child"
        )
    return household


@pytest.fixture
def world(personas: Any) -> World:
    org, other = personas.org, personas.other_org
    p1, p2 = list(Port.objects.order_by("code")[:2])
    v1 = Venue.objects.order_by("code").first()
    assert v1 is not None
    nationalities = ["HND"] * 12 + ["GTM"] * 6 + ["CUB"] * 2
    people = []
    for i, nationality in enumerate(nationalities):
        child = i in (0, 1, 12, 13)
        vulnerabilities = ["child"] * (i < 7) + ["pregnant"] * (i in (14, 15, 16))
        person = PersonFactory(
            organization=org,
            given_names=f"Xiomara{chr(65 + i)}",
            family_names="Quintanilla Urrutia",
            nationality=nationality,
            sex="F" if i % 2 == 0 or i == 19 else "M",
            birth_date=dt.date(2015 if child else 1990, 5, 1),
            vulnerabilities=vulnerabilities,
        )
        people.append(person)
        ContactPointFactory(person=person)
    for person in people[:2]:
        PersonLanguage.objects.filter(person=person).update(needs_interpreter=True)
    for i, person in enumerate(people[10:16]):
        PersonLanguage.objects.create(person=person, code="kek", needs_interpreter=i < 3)
    _household(org, p1, people[:8])
    _household(org, p2, people[8:11])
    cases = [
        CaseFactory(
            organization=org,
            lead=people[i],
            venue=v1,
            port=p1 if i < 5 else p2,
            status=CaseStatus.CLOSED if i == 5 else CaseStatus.ACTIVE,
            opened_on=dt.date(2025, 1, 20),
        )
        for i in range(6)
    ]
    Person.objects.filter(pk__in=[p.pk for p in people[:15]]).update(created_at=JAN)
    Person.objects.filter(pk__in=[p.pk for p in people[15:]]).update(created_at=MAR)
    others = [
        PersonFactory(organization=other, given_names="Yolanda", family_names="Berrizbeitia",
                      nationality="VEN")
        for _ in range(7)
    ]  # fmt: skip
    Person.objects.filter(pk__in=[p.pk for p in others]).update(created_at=MAR)
    return World(org, other, people, others, p1, p2, v1, cases)


def member(org: Organization, role: str, username: str) -> Any:
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=org, role=role)
    return user


def signed_in(user: Any) -> Client:
    from mppdesk.accounts.testing import verified_login

    return verified_login(Client(HTTP_ACCEPT_LANGUAGE="en"), user)


@pytest.fixture
def analyst(personas: Any) -> Any:
    """An analyst of organization A."""
    return member(personas.org, Membership.Role.ANALYST, "analista")


@pytest.fixture
def program_analyst(db: Any) -> Any:
    """An analyst of the program coordinator: sees every organization."""
    coordinator = OrganizationFactory(
        name="Coordinación", slug="coord", kind=Organization.Kind.COORDINATOR
    )
    return member(coordinator, Membership.Role.ANALYST, "analista-programa")


@pytest.fixture
def auditor(personas: Any) -> Any:
    return member(personas.org, Membership.Role.AUDITOR, "auditora")
