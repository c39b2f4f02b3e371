"""Screening fixtures: an administrator, a household with members, datetimes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.models import Membership
from mppdesk.accounts.testing import verified_login
from mppdesk.people.models import Household, HouseholdMember, Person
from mppdesk.testing.factories import (
    HouseholdFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)


def make_person(org: Any, **kwargs: Any) -> Person:
    kwargs.setdefault("nationality", "HND")
    kwargs.setdefault("vulnerabilities", [])
    # A fixed adult age: random ages would fire the "elderly" rule now and then.
    kwargs.setdefault(
        "birth_date", timezone.localdate().replace(day=1) - dt.timedelta(days=365 * 30)
    )
    person: Person = PersonFactory(organization=org, **kwargs)
    return person


def make_household(org: Any, *members: dict[str, Any]) -> tuple[Household, list[Person]]:
    """A household whose lead has the first member's attributes."""
    lead = make_person(org, **(members[0] if members else {}))
    household: Household = HouseholdFactory(organization=org, lead=lead)
    people = [lead]
    for attrs in members[1:]:
        person = make_person(org, **attrs)
        HouseholdMember.objects.create(household=household, person=person, relationship="child")
        people.append(person)
    return household, people


@pytest.fixture
def admin(personas: Any) -> Any:
    user = UserFactory(username="screening-admin")
    MembershipFactory(user=user, organization=personas.org, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def coordinator_client(personas: Any) -> Client:
    client = verified_login(Client(), personas.coordinator)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def admin_client(admin: Any) -> Client:
    client = verified_login(Client(), admin)
    client.cookies["django_language"] = "en"
    return client
