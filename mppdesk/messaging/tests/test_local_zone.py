"""Times of a message without a hearing are shown on the clock of the place the person
waits: the port of their latest open case (before, the server's UTC)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mppdesk.cases.models import CaseStatus
from mppdesk.messaging.queries import local_zone_of
from mppdesk.places.models import Port, Venue
from mppdesk.testing.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(personas: Any) -> Any:
    return PersonFactory(organization=personas.org)


def _case(personas: Any, person: Any, port: str | None, **extra: Any) -> Any:
    return CaseFactory(
        organization=personas.org,
        lead=person,
        port=Port.objects.get(code=port) if port else None,
        **extra,
    )


def test_message_without_hearing_uses_the_port_of_the_latest_open_case(
    personas: Any, person: Any, outbox: Any
) -> None:
    _case(personas, person, "nogales", opened_on=dt.date(2025, 1, 10))
    _case(personas, person, "el-paso", opened_on=dt.date(2025, 6, 1))
    _case(personas, person, "san-ysidro", opened_on=dt.date(2025, 9, 1), status=CaseStatus.CLOSED)
    message = outbox(person=person)
    assert message.hearing_id is None
    assert local_zone_of(message) == Port.objects.get(code="el-paso").timezone
    assert local_zone_of(message) != "UTC"


def test_without_a_port_the_court_of_the_case_sets_the_zone(
    personas: Any, person: Any, outbox: Any
) -> None:
    venue = Venue.objects.get(code="el-paso-immigration-court")
    _case(personas, person, None, venue=venue)
    assert local_zone_of(outbox(person=person)) == venue.timezone


def test_without_an_open_case_the_server_zone_remains(
    personas: Any, person: Any, outbox: Any, settings: Any
) -> None:
    _case(personas, person, "el-paso", status=CaseStatus.CLOSED)
    assert local_zone_of(outbox(person=person)) == settings.TIME_ZONE


def test_timeline_page_shows_the_ports_zone_for_a_message_without_hearing(
    caseworker_client: Client, personas: Any, person: Any, outbox: Any
) -> None:
    _case(personas, person, "el-paso")
    message = outbox(person=person)
    page = caseworker_client.get(reverse("messaging:timeline", kwargs={"pk": message.pk}))
    assert page.status_code == 200
    # The port's zone by its place, not its IANA id.
    assert Port.objects.get(code="el-paso").timezone == "America/Ciudad_Juarez"
    assert "Todas las horas: hora de Ciudad Juárez." in page.content.decode()
