"""A case whose court documents were stolen or photographed (``cases.exposure``).

The web lookup and texts from numbers not on file get the generic reply — the same
bytes and the same queries as an unknown A-number — while a text from a phone on file
still gets the hearing. The generic reply always says to text from that phone.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.cases.exposure import flag_document_exposure
from mppdesk.selfservice import texts
from mppdesk.selfservice.tests.conftest import A_NUMBER, World, reply_of, text_in
from mppdesk.selfservice.tests.test_web import post, status_box
from mppdesk.testing.factories import ContactPointFactory

pytestmark = pytest.mark.django_db

HOLDER_PHONE = "+526561119999"
STRANGER_PHONE = "+526567770000"
RIGHT = "31/12/1990"


@pytest.fixture
def flagged(world: World, personas: Any) -> World:
    ContactPointFactory(person=world.case.lead, value=HOLDER_PHONE)
    assert flag_document_exposure(world.case, actor=personas.caseworker, reason="document_stolen")
    return world


def test_generic_reply_always_says_to_text_from_the_phone_on_file() -> None:
    assert "phone your organization has on file" in texts.GENERIC["en"]
    assert "teléfono que su organización tiene registrado" in texts.GENERIC["es"]
    assert all(text for text in texts.GENERIC.values())


def test_web_answer_for_a_flagged_anumber_is_the_generic_reply(
    client: Client, flagged: World, settings: Any
) -> None:
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 100
    post(client, "/lookup", "099999998", RIGHT, ip="198.51.100.1")  # warm-up

    def measure(a_number: str, ip: str) -> tuple[bytes, int]:
        with CaptureQueriesContext(connection) as queries:
            response = post(client, "/lookup", a_number, RIGHT, ip=ip)
        assert response.status_code == 200
        return status_box(response).encode(), len(queries)

    flagged_box, flagged_queries = measure(A_NUMBER, "198.51.100.20")
    unknown_box, unknown_queries = measure("098765432", "198.51.100.21")
    assert flagged_box == unknown_box == texts.GENERIC["en"].encode()
    assert flagged_queries == unknown_queries


def test_texts_from_a_number_not_on_file_get_the_generic_reply(
    client: Client, flagged: World
) -> None:
    flagged_reply = reply_of(text_in(client, f"CITA A{A_NUMBER} {RIGHT}", STRANGER_PHONE))
    unknown_reply = reply_of(text_in(client, f"CITA A098765432 {RIGHT}", "+526567770001"))
    assert flagged_reply == unknown_reply == texts.GENERIC["es"]


def test_a_text_from_the_phone_on_file_still_answers(client: Client, flagged: World) -> None:
    reply = reply_of(text_in(client, f"CITA A{A_NUMBER} {RIGHT}", HOLDER_PHONE))
    assert reply.startswith("Su próxima audiencia")
    assert flagged.hearing.docket.venue.name in reply


def test_the_refusal_counts_as_a_failure_like_any_miss(client: Client, flagged: World) -> None:
    """Right details on a flagged A-number move the web lock like a wrong date would, so
    an attacker cannot tell "flagged and right" from "wrong" by never getting locked."""
    for _ in range(5):
        post(client, "/lookup", A_NUMBER, RIGHT, ip="198.51.100.30")
    box = status_box(post(client, "/lookup", A_NUMBER, RIGHT, ip="198.51.100.31"))
    assert box.encode() == texts.PROTECTED["en"].encode()


def test_refused_lookup_is_audited_as_a_miss_without_the_case(
    client: Client, flagged: World
) -> None:
    mark = audit_mark()
    post(client, "/lookup", A_NUMBER, RIGHT)
    (entry,) = entries_after(mark).filter(object_type="selfservice_lookup")
    assert entry.fields == ["outcome:no_match"]
    assert entry.object_id == ""


def test_unflagged_case_still_answers_the_web(client: Client, world: World) -> None:
    assert "Your next hearing" in status_box(post(client, "/lookup", A_NUMBER, RIGHT))
