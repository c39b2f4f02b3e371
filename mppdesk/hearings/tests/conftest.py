"""Hearings fixtures on top of the shared personas (``conftest.py`` at the root):

- ``personas.org`` owns the cases; ``personas.coordinator`` schedules (``docket.manage``);
  ``personas.caseworker`` records notices and outcomes; ``personas.outsider`` (another
  organization) sees none of it.
- Places come from the seeding migrations: El Paso court (America/Denver), the ports of
  El Paso (Ciudad Juárez, America/Ciudad_Juarez) and Nogales (America/Hermosillo).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mppdesk.accounts.models import Membership
from mppdesk.cases.models import Case, CaseMember
from mppdesk.hearings.models import Docket, Session
from mppdesk.people.models import PersonLanguage
from mppdesk.places.models import Port, Venue
from mppdesk.testing.factories import (
    CaseFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)

EL_PASO = "el-paso-immigration-court"


@pytest.fixture
def el_paso(db: Any) -> Venue:
    return Venue.objects.get(code=EL_PASO)


@pytest.fixture
def juarez(db: Any) -> Port:
    return Port.objects.get(code="el-paso")


@pytest.fixture
def nogales(db: Any) -> Port:
    return Port.objects.get(code="nogales")


def make_docket(
    venue: Venue,
    day: dt.date,
    *,
    session: str = Session.AM,
    capacity: int = 10,
    courtroom: str = "1",
    languages: list[str] | None = None,
    starts_at: dt.time | None = None,
    on_holiday: bool = False,
) -> Docket:
    """A docket on ``day``, or on the court day nearest to it away from today when
    ``day`` is a US federal holiday: the suite runs on any date, a day counted from today
    lands on a holiday now and then (10 days before 6 December 2026 is Thanksgiving), and
    no hearing may be put there. ``on_holiday=True`` keeps the day (tests of that rule)."""
    if not on_holiday:
        day = court_day_near(day)
    return Docket.objects.create(
        venue=venue,
        date=day,
        session=session,
        courtroom=courtroom,
        judge="IJ Example",
        capacity=capacity,
        interpreter_languages=["spa", "por"] if languages is None else languages,
        starts_at=starts_at or (dt.time(8) if session == Session.AM else dt.time(13)),
    )


def court_day_near(day: dt.date) -> dt.date:
    """``day``, or when it is a US federal holiday the nearest day that is not, going
    further from today (back for a past day, on for today and later)."""
    from django.utils import timezone

    from mppdesk.hearings.calendar import federal_holiday

    step = dt.timedelta(days=-1 if day < timezone.localdate() else 1)
    while federal_holiday(day) is not None:
        day += step
    return day


def future_day(weeks: int = 3, weekday: int = 0) -> dt.date:
    """A court day ``weeks`` from today: that week's Monday by default (``weekday``), or
    the next day when it is a US federal holiday (no hearing may be put there)."""
    from django.utils import timezone

    from mppdesk.hearings.calendar import federal_holiday

    day = timezone.localdate() + dt.timedelta(weeks=weeks)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    while federal_holiday(day) is not None:
        day += dt.timedelta(days=1)
    return day


def make_case(
    org: Any,
    *,
    venue: Venue | None = None,
    port: Port | None = None,
    riders: int = 0,
    language: str = "spa",
) -> Case:
    case: Case = CaseFactory(organization=org, venue=venue, port=port)
    if language != "spa":
        PersonLanguage.objects.filter(person=case.lead).delete()
        PersonLanguage.objects.create(person=case.lead, code=language, preferred=True)
    for _ in range(riders):
        rider = PersonFactory(organization=org)
        CaseMember.objects.create(case=case, person=rider, role=CaseMember.Role.RIDER)
    return case


@pytest.fixture
def docket(el_paso: Venue) -> Docket:
    return make_docket(el_paso, future_day())


@pytest.fixture
def case(personas: Any, el_paso: Venue, juarez: Port) -> Case:
    return make_case(personas.org, venue=el_paso, port=juarez)


def user_with_role(org: Any, role: str, username: str) -> Any:
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=org, role=role)
    return user


@pytest.fixture
def analyst(personas: Any) -> Any:
    return user_with_role(personas.org, Membership.Role.ANALYST, "analyst")


@pytest.fixture
def attorney(personas: Any) -> Any:
    return user_with_role(personas.org, Membership.Role.ATTORNEY, "attorney")
