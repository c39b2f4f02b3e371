"""Services: dockets from templates, scheduling, history, notices, outcomes, roll-call."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mppdesk.accounts.models import Membership, Organization
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.cases.models import CaseStatus
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings import display, erasure, hearing_services, notice_services, queries, support
from mppdesk.hearings import dockets as docket_services
from mppdesk.hearings import outcomes as outcome_services
from mppdesk.hearings.models import (
    Docket,
    DocketTemplate,
    Hearing,
    HearingStatus,
    InAbsentiaFollowUp,
    Notice,
    NoticeKind,
    Outcome,
)
from mppdesk.hearings.tests.conftest import future_day, make_case, make_docket, user_with_role
from mppdesk.hearings.times import court_today
from mppdesk.testing.factories import OrganizationFactory

# --- templates and dockets ----------------------------------------------------------------


def _two_templates(personas: Any, venue: Any) -> None:
    docket_services.create_template(
        actor=personas.coordinator, venue=venue, weekday=0, session="am", courtroom="1", capacity=25
    )
    docket_services.create_template(
        actor=personas.coordinator,
        venue=venue,
        weekday=2,
        session="pm",
        courtroom="2",
        capacity=15,
        interpreter_languages=["spa", "Mam"],
    )


def test_generate_dockets_from_templates_is_idempotent(personas: Any, el_paso: Any) -> None:
    _two_templates(personas, el_paso)
    start = dt.date(2027, 1, 4)  # a Monday
    mark = audit_mark()
    result = docket_services.generate_dockets(
        actor=personas.coordinator, venue=el_paso, start=start, end=start + dt.timedelta(days=13)
    )
    assert (result.created, result.skipped, result.days) == (4, 0, 14)
    assert entries_after(mark).filter(object_type="docket", action="create").count() == 4
    wednesday = Docket.objects.get(venue=el_paso, date=dt.date(2027, 1, 6))
    assert (wednesday.session, wednesday.courtroom, wednesday.capacity) == ("pm", "2", 15)
    assert wednesday.interpreter_languages == ["spa", "mam"]
    assert wednesday.starts_at == dt.time(13)
    docket_services.book(wednesday, 3)

    again = docket_services.generate_dockets(
        actor=personas.coordinator, venue=el_paso, start=start, end=start + dt.timedelta(days=20)
    )
    # Monday 18 January 2027 is Martin Luther King Jr. Day: only Wednesday the 20th is new.
    assert (again.created, again.skipped, again.closed_days) == (1, 4, 1)
    assert not Docket.objects.filter(venue=el_paso, date=dt.date(2027, 1, 18)).exists()
    wednesday.refresh_from_db()
    assert wednesday.booked == 3  # kept as it was


def test_generate_dockets_checks_its_input(personas: Any, el_paso: Any) -> None:
    from mppdesk.places.models import Venue

    _two_templates(personas, el_paso)
    with pytest.raises(FieldErrors) as caught:
        docket_services.generate_dockets(
            actor=personas.coordinator,
            venue=el_paso,
            start=dt.date(2027, 2, 1),
            end=dt.date(2027, 1, 1),
        )
    assert "end" in caught.value.errors
    other = Venue.objects.exclude(pk=el_paso.pk).first()
    with pytest.raises(FieldErrors) as caught:
        docket_services.generate_dockets(
            actor=personas.coordinator,
            venue=other,
            start=dt.date(2027, 1, 1),
            end=dt.date(2027, 1, 2),
            templates=DocketTemplate.objects.filter(venue=el_paso),
        )
    assert "templates" in caught.value.errors


def test_only_docket_managers_generate_or_make_templates(personas: Any, el_paso: Any) -> None:
    with pytest.raises(PermissionDenied):
        docket_services.create_template(
            actor=personas.caseworker,
            venue=el_paso,
            weekday=0,
            session="am",
            courtroom="1",
            capacity=5,
        )
    with pytest.raises(PermissionDenied):
        docket_services.generate_dockets(
            actor=personas.caseworker,
            venue=el_paso,
            start=dt.date(2027, 1, 1),
            end=dt.date(2027, 1, 2),
        )


def test_a_courtroom_has_one_template_per_weekday_and_session(personas: Any, el_paso: Any) -> None:
    _two_templates(personas, el_paso)
    with pytest.raises(FieldErrors) as caught:
        docket_services.create_template(
            actor=personas.coordinator,
            venue=el_paso,
            weekday=0,
            session="am",
            courtroom="1",
            capacity=5,
        )
    assert "courtroom" in caught.value.errors
    template = DocketTemplate.objects.get(weekday=2)
    docket_services.update_template(actor=personas.coordinator, template=template, active=False)
    template.refresh_from_db()
    assert template.active is False


# --- scheduling ---------------------------------------------------------------------------


def test_schedule_books_every_person_and_records_notice_event_and_audit(
    personas: Any, el_paso: Any, juarez: Any
) -> None:
    case = make_case(personas.org, venue=el_paso, port=juarez, riders=2)
    docket = make_docket(el_paso, future_day())
    mark = audit_mark()
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket
    )

    docket.refresh_from_db()
    assert docket.booked == 3 == hearing.seats
    assert hearing.status == HearingStatus.SCHEDULED
    assert hearing.organization_id == personas.org.pk
    assert hearing.report_place == "Paso del Norte International Bridge"
    notice = Notice.objects.get(hearing=hearing)
    assert (notice.kind, notice.method, notice.language, notice.served_at) == (
        "scheduled",
        "in_person",
        "es",
        None,
    )
    event = case.events.get(kind=support.CASE_EVENT_KIND)
    assert event.data["action"] == "scheduled"
    assert event.data["hearing"] == str(hearing.pk)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    written = {(e.object_type, e.action) for e in entries_after(mark)}
    assert {("hearing", "create"), ("notice", "create")} <= written


def test_notice_language_follows_the_lead(personas: Any, el_paso: Any, juarez: Any) -> None:
    case = make_case(personas.org, venue=el_paso, port=juarez, language="por")
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=make_docket(el_paso, future_day())
    )
    assert hearing.notices.get().language == "pt"


@pytest.mark.parametrize(
    ("setup", "field"),
    [
        ("other_venue", "docket"),
        ("no_interpreter", "docket"),
        ("past", "docket"),
        ("already_scheduled", "case"),
        ("closed", "case"),
        ("bad_method", "method"),
    ],
)
def test_schedule_refuses(personas: Any, el_paso: Any, juarez: Any, setup: str, field: str) -> None:
    from mppdesk.places.models import Venue

    case = make_case(personas.org, venue=el_paso, port=juarez, language="hat")
    docket = make_docket(el_paso, future_day(), languages=["spa", "hat"])
    kwargs: dict[str, Any] = {}
    if setup == "other_venue":
        docket = make_docket(Venue.objects.exclude(pk=el_paso.pk).first(), future_day())
    elif setup == "no_interpreter":
        docket = make_docket(el_paso, future_day(), courtroom="9", languages=["spa"])
    elif setup == "past":
        docket = make_docket(el_paso, court_today(el_paso) - dt.timedelta(days=3))
    elif setup == "already_scheduled":
        hearing_services.schedule_hearing(actor=personas.coordinator, case=case, docket=docket)
    elif setup == "closed":
        case.status = CaseStatus.CLOSED
        case.save()
    elif setup == "bad_method":
        kwargs["method"] = "pigeon"
    with pytest.raises(FieldErrors) as caught:
        hearing_services.schedule_hearing(
            actor=personas.coordinator, case=case, docket=docket, **kwargs
        )
    assert field in caught.value.errors


def test_who_may_schedule(personas: Any, case: Any, docket: Any) -> None:
    with pytest.raises(PermissionDenied):  # case workers do not schedule
        hearing_services.schedule_hearing(actor=personas.caseworker, case=case, docket=docket)
    elsewhere = user_with_role(personas.other_org, Membership.Role.COORDINATOR, "coord.other")
    with pytest.raises(PermissionDenied):  # a coordinator of another (non program-wide) org
        hearing_services.schedule_hearing(actor=elsewhere, case=case, docket=docket)
    program = OrganizationFactory(slug="program", kind=Organization.Kind.COORDINATOR)
    program_coordinator = user_with_role(program, Membership.Role.COORDINATOR, "coord.program")
    hearing = hearing_services.schedule_hearing(actor=program_coordinator, case=case, docket=docket)
    assert hearing.organization_id == case.organization_id
    # ... who places cases without reading their people.
    assert not queries.hearings_for(program_coordinator).exists()
    assert hearing.case_id not in set(
        queries.pending_cases(program_coordinator).values_list("pk", flat=True)
    )


# --- history: reschedule, continue, cancel ------------------------------------------------


def test_reschedule_keeps_history_moves_places_and_creates_a_changed_notice(
    personas: Any, el_paso: Any, juarez: Any
) -> None:
    case = make_case(personas.org, venue=el_paso, port=juarez, riders=1)
    first = make_docket(el_paso, future_day(3))
    second = make_docket(el_paso, future_day(5))
    old = hearing_services.schedule_hearing(actor=personas.coordinator, case=case, docket=first)
    new = hearing_services.reschedule(
        actor=personas.coordinator,
        hearing=old,
        new_docket=second,
        reason="Judge unavailable",
        method="mail",
        address="Albergue Casa del Migrante, Ciudad Juarez",
    )
    old.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert old.status == HearingStatus.RESCHEDULED
    assert old.continuance_reason == "Judge unavailable"
    assert new.replaces_id == old.pk and new.status == HearingStatus.SCHEDULED
    assert (first.booked, second.booked) == (0, 2)
    notice = new.notices.get()
    assert (notice.kind, notice.method) == (NoticeKind.CHANGED, "mail")
    assert notice.address == "Albergue Casa del Migrante, Ciudad Juarez"
    assert [h.pk for h in queries.chain_of(old)] == [old.pk, new.pk]
    assert [h.pk for h in queries.chain_of(new)] == [old.pk, new.pk]
    actions = [e.data["action"] for e in case.events.filter(kind="hearing").order_by("id")]
    assert actions == ["scheduled", "rescheduled"]
    with pytest.raises(FieldErrors) as caught:  # the old one is history now
        hearing_services.reschedule(
            actor=personas.coordinator, hearing=old, new_docket=first, reason="again"
        )
    assert "hearing" in caught.value.errors


def test_reschedule_to_a_full_docket_changes_nothing(
    personas: Any, el_paso: Any, case: Any
) -> None:
    first = make_docket(el_paso, future_day(3))
    full = make_docket(el_paso, future_day(5), capacity=1)
    docket_services.book(full, 1)
    hearing = hearing_services.schedule_hearing(actor=personas.coordinator, case=case, docket=first)
    with pytest.raises(docket_services.DocketFull):
        hearing_services.reschedule(
            actor=personas.coordinator, hearing=hearing, new_docket=full, reason="move"
        )
    hearing.refresh_from_db()
    first.refresh_from_db()
    assert hearing.status == HearingStatus.SCHEDULED and first.booked == 1
    assert Hearing.objects.count() == 1


def test_continue_keeps_the_places_used_and_chains_the_next_hearing(
    personas: Any, el_paso: Any, case: Any
) -> None:
    first = make_docket(el_paso, court_today(el_paso) - dt.timedelta(days=1))
    second = make_docket(el_paso, future_day(6))
    old = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=first, allow_past=True
    )
    new = hearing_services.continue_hearing(
        actor=personas.coordinator,
        hearing=old,
        new_docket=second,
        reason="Time to find a lawyer",
        served_at=timezone.now(),
        served_by=personas.coordinator,
    )
    old.refresh_from_db()
    first.refresh_from_db()
    assert (old.status, old.outcome) == (HearingStatus.HELD, Outcome.CONTINUED)
    assert first.booked == 1  # the places were used
    assert new.replaces_id == old.pk
    notice = new.notices.get()
    assert notice.kind == NoticeKind.CHANGED and notice.served_by == personas.coordinator


def test_cancel_releases_places_and_records_a_cancelled_notice(
    personas: Any, case: Any, docket: Any
) -> None:
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket
    )
    hearing_services.cancel(actor=personas.coordinator, hearing=hearing, reason="Case terminated")
    hearing.refresh_from_db()
    docket.refresh_from_db()
    assert hearing.status == HearingStatus.CANCELLED and docket.booked == 0
    assert [n.kind for n in hearing.notices.order_by("created_at")] == ["scheduled", "cancelled"]
    with pytest.raises(FieldErrors):
        outcome_services.record_outcome(
            actor=personas.caseworker, hearing=hearing, outcome="appeared"
        )


# --- notices ------------------------------------------------------------------------------


def test_record_notice_and_mark_served_once(personas: Any, case: Any, docket: Any) -> None:
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket
    )
    pending = hearing.notices.get()
    served = timezone.now() - dt.timedelta(hours=2)
    notice_services.mark_notice_served(
        actor=personas.caseworker, notice=pending, served_at=served, served_by=personas.caseworker
    )
    pending.refresh_from_db()
    assert pending.served_at == served and pending.served_by == personas.caseworker
    with pytest.raises(FieldErrors):
        notice_services.mark_notice_served(
            actor=personas.caseworker, notice=pending, served_at=served
        )
    extra = notice_services.record_notice(
        actor=personas.caseworker,
        hearing=hearing,
        method="electronic",
        address="whatsapp +52 656 000 0000",
        served_at=served,
        language="es",
    )
    assert extra.kind == NoticeKind.SCHEDULED
    with pytest.raises(FieldErrors) as caught:
        notice_services.record_notice(
            actor=personas.caseworker,
            hearing=hearing,
            method="mail",
            served_at=timezone.now() + dt.timedelta(days=1),
        )
    assert "served_at" in caught.value.errors
    with pytest.raises(PermissionDenied):
        notice_services.record_notice(actor=personas.outsider, hearing=hearing, method="mail")


# --- outcomes -----------------------------------------------------------------------------


def _past_hearing(personas: Any, el_paso: Any, case: Any, days_ago: int = 2) -> Hearing:
    docket = make_docket(el_paso, court_today(el_paso) - dt.timedelta(days=days_ago))
    return hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket, allow_past=True
    )


def test_in_absentia_order_opens_a_follow_up_with_the_180_day_deadline(
    personas: Any, el_paso: Any, case: Any
) -> None:
    hearing = _past_hearing(personas, el_paso, case)
    mark = audit_mark()
    outcome_services.record_outcome(
        actor=personas.caseworker,
        hearing=hearing,
        outcome=Outcome.FAILED_TO_APPEAR,
        in_absentia_order=True,
        notes="Check the address on the NTA",
    )
    hearing.refresh_from_db()
    assert (hearing.status, hearing.outcome) == (HearingStatus.HELD, Outcome.REMOVAL_IN_ABSENTIA)
    follow_up = InAbsentiaFollowUp.objects.get(hearing=hearing)
    assert follow_up.order_date == hearing.docket.date
    assert follow_up.exceptional_circumstances_deadline == hearing.docket.date + dt.timedelta(
        days=180
    )
    assert follow_up.lack_of_notice_deadline is None and follow_up.custody_deadline is None
    assert follow_up.organization_id == case.organization_id
    assert follow_up.notes == "Check the address on the NTA"
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_ABSENTIA
    assert entries_after(mark).filter(object_type="in_absentia_follow_up").exists()
    assert list(queries.open_follow_ups(personas.caseworker)) == [follow_up]
    with pytest.raises(FieldErrors) as caught:  # its outcome cannot be changed any more
        outcome_services.record_outcome(
            actor=personas.caseworker, hearing=hearing, outcome="appeared"
        )
    assert "outcome" in caught.value.errors


def test_the_order_date_sets_the_deadline(personas: Any, el_paso: Any, case: Any) -> None:
    hearing = _past_hearing(personas, el_paso, case, days_ago=10)
    order = timezone.localdate() - dt.timedelta(days=1)
    outcome_services.record_outcome(
        actor=personas.caseworker,
        hearing=hearing,
        outcome=Outcome.REMOVAL_IN_ABSENTIA,
        order_date=order,
    )
    follow_up = InAbsentiaFollowUp.objects.get()
    assert follow_up.exceptional_circumstances_deadline == order + dt.timedelta(days=180)


def test_absence_without_an_order_opens_nothing(personas: Any, el_paso: Any, case: Any) -> None:
    hearing = _past_hearing(personas, el_paso, case)
    outcome_services.record_outcome(
        actor=personas.caseworker, hearing=hearing, outcome="failed_to_appear"
    )
    assert not InAbsentiaFollowUp.objects.exists()
    # A roll-call mistake can be corrected.
    outcome_services.record_outcome(actor=personas.caseworker, hearing=hearing, outcome="appeared")
    hearing.refresh_from_db()
    assert hearing.outcome == "appeared"


def test_a_decision_decides_the_case(personas: Any, el_paso: Any, case: Any) -> None:
    hearing = _past_hearing(personas, el_paso, case)
    outcome_services.record_outcome(
        actor=personas.caseworker, hearing=hearing, outcome="relief_granted"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED


def test_roll_call_records_all_or_nothing(personas: Any, el_paso: Any, juarez: Any) -> None:
    docket = make_docket(el_paso, court_today(el_paso))
    first = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=make_case(personas.org, venue=el_paso), docket=docket
    )
    second = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=make_case(personas.org, venue=el_paso), docket=docket
    )
    elsewhere = hearing_services.schedule_hearing(
        actor=personas.coordinator,
        case=make_case(personas.org, venue=el_paso),
        docket=make_docket(el_paso, court_today(el_paso), courtroom="2"),
    )
    with pytest.raises(FieldErrors) as caught:
        outcome_services.record_attendance(
            actor=personas.caseworker,
            docket=docket,
            outcomes={first.pk: "appeared", elsewhere.pk: "failed_to_appear"},
        )
    assert f"outcomes[{elsewhere.pk}]" in caught.value.errors
    first.refresh_from_db()
    assert first.outcome == ""
    with pytest.raises(FieldErrors) as caught:
        outcome_services.record_attendance(
            actor=personas.caseworker,
            docket=docket,
            outcomes={first.pk: "appeared", second.pk: "sleeping"},
        )
    assert f"outcomes[{second.pk}].outcome" in caught.value.errors
    first.refresh_from_db()
    assert first.outcome == ""
    done = outcome_services.record_attendance(
        actor=personas.caseworker,
        docket=docket,
        outcomes={first.pk: "appeared", second.pk: "failed_to_appear"},
    )
    assert sorted(h.outcome for h in done) == ["appeared", "failed_to_appear"]
    with pytest.raises(PermissionDenied):
        outcome_services.record_attendance(
            actor=personas.outsider, docket=docket, outcomes={first.pk: "appeared"}
        )


def test_follow_up_moves_on(personas: Any, el_paso: Any, case: Any) -> None:
    hearing = _past_hearing(personas, el_paso, case)
    outcome_services.record_outcome(actor=None, hearing=hearing, outcome="removal_in_absentia")
    follow_up = InAbsentiaFollowUp.objects.get()
    outcome_services.update_follow_up(
        actor=personas.caseworker, follow_up=follow_up, status="motion_filed"
    )
    follow_up.refresh_from_db()
    assert follow_up.status == "motion_filed"
    assert not queries.open_follow_ups(personas.caseworker).exists()
    assert queries.follow_ups_for(personas.caseworker).get() == follow_up


def test_erasing_hearing_texts_blanks_reasons_addresses_and_notes(
    personas: Any, el_paso: Any, case: Any
) -> None:
    hearing = _past_hearing(personas, el_paso, case)
    notice_services.record_notice(
        actor=None, hearing=hearing, method="mail", address="Calle 1, Juárez"
    )
    outcome_services.record_outcome(
        actor=None, hearing=hearing, outcome="removal_in_absentia", notes="private"
    )
    assert erasure.erase_hearing_texts(actor=None, case=case) == 2
    assert [n.address for n in Notice.objects.filter(hearing=hearing)] == ["", ""]
    assert InAbsentiaFollowUp.objects.get().notes == ""


def test_timeline_lines_for_hearing_events(personas: Any, case: Any, docket: Any) -> None:
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket
    )
    notice_services.record_notice(actor=personas.caseworker, hearing=hearing, method="mail")
    lines = [
        display.case_event_detail(e.data)
        for e in case.events.filter(kind=support.CASE_EVENT_KIND).order_by("id")
    ]
    assert lines == [f"Scheduled: {docket.date.isoformat()}", "Notice: By mail"]


def test_no_outcome_before_the_hearing_day(personas: Any, case: Any, docket: Any) -> None:
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket
    )
    with pytest.raises(FieldErrors) as caught:
        outcome_services.record_outcome(
            actor=personas.caseworker, hearing=hearing, outcome="appeared"
        )
    assert "hearing" in caught.value.errors
