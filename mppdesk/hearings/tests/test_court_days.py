"""Court days (issue 11): no dockets or hearings on US federal holidays (observed dates)
or on a venue's closure days; dockets already there are flagged, never deleted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import holidays as holiday_calendars
import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mppdesk.accounts.services import create_api_token
from mppdesk.accounts.testing import verified_login
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings import calendar, hearing_services, scheduling
from mppdesk.hearings import dockets as docket_services
from mppdesk.hearings.models import ClosureDay, Docket, Hearing
from mppdesk.hearings.tests.conftest import future_day, make_case, make_docket
from mppdesk.places.models import Port, Venue

MLK_2027 = dt.date(2027, 1, 18)
DOCKETS = "/api/v1/dockets"
PLACES = "/api/v1/places"


def _api(user: Any) -> ApiClient:
    _token, secret = create_api_token(actor=None, user=user, name="test")
    return ApiClient(secret)


# --- the federal calendar -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (MLK_2027, "Martin Luther King Jr. Day"),
        # 4 July 2026 is a Saturday: observed on Friday the 3rd (and the day itself).
        (dt.date(2026, 7, 3), "Independence Day (observed)"),
        (dt.date(2026, 7, 4), "Independence Day"),
        # 4 July 2027 is a Sunday: observed on Monday the 5th.
        (dt.date(2027, 7, 5), "Independence Day (observed)"),
        # 19 June 2027 is a Saturday: Juneteenth observed on Friday the 18th.
        (dt.date(2027, 6, 18), "Juneteenth National Independence Day (observed)"),
        # New Year's Day 2028 is a Saturday: observed on Friday 31 December 2027.
        (dt.date(2027, 12, 31), "New Year's Day (observed)"),
        (dt.date(2026, 11, 26), "Thanksgiving Day"),
    ],
)
def test_federal_holidays_include_the_observed_dates(day: dt.date, name: str) -> None:
    assert calendar.federal_holiday(day) == name
    assert calendar.closure_reason(None, day)


@pytest.mark.parametrize(
    "day", [dt.date(2027, 1, 19), dt.date(2026, 7, 2), dt.date(2027, 7, 6), dt.date(2027, 12, 30)]
)
def test_ordinary_days_are_court_days(day: dt.date) -> None:
    assert calendar.federal_holiday(day) is None
    assert calendar.closure_reason(None, day) == ""


# --- dockets --------------------------------------------------------------------------------


def test_no_docket_can_be_made_on_martin_luther_king_day_2027(
    personas: Any, el_paso: Venue
) -> None:
    with pytest.raises(FieldErrors) as caught:
        docket_services.create_docket(
            actor=personas.coordinator,
            venue=el_paso,
            date=MLK_2027,
            session="am",
            courtroom="1",
            capacity=20,
        )
    assert list(caught.value.errors) == ["date"]
    assert "Martin Luther King Jr. Day" in caught.value.errors["date"][0]
    # Nor through the API, nor from a Monday template.
    body = {"venue": el_paso.code, "date": "2027-01-18", "session": "am", "courtroom": "1",
            "capacity": 20}  # fmt: skip
    assert_error(_api(personas.coordinator).post(DOCKETS, body), 422, "date")
    docket_services.create_template(
        actor=None, venue=el_paso, weekday=0, session="am", courtroom="1", capacity=20
    )
    result = docket_services.generate_dockets(
        actor=personas.coordinator, venue=el_paso, start=MLK_2027, end=MLK_2027
    )
    assert (result.created, result.closed_days) == (0, 1)
    assert not Docket.objects.filter(date=MLK_2027).exists()


def test_a_docket_on_an_ordinary_day_is_made_and_audited(personas: Any, el_paso: Venue) -> None:
    mark = audit_mark()
    response = _api(personas.coordinator).post(
        DOCKETS,
        {"venue": el_paso.code, "date": "2027-01-19", "session": "pm", "courtroom": "2",
         "capacity": 12, "interpreter_languages": ["spa", "Mam"]},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["date"], body["starts_at"], body["closed"]) == ("2027-01-19", "13:00:00", False)
    assert body["interpreter_languages"] == ["spa", "mam"]
    assert entries_after(mark).filter(object_type="docket", action="create").count() == 1
    again = {"venue": el_paso.code, "date": "2027-01-19", "session": "pm", "courtroom": "2",
             "capacity": 12}  # fmt: skip
    assert_error(_api(personas.coordinator).post(DOCKETS, again), 422, "courtroom")
    assert_error(_api(personas.caseworker).post(DOCKETS, again), 403)


def test_a_friday_template_skips_the_observed_independence_day(
    personas: Any, el_paso: Venue
) -> None:
    docket_services.create_template(
        actor=None, venue=el_paso, weekday=4, session="am", courtroom="1", capacity=20
    )
    result = docket_services.generate_dockets(
        actor=None, venue=el_paso, start=dt.date(2026, 6, 29), end=dt.date(2026, 7, 12)
    )
    made = sorted(Docket.objects.filter(venue=el_paso).values_list("date", flat=True))
    assert made == [dt.date(2026, 7, 10)]  # not Friday 3 July (observed)
    assert result.closed_days == 2  # Friday the 3rd and Saturday the 4th


@pytest.mark.django_db
@given(
    start_offset=st.integers(0, 3 * 365),
    length=st.integers(0, 60),
    weekdays=st.sets(st.integers(0, 6), min_size=1, max_size=7),
    closures=st.sets(st.integers(0, 60), max_size=5),
)
@settings(
    max_examples=15, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
def test_generated_dockets_fall_on_court_days_only(
    personas: Any, el_paso: Venue, start_offset: int, length: int, weekdays: set[int],
    closures: set[int],
) -> None:  # fmt: skip
    start = dt.date(2026, 1, 1) + dt.timedelta(days=start_offset)
    end = start + dt.timedelta(days=length)
    us = holiday_calendars.US(years=range(start.year, end.year + 1), observed=True)
    with transaction.atomic():
        for weekday in weekdays:
            docket_services.create_template(
                actor=None, venue=el_paso, weekday=weekday, session="am", courtroom="1",
                capacity=10,
            )  # fmt: skip
        closed = set()
        for offset in closures:
            day = start + dt.timedelta(days=offset)
            if day not in us:
                docket_services.add_closure_day(actor=None, venue=el_paso, date=day, reason="Flood")
                closed.add(day)
        result = docket_services.generate_dockets(actor=None, venue=el_paso, start=start, end=end)
        made = set(Docket.objects.filter(venue=el_paso).values_list("date", flat=True))
        days = {start + dt.timedelta(days=k) for k in range(length + 1)}
        expected = {d for d in days if d.weekday() in weekdays and d not in us and d not in closed}
        assert made == expected
        assert result.closed_days == len({d for d in days if d in us or d in closed})
        transaction.set_rollback(True)


# --- closure days and hearings ----------------------------------------------------------------


@pytest.fixture
def closed_docket(personas: Any, el_paso: Venue, juarez: Port) -> tuple[Docket, Hearing]:
    docket = make_docket(el_paso, future_day(weeks=4))
    case = make_case(personas.org, venue=el_paso, port=juarez)
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket
    )
    return docket, hearing


def test_closing_a_day_flags_its_dockets_and_refuses_new_hearings(
    personas: Any, el_paso: Venue, juarez: Port, closed_docket: tuple[Docket, Hearing]
) -> None:
    docket, hearing = closed_docket
    mark = audit_mark()
    result = docket_services.add_closure_day(
        actor=personas.coordinator, venue=el_paso, date=docket.date, reason="Building closed"
    )
    assert (result.dockets_flagged, result.hearings_ahead) == (1, 1)
    assert entries_after(mark).filter(object_type="closure_day", action="create").count() == 1
    # Kept, with its hearing, and flagged.
    docket = Docket.objects.get(pk=docket.pk)
    assert docket.booked == 1 and Hearing.objects.filter(pk=hearing.pk).exists()
    assert "Building closed" in docket.closed_reason

    other = make_case(personas.org, venue=el_paso, port=juarez)
    with pytest.raises(FieldErrors) as caught:
        hearing_services.schedule_hearing(actor=personas.coordinator, case=other, docket=docket)
    assert list(caught.value.errors) == ["docket"]
    # Moving a hearing onto it is refused too; moving the flagged one away works.
    later = make_docket(el_paso, future_day(weeks=5))
    moved_here = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=other, docket=later
    )
    with pytest.raises(FieldErrors) as caught:
        hearing_services.reschedule(
            actor=personas.coordinator, hearing=moved_here, new_docket=docket, reason="x"
        )
    assert list(caught.value.errors) == ["docket"]
    with pytest.raises(FieldErrors) as caught:
        hearing_services.continue_hearing(
            actor=personas.coordinator, hearing=moved_here, new_docket=docket, reason="x"
        )
    assert list(caught.value.errors) == ["docket"]
    hearing_services.reschedule(
        actor=personas.coordinator, hearing=hearing, new_docket=later, reason="Court closed"
    )

    # Opened again: no flag, and hearings may be put there.
    closure = ClosureDay.objects.get(venue=el_paso, date=docket.date)
    docket_services.remove_closure_day(actor=personas.coordinator, closure=closure)
    assert Docket.objects.get(pk=docket.pk).closed_reason == ""
    third = make_case(personas.org, venue=el_paso, port=juarez)
    hearing_services.schedule_hearing(actor=personas.coordinator, case=third, docket=docket)


def test_a_docket_made_on_a_holiday_before_the_rule_is_flagged_not_deleted(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    # Made directly (as before this rule, or by data migration): kept and flagged.
    docket = make_docket(el_paso, MLK_2027, on_holiday=True)
    api = _api(personas.coordinator)
    listed = api.get(DOCKETS, {"venue": el_paso.code, "from": "2027-01-18", "to": "2027-01-18"})
    assert listed.status_code == 200
    (item,) = listed.json()["items"]
    assert item["closed"] is True
    assert item["closed_reason"] == "US federal holiday: Martin Luther King Jr. Day"
    assert api.get(f"{DOCKETS}/{docket.pk}").json()["closed"] is True
    case = make_case(personas.org, venue=el_paso, port=juarez)
    body = {"case_id": str(case.pk), "docket_id": docket.pk}
    assert_error(api.post("/api/v1/hearings", body), 422, "docket_id")


def test_closure_days_checks_and_permissions(personas: Any, el_paso: Venue) -> None:
    day = future_day(weeks=6, weekday=2)
    with pytest.raises(FieldErrors) as caught:
        docket_services.add_closure_day(actor=personas.coordinator, venue=el_paso, date=MLK_2027,
                                 reason="Holiday")  # fmt: skip
    assert list(caught.value.errors) == ["date"]
    with pytest.raises(FieldErrors) as caught:
        docket_services.add_closure_day(
            actor=personas.coordinator, venue=el_paso, date=day, reason=" "
        )
    assert list(caught.value.errors) == ["reason"]
    with pytest.raises(PermissionDenied):
        docket_services.add_closure_day(
            actor=personas.caseworker, venue=el_paso, date=day, reason="x"
        )
    docket_services.add_closure_day(
        actor=personas.coordinator, venue=el_paso, date=day, reason="Storm"
    )
    with pytest.raises(FieldErrors) as caught:
        docket_services.add_closure_day(
            actor=personas.coordinator, venue=el_paso, date=day, reason="x"
        )
    assert list(caught.value.errors) == ["date"]


def test_closure_days_api(personas: Any, el_paso: Venue, closed_docket: Any) -> None:
    docket, _hearing = closed_docket
    url = f"{PLACES}/venues/{el_paso.code}/closures"
    coordinator, caseworker = _api(personas.coordinator), _api(personas.caseworker)
    body = {"date": docket.date.isoformat(), "reason": "Power cut"}
    assert_error(caseworker.post(url, body), 403)
    assert_error(coordinator.post(url, {"date": "2027-02-30", "reason": "x"}), 422, "date")
    assert_error(coordinator.post(url, {"date": "2027-01-18", "reason": "x"}), 422, "date")
    assert_error(coordinator.post(f"{PLACES}/venues/atlantis/closures", body), 404)
    created = coordinator.post(url, body)
    assert created.status_code == 201, created.content
    assert created.json() | {"id": 0} == {
        "id": 0, "venue": el_paso.code, "date": body["date"], "reason": "Power cut",
        "dockets_flagged": 1, "hearings_ahead": 1,
    }  # fmt: skip
    assert_error(coordinator.post(url, body), 422, "date")
    listed = caseworker.get(url, {"from": body["date"]})
    assert [c["date"] for c in listed.json()] == [body["date"]]
    assert coordinator.get(f"{DOCKETS}/{docket.pk}").json()["closed_reason"] == (
        "The court is closed: Power cut"
    )
    remove = f"{url}?date={body['date']}"
    assert_error(caseworker.client.delete(remove), 403)
    assert_error(coordinator.client.delete(f"{url}?date=2027-13-01"), 422, "date")
    assert coordinator.client.delete(remove).status_code == 204
    assert_error(coordinator.client.delete(remove), 404)
    assert coordinator.get(f"{DOCKETS}/{docket.pk}").json()["closed"] is False


def test_the_scheduler_never_proposes_a_closed_day(
    personas: Any, el_paso: Venue, juarez: Port
) -> None:
    early = make_docket(el_paso, future_day(weeks=3), capacity=10)
    late = make_docket(el_paso, future_day(weeks=4), capacity=10)
    docket_services.add_closure_day(actor=None, venue=el_paso, date=early.date, reason="Flood")
    cases = [make_case(personas.org, venue=el_paso, port=juarez) for _ in range(3)]
    start = future_day(weeks=0)
    proposal = scheduling.propose(
        actor=personas.coordinator, venue=el_paso, start=start, end=start + dt.timedelta(weeks=6)
    )
    rows = scheduling.proposal_rows(proposal)
    assert {r.case_id for r in rows} == {str(c.pk) for c in cases}
    assert {r.docket_id for r in rows} == {late.pk}


def test_the_docket_page_and_calendar_show_the_flag(personas: Any, el_paso: Venue) -> None:
    docket = make_docket(el_paso, MLK_2027, on_holiday=True)
    client = verified_login(Client(), personas.coordinator)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("hearings:docket", kwargs={"pk": docket.pk}))
    assert page.status_code == 200
    assert "Martin Luther King Jr. Day" in page.content.decode()
    week = client.get(reverse("hearings:calendar"), {"venue": el_paso.code, "week": "2027-W03"})
    assert week.status_code == 200
    assert "Martin Luther King Jr. Day" in week.content.decode()


def test_an_administrator_adds_a_closure_day_in_the_admin(personas: Any, el_paso: Venue) -> None:
    from mppdesk.accounts.models import Membership
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    admin = UserFactory(username="court-admin", is_staff=True)
    MembershipFactory(user=admin, organization=personas.org, role=Membership.Role.ADMIN)
    client = verified_login(Client(), admin)
    client.cookies["django_language"] = "en"
    url = reverse("admin:hearings_closureday_add")
    refused = client.post(url, {"venue": el_paso.pk, "date": "2027-01-18", "reason": "x"})
    assert refused.status_code == 200
    assert "US federal holiday: Martin Luther King Jr. Day" in refused.content.decode()
    mark = audit_mark()
    day = future_day(weeks=8, weekday=1)
    added = client.post(url, {"venue": el_paso.pk, "date": day.isoformat(), "reason": "Flood"})
    assert added.status_code == 302, added.content.decode()[:2000]
    assert ClosureDay.objects.get(venue=el_paso, date=day).created_by == admin
    assert entries_after(mark).filter(object_type="closure_day", action="create").count() == 1
    # A case worker does not get the admin at all.
    worker = verified_login(Client(), personas.caseworker)
    assert worker.get(url).status_code in (302, 403)


def test_the_suites_dockets_step_off_holidays_away_from_today() -> None:
    """``make_docket`` moves a day counted from today off a holiday (the suite runs on any
    date): back for a past day, on for a future one; ``on_holiday`` keeps it."""
    from mppdesk.hearings.tests.conftest import court_day_near

    assert court_day_near(dt.date(2026, 11, 26)) == dt.date(2026, 11, 25)  # Thanksgiving
    # 25 December 2027 is a Saturday, observed on Friday the 24th: both are holidays.
    assert court_day_near(dt.date(2027, 12, 24)) == dt.date(2027, 12, 26)
    assert court_day_near(dt.date(2027, 12, 23)) == dt.date(2027, 12, 23)
