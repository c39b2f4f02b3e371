"""A shelter's family: the father's case (A-number, date of birth, phone on file), two
children on it, a hearing ahead at El Paso. The shelter is ``personas.other_org`` (its
case worker is ``personas.outsider``); the legal-aid organization ``personas.org`` is the
other organization, whose case worker must see none of it without a referral."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from mppdesk.accounts.testing import verified_login
from mppdesk.cases.models import Case
from mppdesk.cases.services import add_case_member
from mppdesk.hearings.models import Hearing
from mppdesk.people.models import Person
from mppdesk.selfservice.tests.conftest import TOKEN, make_case, schedule
from mppdesk.testing.factories import ContactPointFactory, PersonFactory

A_NUMBER = "034567891"
BIRTH = dt.date(1988, 4, 9)
FATHER_PHONE = "+526561112233"


@pytest.fixture(autouse=True)
def selfservice_settings(settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = "http://testserver"
    settings.MPPDESK_SELFSERVICE_MIN_RESPONSE_MS = 0
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 10


@dataclass
class Family:
    case: Case
    father: Person
    children: list[Person]
    hearing: Hearing


@pytest.fixture
def family(personas: Any) -> Family:
    from mppdesk.accounts.models import Membership
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    shelter = personas.other_org
    coordinator = UserFactory(username="shelter-coordinator")
    MembershipFactory(user=coordinator, organization=shelter, role=Membership.Role.COORDINATOR)
    case = make_case(shelter, a_number=A_NUMBER, birth=BIRTH)
    children = [
        PersonFactory(organization=shelter, birth_date=dt.date(2016, 5, 1)),
        PersonFactory(organization=shelter, birth_date=dt.date(2019, 2, 3)),
    ]
    for child in children:
        add_case_member(actor=None, case=case, person=child)
    ContactPointFactory(person=case.lead, value=FATHER_PHONE)
    hearing = schedule(case, coordinator)
    return Family(case=case, father=case.lead, children=children, hearing=hearing)


@pytest.fixture
def shelter_client(personas: Any) -> Client:
    return verified_login(Client(), personas.outsider)


@pytest.fixture
def legal_client(personas: Any) -> Client:
    return verified_login(Client(), personas.caseworker)
