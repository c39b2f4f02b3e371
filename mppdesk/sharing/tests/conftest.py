"""Sharing personas on top of the shared ones (``conftest.py`` at the root):

- ``personas.org`` (legal aid) owns the person; ``personas.caseworker`` refers.
- ``personas.other_org`` (shelter) receives; ``personas.outsider`` is its case worker.
- ``third``: a case worker of a third organization, on neither side of any referral.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.models import Membership
from mppdesk.accounts.testing import verified_login
from mppdesk.cases import services as case_services
from mppdesk.cases.models import Case
from mppdesk.people import services as people_services
from mppdesk.people.models import Person
from mppdesk.sharing import services
from mppdesk.sharing.models import Referral
from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

NAME = "Xiomara Beatriz"


@dataclass
class Family:
    lead: Person
    child: Person
    case: Case


@pytest.fixture
def family(personas: Any) -> Family:
    lead = people_services.create_person(
        actor=personas.caseworker,
        organization=personas.org,
        data={
            "given_names": NAME,
            "family_names": "Quintanilla Oyuela",
            "birth_date": "1990-05-06",
        },
        contacts=[{"kind": "phone", "value": "+52 656 765 4321", "consent": True}],
    )
    child = people_services.create_family_member(
        actor=personas.caseworker,
        lead=lead,
        relationship="child",
        data={"given_names": "Yahir", "family_names": "Quintanilla", "birth_date": "2018-01-02"},
    )
    case = case_services.open_case(
        actor=personas.caseworker,
        organization=personas.org,
        a_number="A098-765-432",
        lead=lead,
        members=[child],
    )
    return Family(lead=lead, child=child, case=case)


@pytest.fixture
def third(db: Any) -> Any:
    org = OrganizationFactory(name="Clínica Fronteriza", slug="clinica")
    user = UserFactory(username="stranger")
    MembershipFactory(user=user, organization=org, role=Membership.Role.CASEWORKER)
    return user


def role_in(org: Any, role: str, username: str) -> Any:
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=org, role=role)
    return user


def consent(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "consent_given_at": timezone.now() - dt.timedelta(minutes=5),
        "consent_method": "verbal_in_person",
        "purpose": "shelter_placement",
        "consent_note": "Aceptó en presencia de su abogada.",
        "purpose_note": "Necesita albergue con su hijo.",
    }
    values.update(overrides)
    return values


def refer(personas: Any, person: Person, to: Any = None, **overrides: Any) -> Referral:
    return services.refer_person(
        actor=personas.caseworker,
        person=person,
        to_organization=to or personas.other_org,
        **consent(**overrides),
    )


def accepted(personas: Any, person: Person) -> Referral:
    referral = refer(personas, person)
    return services.accept_referral(actor=personas.outsider, referral=referral)


@pytest.fixture
def third_client(third: Any) -> Client:
    return verified_login(Client(), third)
