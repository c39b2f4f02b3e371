"""Attacker scripts against the text hook and the lookup pages, and the holder who comes
after them: a real person is never told their hearing does not exist.

Default limits (``conftest``): 10 lookups per requester an hour, 5 failures lock an
A-number for the web and for phones not on file; phones on file have their own lock.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mppdesk.selfservice import texts
from mppdesk.selfservice.models import LookupCounter, Scope
from mppdesk.selfservice.queries import lock_state
from mppdesk.selfservice.ratelimit import anumber_keys
from mppdesk.selfservice.tests.conftest import A_NUMBER, World, make_case, reply_of, text_in
from mppdesk.selfservice.tests.test_web import post, status_box
from mppdesk.testing.factories import ContactPointFactory

pytestmark = pytest.mark.django_db

HOLDER_PHONE = "+526561119999"  # on file for the case's lead respondent
RIGHT = "31/12/1990"
WRONG = "01/01/1980"
ANSWER_ES = "Su próxima audiencia"
ANSWER_EN = "Your next hearing"


@pytest.fixture
def holder(world: World) -> World:
    """The world, with the lead respondent's phone on file."""
    ContactPointFactory(person=world.case.lead, value=HOLDER_PHONE)
    return world


def counted_failures(a_number: str = A_NUMBER) -> dict[str, int]:
    """What the A-number's two lock counters hold (0 without a row)."""
    keys = anumber_keys(a_number)
    rows = {
        row.scope: row.hits
        for row in LookupCounter.objects.filter(
            scope__in=[Scope.A_NUMBER, Scope.A_NUMBER_ON_FILE],
            digest__in=[digest for _scope, digest in keys.values()],
        )
    }
    return {scope: rows.get(scope, 0) for scope in (Scope.A_NUMBER, Scope.A_NUMBER_ON_FILE)}


# --- One address, over its limit ------------------------------------------------------


def test_done_when_one_address_cannot_lock_the_holder_out(client: Client, holder: World) -> None:
    """Issue 11's check: from one address, ten wrong lookups then five more against a
    real A-number leave its holder's correct lookup answered, from another address and
    by SMS from their phone."""
    attacker = "203.0.113.66"
    for n in range(10):
        box = status_box(post(client, "/lookup", f"0999990{n:02d}", WRONG, ip=attacker))
        assert box == texts.GENERIC["en"]  # wrong A-numbers: "not found"
    for _ in range(5):
        box = status_box(post(client, "/lookup", A_NUMBER, WRONG, ip=attacker))
        # Refused for the address's own limit, and told so — not counted against the number.
        assert box.startswith("Too many attempts from this connection. Try again after ")
    assert counted_failures() == {Scope.A_NUMBER: 0, Scope.A_NUMBER_ON_FILE: 0}
    assert not lock_state(holder.case).locked

    assert ANSWER_EN in status_box(post(client, "/lookup", A_NUMBER, RIGHT, ip="198.51.100.7"))
    assert reply_of(text_in(client, f"CITA A{A_NUMBER} {RIGHT}", HOLDER_PHONE)).startswith(
        ANSWER_ES
    )


def test_one_phone_over_its_limit_cannot_lock_an_anumber(client: Client, holder: World) -> None:
    attacker = "+526569990000"
    for n in range(10):
        text_in(client, f"CITA A0999990{n:02d} {WRONG}", attacker)
    for _ in range(20):
        reply = reply_of(text_in(client, f"CITA A{A_NUMBER} {WRONG}", attacker))
        assert reply.startswith("Demasiados intentos desde este teléfono.")
    assert counted_failures() == {Scope.A_NUMBER: 0, Scope.A_NUMBER_ON_FILE: 0}
    # Another phone, not on file, and the web: both answered.
    assert reply_of(text_in(client, f"CITA A{A_NUMBER} {RIGHT}", "+526568880000")).startswith(
        ANSWER_ES
    )
    assert ANSWER_ES in status_box(post(client, "/consulta", A_NUMBER, RIGHT, ip="198.51.100.8"))


# --- Many addresses --------------------------------------------------------------------


def test_many_addresses_lock_the_web_but_never_the_holders_phone(
    client: Client, holder: World, caseworker_client: Client
) -> None:
    for i in range(5):
        assert (
            status_box(post(client, "/lookup", A_NUMBER, WRONG, ip=f"198.51.100.{i}"))
            == (texts.GENERIC["en"])
        )
    # Locked for the web and for phones not on file: the holder is told the number is
    # protected, never that their hearing does not exist.
    box = status_box(post(client, "/lookup", A_NUMBER, RIGHT, ip="192.0.2.50"))
    assert box == texts.PROTECTED["en"].replace("'", "&#x27;")
    stranger = reply_of(text_in(client, f"HEARING A{A_NUMBER} {RIGHT}", "+526567770000"))
    assert stranger == texts.PROTECTED["en"]
    # The attackers go on, from many more addresses and phones not on file.
    for i in range(30):
        post(client, "/lookup", A_NUMBER, f"0{1 + i % 9}/01/1980", ip=f"203.0.113.{i}")
        text_in(client, f"CITA A{A_NUMBER} 0{1 + i % 9}/02/1980", f"+5265650{i:05d}")
    assert counted_failures()[Scope.A_NUMBER_ON_FILE] == 0
    # The holder's phone on file is answered, the web is still protected.
    reply = reply_of(text_in(client, f"CITA A{A_NUMBER} {RIGHT}", HOLDER_PHONE))
    assert reply.startswith(ANSWER_ES)
    assert reply_of(text_in(client, f"CITA A{A_NUMBER} {RIGHT}", f"whatsapp:{HOLDER_PHONE}"))
    state = lock_state(holder.case)
    assert state.web_locked_until is not None and state.phone_locked_until is None
    # The holder asked their organization: a case worker unlocks, the web answers again.
    response = caseworker_client.post(
        f"/selfservice/cases/{holder.case.pk}/unlock", {"next": f"/people/{holder.case.lead_id}/"}
    )
    assert response.status_code == 302
    assert ANSWER_EN in status_box(post(client, "/lookup", A_NUMBER, RIGHT, ip="192.0.2.51"))


def test_only_phones_on_file_move_the_phone_lock(
    client: Client, holder: World, settings: Any
) -> None:
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 100
    settings.MPPDESK_SELFSERVICE_MAX_PHONE_FAILURES = 3
    for _ in range(3):
        assert (
            reply_of(text_in(client, f"CITA A{A_NUMBER} {WRONG}", HOLDER_PHONE))
            == (texts.GENERIC["es"])
        )
    assert counted_failures() == {Scope.A_NUMBER: 0, Scope.A_NUMBER_ON_FILE: 3}
    # The phone path is protected now (even with the right date)...
    assert (
        reply_of(text_in(client, f"CITA A{A_NUMBER} {RIGHT}", HOLDER_PHONE))
        == (texts.PROTECTED["es"])
    )
    # ...while the web, which those failures never reached, still answers.
    assert ANSWER_ES in status_box(post(client, "/consulta", A_NUMBER, RIGHT, ip="198.51.100.9"))


def test_a_family_members_phone_on_file_counts_as_on_file(
    client: Client, holder: World, personas: Any
) -> None:
    from mppdesk.cases.services import add_case_member
    from mppdesk.testing.factories import PersonFactory

    member = PersonFactory(organization=personas.org)
    add_case_member(actor=None, case=holder.case, person=member)
    ContactPointFactory(person=member, value="+526564445555")
    for i in range(5):
        post(client, "/lookup", A_NUMBER, WRONG, ip=f"198.51.100.{i}")
    reply = reply_of(text_in(client, f"CITA A{A_NUMBER} {RIGHT}", "+526564445555"))
    assert reply.startswith(ANSWER_ES)


def test_a_phone_on_file_for_another_case_is_not_on_file_for_this_one(
    client: Client, holder: World, personas: Any
) -> None:
    other = make_case(personas.org, a_number="044455566", birth=holder.case.lead.birth_date)  # type: ignore[arg-type]
    ContactPointFactory(person=other.lead, value="+526563332211")
    for i in range(5):
        post(client, "/lookup", A_NUMBER, WRONG, ip=f"198.51.100.{i}")
    reply = reply_of(text_in(client, f"CITA A{A_NUMBER} {RIGHT}", "+526563332211"))
    assert reply == texts.PROTECTED["es"]


# --- The refusals tell nothing about a record ------------------------------------------


def _lock(client: Client, a_number: str, prefix: str) -> None:
    for i in range(5):
        post(client, "/lookup", a_number, WRONG, ip=f"{prefix}.{i}")


def test_protected_is_the_same_for_a_held_and_an_unheld_anumber(
    client: Client, holder: World
) -> None:
    unheld = "099887766"
    _lock(client, A_NUMBER, "198.51.100")
    _lock(client, unheld, "203.0.113")

    def ask_web(a_number: str, ip: str) -> tuple[bytes, int]:
        with CaptureQueriesContext(connection) as queries:
            response = post(client, "/lookup", a_number, RIGHT, ip=ip)
        return response.content.replace(response.cookies["csrftoken"].value.encode(), b""), len(
            queries
        )

    def ask_sms(a_number: str, sender: str) -> tuple[bytes, int]:
        with CaptureQueriesContext(connection) as queries:
            response = text_in(client, f"CITA A{a_number} {RIGHT}", sender)
        return response.content, len(queries)

    held_sms, unheld_sms = ask_sms(A_NUMBER, "+526561000001"), ask_sms(unheld, "+526561000002")
    assert held_sms == unheld_sms
    assert (
        reply_of(text_in(client, f"CITA A{unheld} {RIGHT}", "+526561000003"))
        == (texts.PROTECTED["es"])
    )
    held_web, unheld_web = ask_web(A_NUMBER, "192.0.2.1"), ask_web(unheld, "192.0.2.2")
    assert held_web[1] == unheld_web[1]
    assert status_box_of(held_web[0]) == status_box_of(unheld_web[0])


def status_box_of(content: bytes) -> str:
    class _Response:
        pass

    response = _Response()
    response.content = content  # type: ignore[attr-defined]
    return status_box(response)


def test_too_many_attempts_is_the_same_whatever_was_asked(client: Client, holder: World) -> None:
    sender = "+526562220000"
    for n in range(10):
        text_in(client, f"CITA A0999990{n:02d} {WRONG}", sender)
    replies = {
        reply_of(text_in(client, body, sender))
        for body in (
            f"CITA A{A_NUMBER} {RIGHT}",  # the right details
            f"CITA A{A_NUMBER} {WRONG}",  # a wrong date
            f"CITA A{holder.bare_case.a_number} {RIGHT}",  # no hearing
            f"CITA A099887766 {RIGHT}",  # nobody's number
        )
    }
    assert len(replies) == 1
    assert replies.pop().startswith("Demasiados intentos desde este teléfono.")
