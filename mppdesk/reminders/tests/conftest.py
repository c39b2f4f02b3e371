"""Reminders fixtures on top of the hearings ones (places from the seeding migrations).

- El Paso court (America/Denver) with the ports of El Paso (Ciudad Juárez,
  America/Ciudad_Juarez: US daylight-saving rules) and Nogales (America/Hermosillo: no
  daylight-saving time); San Ysidro (Tijuana, America/Tijuana) with the San Diego court.
- ``reachable_case``: a case whose lead has an SMS-able phone with consent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from mppdesk.cases.models import Case
from mppdesk.hearings import hearing_services
from mppdesk.hearings.models import Docket, Hearing
from mppdesk.hearings.tests.conftest import el_paso, juarez, make_case, make_docket, nogales
from mppdesk.people.models import ContactPoint
from mppdesk.places.models import Port, Venue
from mppdesk.testing.factories import ContactPointFactory

__all__ = ["el_paso", "juarez", "nogales"]


@pytest.fixture
def tijuana(db: Any) -> Port:
    return Port.objects.get(mexican_city="Tijuana")


@pytest.fixture
def san_diego(tijuana: Port) -> Venue:
    assert tijuana.venue is not None
    return tijuana.venue


def reachable_case(
    org: Any,
    *,
    venue: Venue,
    port: Port,
    language: str = "spa",
    kinds: tuple[str, ...] = ("phone",),
    **kwargs: Any,
) -> Case:
    case = make_case(org, venue=venue, port=port, language=language, **kwargs)
    for kind in kinds:
        value = "persona@example.org" if kind == "email" else None
        extra = {"value": value} if value else {}
        ContactPointFactory(person=case.lead, kind=kind, consent=True, **extra)
    return case


def schedule(actor: Any, case: Case, docket: Docket, **kwargs: Any) -> Hearing:
    return hearing_services.schedule_hearing(actor=actor, case=case, docket=docket, **kwargs)


def next_dst_change(zone: str, *, after: dt.date) -> dt.date:
    """The first day on or after ``after`` whose UTC offset at noon differs from the day
    before's (a daylight-saving change in ``zone``)."""
    tz = ZoneInfo(zone)

    def offset(day: dt.date) -> dt.timedelta | None:
        return dt.datetime.combine(day, dt.time(12), tzinfo=tz).utcoffset()

    day = after
    for _ in range(400):
        if offset(day) != offset(day - dt.timedelta(days=1)):
            return day
        day += dt.timedelta(days=1)
    raise AssertionError("no daylight-saving change within 400 days")


def local(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(zone))


__all__ += ["ContactPoint", "make_docket", "next_dst_change", "reachable_case", "schedule"]
