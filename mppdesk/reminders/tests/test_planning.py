"""Messages follow the hearing: planned when scheduled, re-planned when it moves,
cancelled when it is cancelled; in the person's language, at local times."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from faker import Faker

from mppdesk.cases.models import CaseMember
from mppdesk.hearings import hearing_services, signals
from mppdesk.hearings.models import Hearing
from mppdesk.hearings.tests.conftest import future_day
from mppdesk.messaging.models import Message, MessageStatus
from mppdesk.people.models import PersonLanguage
from mppdesk.reminders import planning
from mppdesk.reminders.models import ReminderPolicy
from mppdesk.reminders.tests.conftest import (
    make_docket,
    next_dst_change,
    reachable_case,
    schedule,
)
from mppdesk.testing.factories import ContactPointFactory, PersonFactory

LANGS = ["spa", "por", "hat", "fra", "quc", "mam"]


@pytest.fixture
def quiet_off(db: Any) -> None:
    """No quiet hours, so a message due now is queued whatever the test's time of day."""
    ReminderPolicy.objects.update(quiet_start=dt.time(0), quiet_end=dt.time(0))


def by_rule(hearing: Hearing) -> dict[str, Message]:
    return {m.rule: m for m in planning.planned_for(hearing)}


def expected(report_at: dt.datetime, zone: str, days: int, clock: dt.time) -> dt.datetime:
    day = report_at.astimezone(ZoneInfo(zone)).date() - dt.timedelta(days=days)
    return dt.datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


@pytest.mark.parametrize("port_fixture", ["juarez", "nogales"])
def test_reminders_fall_at_local_times_across_a_dst_change(
    request: Any, personas: Any, el_paso: Any, port_fixture: str
) -> None:
    port = request.getfixturevalue(port_fixture)
    change = next_dst_change("America/Denver", after=timezone.localdate() + dt.timedelta(days=10))
    docket = make_docket(el_paso, change + dt.timedelta(days=2))
    case = reachable_case(personas.org, venue=el_paso, port=port)
    hearing = schedule(personas.coordinator, case, docket)

    planned = by_rule(hearing)
    assert set(planned) == {"notice", "7d", "2d", "evening"}
    zone = port.timezone
    assert hearing.report_at is not None
    for rule, days, clock in (
        ("7d", 7, dt.time(10)),
        ("2d", 2, dt.time(10)),
        ("evening", 1, dt.time(19)),
    ):
        message = planned[rule]
        assert message.not_before == expected(hearing.report_at, zone, days, clock), rule
        assert message.status == MessageStatus.PLANNED
        assert message.not_before.astimezone(ZoneInfo(zone)).time() == clock
    assert planned["notice"].template == "hearing_notice"
    assert planned["evening"].template == "reporting_instructions"
    assert planned["7d"].template == planned["2d"].template == "reminder"
    # 7 days before is on the other side of the change than 2 days before: the same
    # 10:00 is another UTC hour in Juárez (US rules), the same one in Nogales (no DST).
    utc_hours = {planned["7d"].not_before.hour, planned["2d"].not_before.hour}
    assert len(utc_hours) == (2 if zone == "America/Ciudad_Juarez" else 1)


def test_tijuana_reminders_use_pacific_time(personas: Any, tijuana: Any, san_diego: Any) -> None:
    case = reachable_case(personas.org, venue=san_diego, port=tijuana)
    hearing = schedule(personas.coordinator, case, make_docket(san_diego, future_day(weeks=4)))
    planned = by_rule(hearing)
    assert hearing.report_at is not None
    assert planned["2d"].not_before == expected(
        hearing.report_at, "America/Tijuana", 2, dt.time(10)
    )
    local = planned["evening"].not_before.astimezone(ZoneInfo("America/Tijuana"))
    assert local.time() == dt.time(19)
    # The texts give the port's local times.
    report_local = hearing.report_at.astimezone(ZoneInfo("America/Tijuana"))
    assert f"{report_local:%H:%M}" in planned["evening"].body


def test_the_notice_goes_out_now_and_the_texts_carry_report_time_and_place(
    personas: Any, el_paso: Any, juarez: Any, quiet_off: None
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez)
    hearing = schedule(personas.coordinator, case, make_docket(el_paso, future_day()))
    notice = by_rule(hearing)["notice"]
    assert notice.status == MessageStatus.QUEUED
    assert notice.channel == "sms" and notice.language == "es"
    assert notice.hearing_id == hearing.pk and notice.person_id == case.lead_id
    assert notice.idempotency_key == (f"reminder:{hearing.pk}:notice:{notice.contact_point_id}:sms")
    assert hearing.report_at is not None
    report = hearing.report_at.astimezone(ZoneInfo(juarez.timezone))
    assert notice.body.startswith("Aviso: tiene audiencia")
    assert f"{report:%H:%M}" in notice.body
    assert "El Paso" in notice.body


def test_quiet_hours_move_a_late_rule_to_the_morning_in_local_time(
    personas: Any, el_paso: Any, nogales: Any
) -> None:
    ReminderPolicy.objects.filter(program_version="current").update(
        rules=[
            {"code": "late", "template": "reminder", "days_before": 3, "at": "23:30"},
            {"code": "eve", "template": "reporting_instructions", "days_before": 1, "at": "22:00"},
        ]
    )
    case = reachable_case(personas.org, venue=el_paso, port=nogales)
    hearing = schedule(personas.coordinator, case, make_docket(el_paso, future_day()))
    planned = by_rule(hearing)
    assert set(planned) == {"late", "eve"}
    zone = ZoneInfo("America/Hermosillo")
    assert hearing.report_at is not None
    report_day = hearing.report_at.astimezone(zone).date()
    late = planned["late"].not_before.astimezone(zone)
    assert (late.date(), late.time()) == (report_day - dt.timedelta(days=2), dt.time(8))
    # The evening one would move past the reporting time (before 08:00): it goes out
    # just before the quiet hours instead.
    eve = planned["eve"].not_before.astimezone(zone)
    assert (eve.date(), eve.time()) == (report_day - dt.timedelta(days=1), dt.time(20, 59))


def test_rescheduling_cancels_pending_queues_a_change_and_plans_the_new_hearing(
    personas: Any, el_paso: Any, juarez: Any, quiet_off: None
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez)
    old = schedule(personas.coordinator, case, make_docket(el_paso, future_day(weeks=3)))
    new = hearing_services.reschedule(
        actor=personas.coordinator,
        hearing=old,
        new_docket=make_docket(el_paso, future_day(weeks=5), courtroom="2"),
        reason="Judge unavailable",
    )
    old_messages = by_rule(old)
    for rule in ("notice", "7d", "2d", "evening"):  # a queued, unsent notice too
        assert old_messages[rule].status == MessageStatus.CANCELLED
        assert old_messages[rule].events.filter(detail="hearing_moved").exists()
    planned = by_rule(new)
    assert set(planned) == {"changed", "7d", "2d", "evening"}  # no second notice
    changed = planned["changed"]
    assert changed.template == "hearing_changed" and changed.status == MessageStatus.QUEUED
    old_day = old.scheduled_at.astimezone(ZoneInfo(juarez.timezone)).day
    assert f" {old_day} de " in changed.body  # the old date, written out
    assert all(m.status == MessageStatus.PLANNED for r, m in planned.items() if r != "changed")


def test_cancelling_cancels_pending_and_sends_a_cancellation(
    personas: Any, el_paso: Any, juarez: Any, quiet_off: None
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez, language="por")
    hearing = schedule(
        personas.coordinator,
        case,
        make_docket(el_paso, future_day(), languages=LANGS),
    )
    hearing_services.cancel(actor=personas.coordinator, hearing=hearing, reason="Court closed")
    planned = by_rule(hearing)
    for rule in ("7d", "2d", "evening"):
        assert planned[rule].status == MessageStatus.CANCELLED
    cancelled = planned["cancelled"]
    assert cancelled.template == "hearing_cancelled" and cancelled.status == MessageStatus.QUEUED
    assert cancelled.language == "pt" and "foi cancelada" in cancelled.body


def test_opted_out_unconsented_and_invalid_contacts_get_nothing(
    personas: Any, el_paso: Any, juarez: Any
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez, kinds=())
    ContactPointFactory(person=case.lead, consent=False)
    ContactPointFactory(person=case.lead, opted_out=True, opted_out_at=timezone.now())
    ContactPointFactory(person=case.lead, invalid_at=timezone.now(), invalid_reason="21211")
    hearing = schedule(personas.coordinator, case, make_docket(el_paso, future_day()))
    assert planning.planned_for(hearing) == []
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("code", "language", "start"),
    [
        ("eng", "en", "Notice: you have"),
        ("por", "pt", "Aviso: voce tem"),
        ("hat", "ht", "Avi: ou gen"),
        ("fra", "fr", "Avis : vous avez"),
        ("spa", "es", "Aviso: tiene"),
    ],
)
def test_the_language_comes_from_the_person(
    personas: Any, el_paso: Any, juarez: Any, code: str, language: str, start: str
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez, language=code)
    hearing = schedule(
        personas.coordinator, case, make_docket(el_paso, future_day(), languages=LANGS)
    )
    messages = planning.planned_for(hearing)
    assert messages and {m.language for m in messages} == {language}
    assert {m.channel for m in messages} == {"sms"}
    assert by_rule(hearing)["notice"].body.startswith(start)


def test_an_indigenous_language_gets_spanish_text_and_a_spanish_voice_call(
    personas: Any, el_paso: Any, juarez: Any
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez, language="quc")
    hearing = schedule(
        personas.coordinator, case, make_docket(el_paso, future_day(), languages=LANGS)
    )
    messages = planning.planned_for(hearing)
    channels = {(m.rule, m.channel) for m in messages}
    assert channels == {(r, c) for r in ("notice", "7d", "2d", "evening") for c in ("sms", "voice")}
    assert {m.language for m in messages} == {"es"}
    voice = next(m for m in messages if m.channel == "voice" and m.rule == "notice")
    assert (
        voice.body.startswith("Este es un aviso") and voice.recipient == voice.contact_point.value
    )


def test_a_spanish_speaker_who_needs_an_interpreter_for_mam_also_gets_a_call(
    personas: Any, el_paso: Any, juarez: Any
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez)
    PersonLanguage.objects.create(person=case.lead, code="mam", needs_interpreter=True)
    lang, voice = planning.written_language(case.lead)
    assert (lang, voice) == ("es", True)


def test_adult_family_members_with_their_own_phone_are_messaged_once_per_number(
    personas: Any, el_paso: Any, juarez: Any
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez)
    lead_phone = case.lead.contact_points.get()
    today = timezone.localdate()
    adult = PersonFactory(organization=personas.org, birth_date=today.replace(year=today.year - 30))
    PersonLanguage.objects.filter(person=adult).update(code="por")
    child = PersonFactory(organization=personas.org, birth_date=today.replace(year=today.year - 9))
    sharing = PersonFactory(
        organization=personas.org, birth_date=today.replace(year=today.year - 40)
    )
    for person in (adult, child, sharing):
        CaseMember.objects.create(case=case, person=person, role=CaseMember.Role.RIDER)
    own = ContactPointFactory(person=adult)
    ContactPointFactory(person=child)
    ContactPointFactory(person=sharing, value=lead_phone.value)  # the family's one phone
    hearing = schedule(
        personas.coordinator, case, make_docket(el_paso, future_day(), capacity=10, languages=LANGS)
    )
    notices = [m for m in planning.planned_for(hearing) if m.rule == "notice"]
    assert sorted((m.person_id, m.contact_point_id, m.language) for m in notices) == sorted(
        [(case.lead_id, lead_phone.pk, "es"), (adult.pk, own.pk, "pt")]
    )


def test_no_name_and_no_a_number_in_any_message(personas: Any, el_paso: Any, juarez: Any) -> None:
    bodies: list[tuple[str, list[str]]] = []
    for index, locale in enumerate(["es_MX", "pt_BR", "fr_FR", "en_US", "es_ES"]):
        fake = Faker(locale)
        fake.seed_instance(index)
        case = reachable_case(
            personas.org,
            venue=el_paso,
            port=juarez,
            kinds=("phone", "whatsapp", "email"),
            language=["spa", "por", "fra", "eng", "quc"][index],
        )
        case.lead.given_names = fake.first_name()
        case.lead.family_names = f"{fake.last_name()} {fake.last_name()}"
        case.lead.save()
        hearing = schedule(
            personas.coordinator,
            case,
            make_docket(el_paso, future_day(weeks=3 + index), languages=LANGS),
        )
        hearing = hearing_services.reschedule(
            actor=personas.coordinator,
            hearing=hearing,
            new_docket=make_docket(el_paso, future_day(weeks=9 + index), languages=LANGS),
            reason="x",
        )
        hearing_services.cancel(actor=personas.coordinator, hearing=hearing, reason="x")
        secrets = [t for t in re.split(r"\W+", case.lead.full_name) if len(t) >= 4]
        secrets += [case.a_number, case.a_number_display]
        bodies += [(m.body, secrets) for m in Message.objects.filter(person=case.lead)]
    assert {m.channel for m in Message.objects.all()} == {"sms", "whatsapp", "email", "voice"}
    assert len(bodies) > 50
    for body, secrets in bodies:
        for secret in secrets:
            assert secret.lower() not in body.lower()


def test_planning_twice_plans_nothing_new(personas: Any, el_paso: Any, juarez: Any) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez)
    hearing = schedule(personas.coordinator, case, make_docket(el_paso, future_day()))
    count = Message.objects.count()
    again = planning.plan_hearing(hearing)
    assert Message.objects.count() == count and len(again) == count


def test_a_past_hearing_entered_late_plans_nothing(
    personas: Any, el_paso: Any, juarez: Any
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez)
    day = timezone.localdate() - dt.timedelta(days=3)
    schedule(personas.coordinator, case, make_docket(el_paso, day), allow_past=True)
    assert not Message.objects.exists()


def test_messages_roll_back_with_the_hearing_change(
    personas: Any, el_paso: Any, juarez: Any
) -> None:
    def boom(**kwargs: Any) -> None:
        raise RuntimeError("later receiver failed")

    case = reachable_case(personas.org, venue=el_paso, port=juarez)
    signals.hearing_scheduled.connect(boom, dispatch_uid="test-boom")
    try:
        with pytest.raises(RuntimeError):
            schedule(personas.coordinator, case, make_docket(el_paso, future_day()))
    finally:
        signals.hearing_scheduled.disconnect(dispatch_uid="test-boom")
    assert not Hearing.objects.exists() and not Message.objects.exists()


def test_a_program_wide_scheduler_plans_the_owning_organizations_messages(
    personas: Any, el_paso: Any, juarez: Any
) -> None:
    from mppdesk.accounts.models import Membership, Organization
    from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

    program = OrganizationFactory(slug="program", kind=Organization.Kind.COORDINATOR)
    scheduler = UserFactory(username="program-coordinator")
    MembershipFactory(user=scheduler, organization=program, role=Membership.Role.COORDINATOR)
    case = reachable_case(personas.org, venue=el_paso, port=juarez)
    hearing = schedule(scheduler, case, make_docket(el_paso, future_day()))
    messages = planning.planned_for(hearing)
    assert messages and {m.organization_id for m in messages} == {personas.org.pk}
    assert {m.created_by_id for m in messages} == {None}  # planned by the system
