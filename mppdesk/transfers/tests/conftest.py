from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from django.utils import timezone

from mppdesk.people.models import Household, HouseholdMember, Person, PersonLanguage
from mppdesk.places.models import DetentionFacility, Port, Shelter
from mppdesk.screening.models import ScreeningFacts
from mppdesk.transfers.models import Detention


def detain(
    organization: Any,
    facility: DetentionFacility,
    size: int = 1,
    *,
    vulnerabilities: Sequence[Sequence[str]] = (),
    flags: Sequence[Sequence[str]] = (),
    nationality: str = "HND",
    since: dt.date | None = None,
) -> list[Person]:
    """A household of ``size`` people (one person alone when 1) detained at ``facility``,
    asked the fear question (none expressed): amenable under 2021 unless told otherwise."""
    today = timezone.localdate()
    people = []
    for index in range(size):
        person = Person(
            organization=organization,
            given_names=f"Nombre{index}",
            family_names="Apellido Prueba",
            birth_year=1990 if index < 2 else 2015,
            sex="F" if index % 2 else "M",
            nationality=nationality,
            vulnerabilities=list(vulnerabilities[index]) if index < len(vulnerabilities) else [],
        )
        person.save()
        PersonLanguage.objects.create(person=person, code="spa", preferred=True)
        ScreeningFacts.objects.create(
            organization=organization,
            person=person,
            flags=list(flags[index]) if index < len(flags) else [],
            fear_asked=True,
            fear_asked_at=timezone.now(),
        )
        Detention.objects.create(
            id=uuid.uuid4(),
            organization=organization,
            person=person,
            facility=facility,
            since=since or today - dt.timedelta(days=10),
        )
        people.append(person)
    if size > 1:
        household = Household.objects.create(organization=organization, lead=people[0])
        for index, person in enumerate(people):
            HouseholdMember.objects.create(
                household=household,
                person=person,
                relationship="lead" if index == 0 else "child",
            )
    return people


@pytest.fixture
def facility(db: Any) -> DetentionFacility:
    return DetentionFacility.objects.get(code="el-paso-service-processing-center")


@pytest.fixture
def port(db: Any) -> Port:
    return Port.objects.get(code="el-paso")


@pytest.fixture
def small_shelters(db: Any) -> list[Shelter]:
    """Ciudad Juárez with two small shelters only (the seeded ones made inactive)."""
    Shelter.objects.filter(city="Ciudad Juarez").update(active=False)
    return [
        Shelter.objects.create(code="t-a", name="Test A", city="Ciudad Juarez", capacity=6),
        Shelter.objects.create(code="t-b", name="Test B", city="Ciudad Juarez", capacity=4),
    ]


@pytest.fixture
def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def today() -> dt.date:
    """A group of today may be marked departed and arrived (not one of tomorrow)."""
    return timezone.localdate()
