"""The REST API: roles, scoping, local times, history, roll-call, follow-ups, places."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mppdesk.accounts.models import Membership, Organization
from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.hearings import dockets as docket_services
from mppdesk.hearings import hearing_services
from mppdesk.hearings.models import Docket, Hearing
from mppdesk.hearings.tests.conftest import future_day, make_case, make_docket, user_with_role
from mppdesk.hearings.times import court_today
from mppdesk.testing.factories import OrganizationFactory

HEARINGS = "/api/v1/hearings"
DOCKETS = "/api/v1/dockets"
PLACES = "/api/v1/places"


def _client(user: Any, organization: Any = None) -> ApiClient:
    _token, secret = create_api_token(actor=None, user=user, name="test", organization=organization)
    return ApiClient(secret)


@pytest.fixture
def coordinator_api(personas: Any) -> ApiClient:
    return _client(personas.coordinator)


@pytest.fixture
def caseworker_api(personas: Any) -> ApiClient:
    return _client(personas.caseworker)


@pytest.fixture
def outsider_api(personas: Any) -> ApiClient:
    return _client(personas.outsider)


@pytest.fixture
def hearing(personas: Any, case: Any, docket: Any) -> Hearing:
    return hearing_services.schedule_hearing(actor=personas.coordinator, case=case, docket=docket)


def test_coordinator_schedules_and_sees_local_times(
    coordinator_api: ApiClient, personas: Any, el_paso: Any, nogales: Any
) -> None:
    case = make_case(personas.org, venue=el_paso, port=nogales, riders=1)
    docket = make_docket(el_paso, future_day())
    response = coordinator_api.post(
        HEARINGS, {"case_id": str(case.pk), "docket_id": docket.pk, "kind": "master"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["seats"] == 2 and body["status"] == "scheduled"
    assert body["venue_timezone"] == "America/Denver"
    assert body["port"] == "nogales" and body["port_timezone"] == "America/Hermosillo"
    assert " 08:00 M" in body["scheduled_local"] and body["scheduled_local"].endswith(
        "(America/Denver)"
    )
    scheduled = dt.datetime.fromisoformat(body["scheduled_at"])
    report = dt.datetime.fromisoformat(body["report_at"])
    assert scheduled - report == dt.timedelta(hours=4)
    assert body["report_local"].endswith("MST (America/Hermosillo)")
    assert [n["kind"] for n in body["notices"]] == ["scheduled"]
    docket.refresh_from_db()
    assert docket.booked == 2


def test_case_worker_and_analyst_may_not_schedule(
    caseworker_api: ApiClient, personas: Any, analyst: Any, case: Any, docket: Any
) -> None:
    body = {"case_id": str(case.pk), "docket_id": docket.pk}
    assert_error(caseworker_api.post(HEARINGS, body), 403)
    analyst_api = _client(analyst)
    assert_error(analyst_api.post(HEARINGS, body), 403)
    assert_error(analyst_api.get(HEARINGS), 403)
    assert_error(analyst_api.get(DOCKETS), 403)
    assert not Hearing.objects.exists()


def test_schedule_errors_name_the_field(
    coordinator_api: ApiClient, personas: Any, case: Any, el_paso: Any
) -> None:
    full = make_docket(el_paso, future_day(), capacity=1)
    docket_services.book(full, 1)
    assert_error(
        coordinator_api.post(HEARINGS, {"case_id": str(case.pk), "docket_id": full.pk}),
        422,
        "docket_id",
    )
    assert_error(
        coordinator_api.post(HEARINGS, {"case_id": str(case.pk), "docket_id": 999999}),
        422,
        "docket_id",
    )
    other_case = make_case(personas.other_org, venue=el_paso)
    assert_error(
        coordinator_api.post(HEARINGS, {"case_id": str(other_case.pk), "docket_id": full.pk}),
        422,
        "case_id",
    )
    assert_error(
        coordinator_api.post(HEARINGS, {"case_id": str(case.pk), "docket_id": "1"}),
        422,
        "docket_id",
    )


def test_program_coordinator_schedules_any_case_without_reading_it(
    personas: Any, case: Any, docket: Any
) -> None:
    program = OrganizationFactory(slug="program", kind=Organization.Kind.COORDINATOR)
    api = _client(user_with_role(program, Membership.Role.COORDINATOR, "coord.program"))
    response = api.post(
        HEARINGS, {"case_id": str(case.pk), "docket_id": docket.pk, "address": "Calle 1"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["notices"] == [] and body["report_local"]
    summary = api.get(f"{HEARINGS}/{body['id']}")  # the web's read-only summary
    assert summary.status_code == 200 and summary.json()["view"] == "program"
    other = make_docket(docket.venue, future_day(6))
    moved = api.post(
        f"{HEARINGS}/{body['id']}/reschedule", {"docket_id": other.pk, "reason": "Judge ill"}
    )
    assert moved.status_code == 201, moved.content
    assert moved.json()["chain"] == [body["id"], moved.json()["id"]]


def test_program_coordinator_reads_the_summary_the_web_shows(
    personas: Any, case: Any, docket: Any
) -> None:
    """Issue 13: a program-wide coordinator got 404 from the detail of hearings it
    scheduled, while the web shows it a read-only summary: now the API gives the same,
    and nothing the summary leaves out."""
    program = OrganizationFactory(slug="program", kind=Organization.Kind.COORDINATOR)
    api = _client(user_with_role(program, Membership.Role.COORDINATOR, "coord.program"))
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket, address="Calle 5 de Mayo 12"
    )
    response = api.client.get(f"{HEARINGS}/{hearing.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["view"] == "program" and body["id"] == str(hearing.pk)
    assert body["docket_id"] == docket.pk and body["seats"] == hearing.seats
    assert body["scheduled_local"] and body["venue_timezone"] == "America/Denver"
    assert body["household"] == "one person, Spanish"
    assert body["language"] == "spa" and body["vulnerable"] is False
    assert body["may_change"] is True
    # Program data only: no case, notices, reasons, outcome or anyone's name.
    for left_out in ("case_id", "notices", "chain", "continuance_reason", "outcome"):
        assert left_out not in body
    text = response.content.decode()
    for member in case.members.select_related("person"):
        assert member.person.family_names not in text
    assert case.a_number not in text and "Calle 5 de Mayo" not in text
    # The summary is in the request's language.
    spanish = api.client.get(f"{HEARINGS}/{hearing.pk}", HTTP_ACCEPT_LANGUAGE="es").json()
    assert spanish["household"].endswith(", Español")


def test_a_coordinator_who_is_not_program_wide_still_gets_404(
    personas: Any, hearing: Hearing
) -> None:
    other = user_with_role(personas.other_org, Membership.Role.COORDINATOR, "coord.other")
    assert_error(_client(other).get(f"{HEARINGS}/{hearing.pk}"), 404)


def test_outsider_gets_404_everywhere(
    outsider_api: ApiClient, hearing: Hearing, docket: Docket
) -> None:
    url = f"{HEARINGS}/{hearing.pk}"
    assert_error(outsider_api.get(url), 404)
    assert_error(outsider_api.get(f"{url}/notices"), 404)
    assert_error(outsider_api.get(f"{url}/evidence"), 404)
    assert_error(outsider_api.post(f"{url}/outcome", {"outcome": "appeared"}), 404)
    assert outsider_api.get(HEARINGS).json()["count"] == 0
    # Dockets are not personal data: every docket reader sees them, bookings included.
    assert outsider_api.get(f"{DOCKETS}/{docket.pk}").json()["booked"] == 1
    assert outsider_api.get(f"{DOCKETS}/{docket.pk}/hearings").json()["count"] == 0


def test_list_filters_and_detail(
    caseworker_api: ApiClient, personas: Any, hearing: Hearing, el_paso: Any
) -> None:
    other = hearing_services.schedule_hearing(
        actor=personas.coordinator,
        case=make_case(personas.org, venue=el_paso),
        docket=make_docket(el_paso, future_day(7)),
    )
    day = hearing.docket.date.isoformat()
    body = caseworker_api.get(HEARINGS, {"from": day, "to": day}).json()
    assert [h["id"] for h in body["items"]] == [str(hearing.pk)]
    body = caseworker_api.get(HEARINGS, {"case_id": str(other.case_id)}).json()
    assert [h["id"] for h in body["items"]] == [str(other.pk)]
    assert caseworker_api.get(HEARINGS, {"status": "cancelled"}).json()["count"] == 0
    assert caseworker_api.get(HEARINGS, {"venue": el_paso.code}).json()["count"] == 2
    detail = caseworker_api.get(f"{HEARINGS}/{hearing.pk}").json()
    assert detail["chain"] == [str(hearing.pk)] and detail["follow_up"] is None
    assert detail["report_place"] == "Paso del Norte International Bridge"


def test_reschedule_continue_and_cancel_need_docket_manage(
    caseworker_api: ApiClient, coordinator_api: ApiClient, hearing: Hearing, el_paso: Any
) -> None:
    url = f"{HEARINGS}/{hearing.pk}"
    target = make_docket(el_paso, future_day(6))
    body = {"docket_id": target.pk, "reason": "Interpreter unavailable"}
    assert_error(caseworker_api.post(f"{url}/reschedule", body), 403)
    assert_error(caseworker_api.post(f"{url}/cancel", {"reason": "x"}), 403)
    response = coordinator_api.post(f"{url}/reschedule", {**body, "method": "mail"})
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["replaces_id"] == str(hearing.pk)
    assert [n["kind"] for n in new["notices"]] == ["changed"]
    assert_error(coordinator_api.post(f"{url}/cancel", {"reason": "again"}), 422, "hearing")
    cancelled = coordinator_api.post(f"{HEARINGS}/{new['id']}/cancel", {"reason": "Terminated"})
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    target.refresh_from_db()
    assert target.booked == 0


def test_notices_and_service(caseworker_api: ApiClient, personas: Any, hearing: Hearing) -> None:
    url = f"{HEARINGS}/{hearing.pk}/notices"
    served = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    response = caseworker_api.post(
        url,
        {
            "method": "shelter",
            "address": "Albergue Buen Pastor, Ciudad Juarez",
            "served_at": served,
            "served_by": "caseworker",
            "language": "es",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["served_by"] == "caseworker"
    assert_error(
        caseworker_api.post(url, {"method": "mail", "served_by": "outsider"}), 422, "served_by"
    )
    assert_error(caseworker_api.post(url, {"method": "mail", "colour": "red"}), 422, "colour")
    notices = caseworker_api.get(url).json()
    assert [n["kind"] for n in notices] == ["scheduled", "scheduled"]
    pending = notices[0]["id"]
    done = caseworker_api.post(f"{url}/{pending}/served", {"served_at": served})
    assert done.status_code == 200 and done.json()["served_at"]
    assert_error(caseworker_api.post(f"{url}/{pending}/served", {"served_at": served}), 422)


def test_outcome_in_absentia_opens_a_follow_up(
    caseworker_api: ApiClient, personas: Any, case: Any, el_paso: Any
) -> None:
    docket = make_docket(el_paso, timezone.localdate() - dt.timedelta(days=1))
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket, allow_past=True
    )
    response = caseworker_api.post(
        f"{HEARINGS}/{hearing.pk}/outcome",
        {"outcome": "failed_to_appear", "in_absentia_order": True},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["outcome"] == "removal_in_absentia"
    follow_up = body["follow_up"]
    assert (
        follow_up["exceptional_circumstances_deadline"]
        == (docket.date + dt.timedelta(days=180)).isoformat()
    )
    assert follow_up["lack_of_notice_deadline"] is None and follow_up["custody_deadline"] is None
    listed = caseworker_api.get(f"{HEARINGS}/follow-ups").json()
    assert [f["id"] for f in listed["items"]] == [follow_up["id"]]
    patched = caseworker_api.patch(
        f"{HEARINGS}/follow-ups/{follow_up['id']}", {"status": "motion_filed"}
    )
    assert patched.status_code == 200 and patched.json()["status"] == "motion_filed"
    assert caseworker_api.get(f"{HEARINGS}/follow-ups").json()["count"] == 0
    evidence = caseworker_api.get(f"{HEARINGS}/{hearing.pk}/evidence").json()["packet"]
    assert evidence["messages"] == [] and len(evidence["notices"]) == 1


def test_roll_call(
    caseworker_api: ApiClient, outsider_api: ApiClient, personas: Any, el_paso: Any
) -> None:
    docket = make_docket(el_paso, court_today(el_paso))
    ours = [
        hearing_services.schedule_hearing(
            actor=personas.coordinator, case=make_case(personas.org, venue=el_paso), docket=docket
        )
        for _ in range(2)
    ]
    url = f"{DOCKETS}/{docket.pk}/roll-call"
    body = {"outcomes": {str(ours[0].pk): "appeared", str(ours[1].pk): "failed_to_appear"}}
    assert_error(outsider_api.post(url, body), 422, f"outcomes[{ours[0].pk}]")
    response = caseworker_api.post(url, body)
    assert response.status_code == 200, response.content
    assert sorted(h["outcome"] for h in response.json()) == ["appeared", "failed_to_appear"]
    listed = caseworker_api.get(f"{DOCKETS}/{docket.pk}/hearings").json()
    assert listed["count"] == 2


def test_upcoming_and_no_contact(
    caseworker_api: ApiClient, attorney: Any, hearing: Hearing
) -> None:
    soon = caseworker_api.get(f"{HEARINGS}/upcoming", {"days": 60}).json()
    assert [h["id"] for h in soon["items"]] == [str(hearing.pk)]
    assert _client(attorney).get(f"{HEARINGS}/upcoming", {"days": 60}).json()["count"] == 1
    assert caseworker_api.get(f"{HEARINGS}/no-contact", {"days": 60}).json()["count"] == 1
    assert caseworker_api.get(f"{HEARINGS}/no-contact").json()["count"] == 0  # 3 weeks away


def test_dockets_generate_and_templates(
    coordinator_api: ApiClient, caseworker_api: ApiClient, el_paso: Any
) -> None:
    template = {
        "venue": el_paso.code,
        "weekday": 1,
        "session": "am",
        "courtroom": "A",
        "capacity": 40,
        "interpreter_languages": ["spa", "por"],
    }
    assert_error(caseworker_api.post(f"{DOCKETS}/templates", template), 403)
    created = coordinator_api.post(f"{DOCKETS}/templates", template)
    assert created.status_code == 201, created.content
    assert_error(coordinator_api.post(f"{DOCKETS}/templates", template), 422, "courtroom")
    period = {"venue": el_paso.code, "start": "2027-03-01", "end": "2027-03-31"}
    assert_error(caseworker_api.post(f"{DOCKETS}/generate", period), 403)
    result = coordinator_api.post(f"{DOCKETS}/generate", period).json()
    assert result == {"created": 5, "skipped": 0, "days": 31, "closed_days": 0}
    assert coordinator_api.post(f"{DOCKETS}/generate", period).json()["skipped"] == 5
    listed = caseworker_api.get(
        DOCKETS, {"venue": el_paso.code, "from": "2027-03-01", "to": "2027-03-10"}
    ).json()
    assert [d["date"] for d in listed["items"]] == ["2027-03-02", "2027-03-09"]
    first = listed["items"][0]
    assert (first["capacity"], first["booked"], first["seats_left"]) == (40, 0, 40)
    assert first["starts_local"] == "2027-03-02 08:00 MST (America/Denver)"
    assert first["interpreter_languages"] == ["spa", "por"]
    patched = coordinator_api.patch(
        f"{DOCKETS}/templates/{created.json()['id']}", {"active": False}
    )
    assert patched.status_code == 200 and patched.json()["active"] is False
    assert caseworker_api.get(f"{DOCKETS}/templates", {"active": True}).json() == []
    assert_error(
        coordinator_api.post(f"{DOCKETS}/generate", {**period, "venue": "atlantis"}), 422, "venue"
    )


def test_coordinators_edit_places(coordinator_api: ApiClient, caseworker_api: ApiClient) -> None:
    change = {"report_place": "DeConcini port, pedestrian entrance", "hourly_capacity": 40}
    assert_error(caseworker_api.patch(f"{PLACES}/ports/nogales", change), 403)
    response = coordinator_api.patch(f"{PLACES}/ports/nogales", change)
    assert response.status_code == 200, response.content
    assert response.json()["hourly_capacity"] == 40
    ports = {p["code"]: p for p in caseworker_api.get(f"{PLACES}/ports").json()}
    assert ports["nogales"]["report_place"] == "DeConcini port, pedestrian entrance"
    assert ports["nogales"]["timezone"] == "America/Hermosillo"
    assert ports["calexico"]["report_place"] == "Calexico port of entry, pedestrian entrance"
    assert ports["el-paso"]["report_place_source"]
    assert_error(
        coordinator_api.patch(
            f"{PLACES}/venues/el-paso-immigration-court", {"timezone": "Mars/Base"}
        ),
        422,
        "timezone",
    )
    venue = coordinator_api.patch(
        f"{PLACES}/venues/san-diego-immigration-court", {"timezone": "America/Tijuana"}
    )
    assert venue.status_code == 200 and venue.json()["timezone"] == "America/Tijuana"
    assert_error(coordinator_api.patch(f"{PLACES}/ports/atlantis", change), 404)


def test_seeded_venues_have_their_time_zones(caseworker_api: ApiClient) -> None:
    zones = {v["code"]: v["timezone"] for v in caseworker_api.get(f"{PLACES}/venues").json()}
    assert zones["san-diego-immigration-court"] == "America/Los_Angeles"
    assert zones["el-paso-immigration-court"] == "America/Denver"
    assert zones["laredo-immigration-hearing-facility"] == "America/Chicago"
    assert set(zones.values()) <= {"America/Los_Angeles", "America/Denver", "America/Chicago"}
