"""The inbound text hook: signatures, opt-out/in, help, and the hearing query."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.hearings.pdf.formatting import format_moment
from mppdesk.messaging.models import (
    InboundMessage,
    Message,
    MessageEvent,
    MessageStatus,
    TemplateKind,
)
from mppdesk.messaging.services import recipient_index
from mppdesk.people.models import ContactPoint
from mppdesk.selfservice import texts, timing
from mppdesk.selfservice.tests.conftest import (
    A_NUMBER,
    INBOUND,
    World,
    make_case,
    reply_of,
    schedule,
    signed_post,
    text_in,
)
from mppdesk.testing.factories import ContactPointFactory, PersonFactory

pytestmark = pytest.mark.django_db

PHONE = "+526561112222"


# --- Signatures -----------------------------------------------------------------------


@pytest.mark.parametrize("signature", [None, "forged", "bad-token"])
def test_unsigned_or_forged_request_gets_403_and_records_nothing(
    client: Client, personas: Any, signature: str | None
) -> None:
    contact = ContactPointFactory(person=PersonFactory(organization=personas.org), value=PHONE)
    params = {"From": PHONE, "Body": "STOP", "MessageSid": "SM1"}
    mark = audit_mark()
    if signature == "bad-token":
        response = signed_post(client, params, token="another-token")
    elif signature is None:
        response = client.post(INBOUND, params)
    else:
        response = client.post(INBOUND, params, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
    assert not entries_after(mark).exists()
    contact.refresh_from_db()
    assert contact.opted_out is False


def test_get_is_refused(client: Client) -> None:
    assert client.get(INBOUND).status_code == 405


def test_signed_request_is_recorded_with_its_intent(client: Client, db: Any) -> None:
    response = text_in(client, "hola", sender=PHONE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    inbound = InboundMessage.objects.get()
    assert (inbound.intent, inbound.sender, inbound.body) == ("other", PHONE, "hola")
    assert inbound.sender_bidx == recipient_index(PHONE)
    assert reply_of(response) == texts.HELP["es"]


# --- Opt-out and opt-in ---------------------------------------------------------------


@pytest.mark.parametrize("word", ["STOP", "alto", " Baja ", "PARAR", "párar", "Stop."])
def test_each_opt_out_keyword_opts_out(client: Client, personas: Any, word: str) -> None:
    person = PersonFactory(organization=personas.org)
    phone = ContactPointFactory(person=person, value=PHONE)
    whatsapp = ContactPointFactory(person=person, value=PHONE, kind=ContactPoint.Kind.WHATSAPP)
    other = ContactPointFactory(person=person, value="+526569998888")
    response = text_in(client, word, sender=PHONE)
    assert reply_of(response) == texts.OPTED_OUT["es"]
    for contact in (phone, whatsapp, other):
        contact.refresh_from_db()
    assert phone.opted_out and phone.opted_out_at is not None
    assert whatsapp.opted_out
    assert not other.opted_out
    assert InboundMessage.objects.get().intent == "opt_out"
    rows = Message.objects.filter(template=TemplateKind.OPT_OUT_CONFIRMATION)
    # One text went out: one row in the person's history (it listed one per contact
    # point sharing the number, SMS and WhatsApp), tied to the contact it came on.
    assert [m.contact_point_id for m in rows] == [phone.pk]
    assert {m.status for m in rows} == {MessageStatus.SENT}
    assert {m.provider for m in rows} == {"twiml"}


@pytest.mark.parametrize(
    ("language", "expected"),
    [("por", "pt"), ("eng", "en"), ("hat", "ht"), ("fra", "fr"), ("spa", "es"), ("quc", "es")],
)
def test_opt_out_is_confirmed_in_the_persons_language(
    client: Client, personas: Any, language: str, expected: str
) -> None:
    from mppdesk.people.models import PersonLanguage

    person = PersonFactory(organization=personas.org)
    PersonLanguage.objects.filter(person=person).delete()
    PersonLanguage.objects.create(person=person, code=language, preferred=True)
    ContactPointFactory(person=person, value=PHONE)
    assert reply_of(text_in(client, "STOP", sender=PHONE)) == texts.OPTED_OUT[expected]


def test_opt_out_from_an_unknown_number_is_confirmed_in_spanish(client: Client, db: Any) -> None:
    assert reply_of(text_in(client, "STOP", sender=PHONE)) == texts.OPTED_OUT["es"]
    assert not Message.objects.exists()  # no organization to own a copy


def test_opt_out_confirmation_is_recorded_once_per_person_and_organization(
    client: Client, personas: Any
) -> None:
    mine = PersonFactory(organization=personas.org)
    theirs = PersonFactory(organization=personas.other_org)
    ContactPointFactory(person=mine, value=PHONE)
    ContactPointFactory(person=mine, value=PHONE, kind=ContactPoint.Kind.WHATSAPP)
    ContactPointFactory(person=theirs, value=PHONE, kind=ContactPoint.Kind.WHATSAPP)
    text_in(client, "STOP", sender=PHONE)
    rows = Message.objects.filter(template=TemplateKind.OPT_OUT_CONFIRMATION)
    assert sorted((m.person_id, m.organization_id) for m in rows) == sorted(
        [(mine.pk, personas.org.pk), (theirs.pk, personas.other_org.pk)]
    )
    mine_row = rows.get(person=mine)
    assert mine_row.contact_point is not None
    assert mine_row.contact_point.kind == ContactPoint.Kind.PHONE  # the channel it came on


def test_whatsapp_sender_opts_out_every_kind(client: Client, personas: Any) -> None:
    person = PersonFactory(organization=personas.org)
    phone = ContactPointFactory(person=person, value=PHONE)
    whatsapp = ContactPointFactory(person=person, value=PHONE, kind=ContactPoint.Kind.WHATSAPP)
    text_in(client, "ALTO", sender=f"whatsapp:{PHONE}")
    phone.refresh_from_db()
    whatsapp.refresh_from_db()
    assert phone.opted_out and whatsapp.opted_out
    assert InboundMessage.objects.get().channel == "whatsapp"
    assert {m.channel for m in Message.objects.all()} == {"whatsapp"}


def test_opt_out_cancels_pending_messages_to_the_number(client: Client, personas: Any) -> None:
    person = PersonFactory(organization=personas.org)
    contact = ContactPointFactory(person=person, value=PHONE)
    pending = Message(
        organization=personas.org,
        person=person,
        contact_point=contact,
        channel="sms",
        recipient=PHONE,
        recipient_bidx=recipient_index(PHONE),
        template=TemplateKind.REMINDER,
        language="es",
        body="Recordatorio",
        status=MessageStatus.QUEUED,
        idempotency_key="test:pending",
    )
    pending.save()
    text_in(client, "STOP", sender=PHONE)
    pending.refresh_from_db()
    assert pending.status == MessageStatus.CANCELLED


def test_start_opts_back_in_and_keeps_consent(client: Client, personas: Any) -> None:
    person = PersonFactory(organization=personas.org)
    contact = ContactPointFactory(person=person, value=PHONE, consent=True)
    text_in(client, "STOP", sender=PHONE)
    response = text_in(client, "Alta", sender=PHONE)
    assert reply_of(response) == texts.OPTED_IN["es"]
    contact.refresh_from_db()
    assert contact.opted_out is False and contact.opted_out_at is None
    assert contact.consent is True
    assert text_in(client, "START", sender=PHONE).status_code == 200


@pytest.mark.parametrize(
    ("word", "language"), [("AYUDA", "es"), ("help", "en"), ("Ajuda", "pt"), ("aide", "fr")]
)
def test_help_keyword_answers_in_its_language(
    client: Client, db: Any, word: str, language: str
) -> None:
    assert reply_of(text_in(client, word)) == texts.HELP[language]


# --- The hearing query ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "CITA A012345678 31/12/1990",
        "cita a 012-345-678 31-12-1990",
        "Cita 12345678 1990-12-31",
        "AUDIENCIA 31.12.1990 A#012 345 678",
        "cita 012345678 31/12/90",
        "CITA A-012-345-678 31 de diciembre de 1990",
        "Cita: 012.345.678, 31 dic 1990",
    ],
)
def test_cita_answers_with_the_next_hearing_in_local_times(
    client: Client, world: World, body: str
) -> None:
    response = text_in(client, body)
    reply = reply_of(response)
    hearing = world.hearing
    port = world.case.port
    assert port is not None and hearing.report_at is not None
    report = format_moment(hearing.report_at, port.timezone, port.mexican_city, "es")
    when = format_moment(hearing.scheduled_at, "America/Denver", "El Paso", "es")
    assert report in reply
    assert when in reply
    assert f"hora de {port.mexican_city}" in reply
    assert hearing.docket.venue.name in reply
    # Nothing that identifies the person.
    assert A_NUMBER not in reply and "12345678" not in reply
    assert world.case.lead.given_names not in reply
    assert world.case.lead.family_names not in reply


def test_answer_goes_in_the_persons_language_not_the_keywords(
    client: Client, personas: Any
) -> None:
    case = make_case(personas.org, a_number="011122233", birth=dt_date(1985, 3, 12), language="por")
    hearing = schedule(case, personas.coordinator)
    reply = reply_of(text_in(client, "HEARING A011122233 12 mar 1985"))
    assert hearing.report_at is not None and case.port is not None
    assert (
        format_moment(hearing.report_at, case.port.timezone, case.port.mexican_city, "pt") in reply
    )
    assert reply.startswith("A sua próxima audiência")


@pytest.mark.parametrize(
    ("keyword", "language"),
    [("HEARING", "en"), ("AUDIÊNCIA", "pt"), ("ODYANS", "ht"), ("Audience", "fr"), ("CITA", "es")],
)
def test_a_miss_answers_generically_in_the_keywords_language(
    client: Client, world: World, keyword: str, language: str
) -> None:
    reply = reply_of(text_in(client, f"{keyword} A099999999 31/12/1990"))
    assert reply == texts.GENERIC[language]


def test_query_without_a_date_gets_the_usage_text(client: Client, world: World) -> None:
    assert reply_of(text_in(client, "CITA A012345678")) == texts.USAGE["es"]
    assert reply_of(text_in(client, "HEARING 31/12/1990")) == texts.USAGE["en"]


def test_matched_answer_is_kept_as_a_sent_message_once(client: Client, world: World) -> None:
    params = {"From": PHONE, "Body": "CITA A012345678 31/12/1990", "MessageSid": "SMretry"}
    first = signed_post(client, params)
    again = signed_post(client, params)  # Twilio retries a slow webhook with the same sid
    assert reply_of(first) == reply_of(again)
    message = Message.objects.get()
    assert message.idempotency_key == "twiml:SMretry"
    assert message.status == MessageStatus.SENT and message.provider == "twiml"
    assert message.organization_id == world.case.organization_id
    assert message.hearing_id == world.hearing.pk
    assert message.template == TemplateKind.SELF_SERVICE_ANSWER
    assert message.body == reply_of(first)
    assert list(MessageEvent.objects.filter(message=message).values_list("status", flat=True)) == [
        MessageStatus.SENT
    ]


# --- Anti-harvesting ------------------------------------------------------------------


def _measure(client: Client, body: str, sender: str) -> tuple[bytes, int]:
    with CaptureQueriesContext(connection) as queries:
        response = text_in(client, body, sender=sender)
    assert response.status_code == 200
    return response.content, len(queries)


def test_misses_are_one_reply_and_every_path_makes_the_same_queries(
    client: Client, world: World, settings: Any
) -> None:
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 100
    text_in(client, "CITA A099999999 01/01/1980", sender="+526560000001")  # warm-up
    # Lock another A-number that has a case and a hearing.
    locked_case = make_case(
        world.case.organization, a_number="055566677", birth=dt_date(1970, 1, 2)
    )
    schedule(locked_case, None, courtroom="2")
    for _ in range(5):
        text_in(client, "CITA A055566677 03/01/1970", sender="+526560000002")
    # A phone on file for the case asks with a wrong date of birth.
    ContactPointFactory(person=world.case.lead, value="+526560000015")

    paths = {
        "wrong_dob": _measure(client, "CITA A012345678 30/12/1990", "+526560000010"),
        "unknown_anumber": _measure(client, "CITA A098765432 31/12/1990", "+526560000011"),
        "no_hearing": _measure(client, "CITA A087654321 31/12/1990", "+526560000012"),
        "locked": _measure(client, "CITA A055566677 02/01/1970", "+526560000013"),
        "on_file_wrong_dob": _measure(client, "CITA A012345678 30/12/1990", "+526560000015"),
    }
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 1
    text_in(client, "CITA A011111111 01/01/1980", sender="+526560000014")
    paths["rate_limited"] = _measure(client, "CITA A012345678 31/12/1990", "+526560000014")

    # "Not found" is byte-identical for a wrong date, an unknown A-number and no hearing
    # (and for a phone on file that got the date wrong).
    misses = {paths[name][0] for name in ("wrong_dob", "unknown_anumber", "no_hearing")}
    assert misses == {paths["on_file_wrong_dob"][0]}
    assert reply_of_bytes(misses.pop()) == texts.GENERIC["es"]
    # The refusals say what they are.
    assert reply_of_bytes(paths["locked"][0]) == texts.PROTECTED["es"]
    assert reply_of_bytes(paths["rate_limited"][0]).startswith(
        "Demasiados intentos desde este teléfono. Intente de nuevo después de las "
    )
    counts = {name: count for name, (_, count) in paths.items()}
    assert len(set(counts.values())) == 1, counts


def reply_of_bytes(content: bytes) -> str:
    class _R:
        pass

    response = _R()
    response.content = content  # type: ignore[attr-defined]
    return reply_of(response)


def test_sixth_attempt_is_protected_even_with_the_right_birth_date_but_not_from_a_phone_on_file(
    client: Client, world: World, settings: Any
) -> None:
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 100
    ContactPointFactory(person=world.case.lead, value=PHONE)
    for _ in range(4):
        text_in(client, "CITA A012345678 01/01/1991")
    assert reply_of(text_in(client, "CITA A012345678 31/12/1990")) != texts.GENERIC["es"]
    text_in(client, "CITA A012345678 01/01/1991")  # the 5th failure within 24 hours
    # Locked: from any phone not on file, even the right date of birth is refused, and
    # the refusal says so (not "not found": the holder must not think it is gone).
    for sender in ("+526561230000", "+526567770000"):
        reply = reply_of(text_in(client, "CITA A012345678 31/12/1990", sender))
        assert reply == texts.PROTECTED["es"]
    # The holder's phone on file is still answered.
    answer = reply_of(text_in(client, "CITA A012345678 31/12/1990", PHONE))
    assert answer.startswith("Su próxima audiencia")


def test_the_lock_ends_after_its_time(client: Client, world: World, settings: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from mppdesk.selfservice import services
    from mppdesk.selfservice.models import Scope

    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 100
    for _ in range(5):
        text_in(client, "CITA A012345678 01/01/1991")

    def ask(after: dt.timedelta) -> str:
        return services.lookup_hearing(
            a_number=A_NUMBER,
            birth_date=dt_date(1990, 12, 31),
            requester_scope=Scope.SENDER,
            requester="+526561239999",
            now=timezone.now() + after,
        ).outcome

    assert ask(dt.timedelta(hours=23)) == "locked"
    assert ask(dt.timedelta(hours=24, minutes=1)) == "matched"


def test_sender_rate_limit(client: Client, world: World, settings: Any) -> None:
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 3
    for _ in range(3):
        assert reply_of(text_in(client, "CITA A012345678 31/12/1990", PHONE)) != texts.GENERIC["es"]
    refused = reply_of(text_in(client, "CITA A012345678 31/12/1990", PHONE))
    assert refused.startswith("Demasiados intentos desde este teléfono.")
    assert "(hora de Ciudad Juarez, M" in refused  # the clock is named
    # Another phone is not limited by this one.
    assert reply_of(text_in(client, "CITA A012345678 31/12/1990", "+526563334444")).startswith(
        "Su próxima audiencia"
    )


def test_lookups_are_audited_without_personal_data(client: Client, world: World) -> None:
    mark = audit_mark()
    text_in(client, "CITA A012345678 31/12/1990")
    text_in(client, "CITA A012345678 30/12/1990")
    text_in(client, "CITA A087654321 31/12/1990")
    entries = list(entries_after(mark).filter(object_type="selfservice_lookup"))
    assert [e.fields for e in entries] == [
        ["outcome:matched"],
        ["outcome:no_match"],
        ["outcome:no_hearing"],
    ]
    assert {e.channel for e in entries} == {"sms"}
    assert entries[0].object_id == str(world.case.pk)
    assert entries[0].organization_id == world.case.organization_id
    assert entries[1].object_id == "" and entries[1].organization_id is None
    assert entries[2].object_id == str(world.bare_case.pk)
    for entry in entries:
        # Columns without random ids: no A-number, no date of birth, no phone.
        plain = " ".join([entry.action, entry.object_type, entry.channel, *entry.fields])
        for secret in ("012345678", "12345678", "1990", "31/12", "6561230000"):
            assert secret not in plain


def test_response_is_padded_to_the_minimum_duration(
    client: Client, world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MPPDESK_SELFSERVICE_MIN_RESPONSE_MS = 250
    now = [100.0]
    slept: list[float] = []

    def clock() -> float:
        now[0] += 0.01  # each reading of the clock: 10 ms of work
        return now[0]

    monkeypatch.setattr(timing, "clock", clock)
    monkeypatch.setattr(timing, "sleep", slept.append)
    text_in(client, "CITA A012345678 30/12/1990")
    assert slept == [pytest.approx(0.24)]


def test_slow_work_is_not_padded_further(
    client: Client, db: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MPPDESK_SELFSERVICE_MIN_RESPONSE_MS = 250
    readings = iter([0.0, 1.0])
    slept: list[float] = []
    monkeypatch.setattr(timing, "clock", lambda: next(readings))
    monkeypatch.setattr(timing, "sleep", slept.append)
    text_in(client, "hola")
    assert slept == []


def dt_date(year: int, month: int, day: int) -> Any:
    import datetime as dt

    return dt.date(year, month, day)
