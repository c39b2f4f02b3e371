"""A person with everything a record can hold: languages, contacts, household, two cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from mppdesk.accounts.models import Membership
from mppdesk.cases import services as case_services
from mppdesk.cases.models import Case, CaseStatus
from mppdesk.people import services as people_services
from mppdesk.people.models import Person
from mppdesk.places.models import Port, Venue
from mppdesk.testing.factories import MembershipFactory, UserFactory


def signed_in(user: Any) -> Client:
    """A client past login and, where the project has it, two-factor verification."""
    client = Client()
    try:
        from mppdesk.accounts.testing import verified_login
    except ImportError:
        client.force_login(user)
        return client
    return verified_login(client, user)


@dataclass
class Family:
    lead: Person
    child: Person
    case: Case


def make_family(org: Any, actor: Any = None, a_number: str = "A012-345-678") -> Family:
    lead = people_services.create_person(
        actor=actor,
        organization=org,
        data={
            "given_names": "María José",
            "family_names": "Gonçalves Pérez",
            "other_names": ["Majo Perès"],
            "birth_date": "1987-03-14",
            "sex": "F",
            "nationality": "HND",
            "languages": [{"code": "spa", "preferred": True}, {"code": "eng"}],
            "vulnerabilities": ["pregnant"],
            "notes": "Amenazada en Tegucigalpa; prefiere llamadas por la tarde.",
        },
        contacts=[
            {"kind": "phone", "value": "+52 656 123 4567", "consent": True},
            {"kind": "email", "value": "majo@example.org", "consent": False},
        ],
    )
    child = people_services.create_family_member(
        actor=actor,
        lead=lead,
        relationship="child",
        data={
            "given_names": "Joãozinho",
            "family_names": "Gonçalves",
            "birth_date": "2019-08-01",
            "sex": "M",
            "nationality": "HND",
        },
    )
    case = case_services.open_case(
        actor=actor,
        organization=org,
        a_number=a_number,
        lead=lead,
        venue=Venue.objects.order_by("code").first(),
        port=Port.objects.order_by("code").first(),
        members=[child],
        opened_on=dt.date(2021, 2, 3),
    )
    case_services.add_case_note(
        actor=actor, case=case, summary="Audiencia reprogramada; avisó a María por teléfono."
    )
    return Family(lead=lead, child=child, case=case)


def close_case(case: Case, closed_on: dt.date) -> Case:
    case_services.update_case(actor=None, case=case, status=CaseStatus.CLOSED)
    # closed_on is set to today by the service; tests move it into the past.
    Case.objects.filter(pk=case.pk).update(closed_on=closed_on)
    case.refresh_from_db()
    return case


@pytest.fixture
def family(personas) -> Family:  # type: ignore[no-untyped-def]
    return make_family(personas.org, personas.caseworker)


@pytest.fixture
def supervisor(personas):  # type: ignore[no-untyped-def]
    user = UserFactory(username="supervisor")
    MembershipFactory(user=user, organization=personas.org, role=Membership.Role.SUPERVISOR)
    return user


@pytest.fixture
def analyst(personas):  # type: ignore[no-untyped-def]
    user = UserFactory(username="analyst")
    MembershipFactory(user=user, organization=personas.org, role=Membership.Role.ANALYST)
    return user


# The world with data in every app (erasure tests), shared with the subject-access tests.
from mppdesk.privacy.tests.test_erasure_everywhere import world  # noqa: E402, F401
