"""Self-service fixtures: a case with a known A-number and date of birth, a hearing at
the El Paso court reporting through the El Paso port (Ciudad Juárez), and a client that
signs inbound requests like Twilio does.

Places come from the seeding migrations (see hearings' tests).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from twilio.request_validator import RequestValidator

from mppdesk.cases.models import Case
from mppdesk.hearings.hearing_services import schedule_hearing
from mppdesk.hearings.models import Docket, Hearing, Session
from mppdesk.people.models import PersonLanguage
from mppdesk.places.models import Port, Venue
from mppdesk.testing.factories import CaseFactory

TOKEN = "test-auth-token"
INBOUND = "/hooks/twilio/inbound"
BIRTH = dt.date(1990, 12, 31)
A_NUMBER = "012345678"


@pytest.fixture(autouse=True)
def _selfservice_settings(settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.PUBLIC_BASE_URL = "http://testserver"
    settings.MPPDESK_SELFSERVICE_MIN_RESPONSE_MS = 0
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 10
    settings.MPPDESK_SELFSERVICE_MAX_FAILURES = 5


def future_monday(weeks: int = 3) -> dt.date:
    """That week's Monday, or the next day when it is a US federal holiday (no hearing
    may sit then: hearings/calendar.py)."""
    from mppdesk.hearings.calendar import federal_holiday

    day = timezone.localdate() + dt.timedelta(weeks=weeks)
    day += dt.timedelta(days=(0 - day.weekday()) % 7)
    while federal_holiday(day) is not None:
        day += dt.timedelta(days=1)
    return day


def make_docket(venue: Venue, day: dt.date, courtroom: str = "1") -> Docket:
    return Docket.objects.create(
        venue=venue,
        date=day,
        session=Session.AM,
        courtroom=courtroom,
        judge="IJ Example",
        capacity=10,
        interpreter_languages=["spa", "por", "eng", "hat", "fra"],
        starts_at=dt.time(8),
    )


def make_case(org: Any, *, a_number: str, birth: dt.date, language: str = "spa") -> Case:
    venue = Venue.objects.get(code="el-paso-immigration-court")
    port = Port.objects.get(code="el-paso")
    case: Case = CaseFactory(
        organization=org, venue=venue, port=port, a_number=a_number, lead__birth_date=birth
    )
    if language != "spa":
        PersonLanguage.objects.filter(person=case.lead).delete()
        PersonLanguage.objects.create(person=case.lead, code=language, preferred=True)
    return case


def schedule(case: Case, coordinator: Any, courtroom: str = "1") -> Hearing:
    venue = Venue.objects.get(code="el-paso-immigration-court")
    return schedule_hearing(
        actor=coordinator, case=case, docket=make_docket(venue, future_monday(), courtroom)
    )


@dataclass
class World:
    case: Case
    hearing: Hearing
    bare_case: Case  # right A-number and date of birth, but no hearing ahead


@pytest.fixture
def world(personas: Any) -> World:
    case = make_case(personas.org, a_number=A_NUMBER, birth=BIRTH)
    hearing = schedule(case, personas.coordinator)
    bare = make_case(personas.org, a_number="087654321", birth=BIRTH)
    return World(case=case, hearing=hearing, bare_case=bare)


def signed_post(client: Client, params: dict[str, str], token: str = TOKEN) -> Any:
    signature = RequestValidator(token).compute_signature(f"http://testserver{INBOUND}", params)
    return client.post(INBOUND, params, HTTP_X_TWILIO_SIGNATURE=signature)


_sids = iter(range(1, 10**9))


def text_in(client: Client, body: str, sender: str = "+526561230000") -> Any:
    """Send ``body`` from ``sender`` to the inbound hook, signed; return the response."""
    params = {"From": sender, "Body": body, "MessageSid": f"SM{next(_sids):032d}"}
    return signed_post(client, params)


def reply_of(response: Any) -> str:
    match = re.search(r"<Message>(.*)</Message>", response.content.decode(), re.S)
    assert match is not None, response.content
    return html.unescape(match.group(1))
