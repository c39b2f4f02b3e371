"""Cases over the REST API: list, filters, search, get, open, update, notes, scoping."""

from __future__ import annotations

import uuid

import pytest

from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.audit.models import AuditEntry
from mppdesk.cases.models import Case, CaseEvent, CaseStatus
from mppdesk.people.models import Person
from mppdesk.places.models import Venue
from mppdesk.testing.factories import CaseFactory, PersonFactory

URL = "/api/v1/cases"
SEARCH = f"{URL}/search"


@pytest.fixture
def lead(personas) -> Person:  # type: ignore[no-untyped-def]
    return PersonFactory(organization=personas.org)


@pytest.fixture
def case(personas) -> Case:  # type: ignore[no-untyped-def]
    return CaseFactory(
        organization=personas.org, a_number="012345678", status=CaseStatus.ACTIVE,
        venue=Venue.objects.get(code="el-paso-immigration-court"), program_version="2019",
    )  # fmt: skip


# --- list -------------------------------------------------------------------------------


def test_list_cases_paginated(api: ApiClient, personas) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        CaseFactory(organization=personas.org)
    CaseFactory(organization=personas.other_org)
    body = api.get(URL, {"limit": 2, "offset": 2}).json()
    assert body["count"] == 3
    assert len(body["items"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"status": "active"},
        {"venue": "el-paso-immigration-court"},
        {"program_version": "2019"},
    ],
)
def test_list_filters(api: ApiClient, case: Case, personas, params: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    CaseFactory(organization=personas.org, a_number="987654321")
    body = api.get(URL, params).json()
    assert [c["id"] for c in body["items"]] == [str(case.pk)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"program_version": "1999"}, "program_version"),
    ],
)
def test_bad_filters_are_422_naming_them(
    api: ApiClient, params: dict[str, str], field: str
) -> None:
    assert_error(api.get(URL, params), 422, field)


def test_list_ignores_an_a_number_parameter(api: ApiClient, case: Case, personas) -> None:  # type: ignore[no-untyped-def]
    """Finding a case by A-number is a POST; a stray `a_number` in the URL filters nothing."""
    CaseFactory(organization=personas.org, a_number="987654321")
    assert api.get(URL, {"a_number": "012345678"}).json()["count"] == 2


# --- search -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "notation", ["A012-345-678", "A 012 345 678", "a012345678", "012345678", "12345678"]
)
def test_search_finds_an_a_number_in_any_notation(
    api: ApiClient, case: Case, personas, notation: str
) -> None:  # type: ignore[no-untyped-def]
    CaseFactory(organization=personas.org, a_number="987654321")
    response = api.post(SEARCH, {"a_number": notation})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (1, 50, 0)
    assert [c["id"] for c in body["items"]] == [str(case.pk)]
    assert body["items"][0]["a_number"] == "012345678"


@pytest.mark.parametrize(
    ("extra", "found"),
    [
        ({"status": "active"}, True),
        ({"status": "closed"}, False),
        ({"venue": "el-paso-immigration-court"}, True),
        ({"program_version": "current"}, False),
    ],
)
def test_search_applies_the_other_filters(
    api: ApiClient, case: Case, extra: dict[str, str], found: bool
) -> None:
    body = api.post(SEARCH, {"a_number": "012345678", **extra}).json()
    assert body["count"] == int(found)


def test_search_records_a_view_per_case_shown(api: ApiClient, case: Case, personas) -> None:  # type: ignore[no-untyped-def]
    api.post(SEARCH, {"a_number": "A012-345-678"})
    entry = AuditEntry.objects.get(action="view", object_type="case")
    assert entry.object_id == str(case.pk)
    assert (entry.actor, entry.organization) == (personas.caseworker, personas.org)
    assert entry.channel == "api"
    assert "a_number" in entry.fields


def test_a_number_of_another_organization_is_not_found(api: ApiClient, personas) -> None:  # type: ignore[no-untyped-def]
    CaseFactory(organization=personas.other_org, a_number="555555555")
    assert api.post(SEARCH, {"a_number": "555555555"}).json()["count"] == 0
    assert not AuditEntry.objects.filter(action="view", object_type="case").exists()


def test_anonymous_search_is_401(anonymous_api: ApiClient, case: Case) -> None:
    assert_error(anonymous_api.post(SEARCH, {"a_number": "012345678"}), 401)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "a_number"),
        ({"a_number": ""}, "a_number"),
        ({"a_number": "12-34"}, "a_number"),
        ({"a_number": "A-NUMBER"}, "a_number"),
        ({"a_number": "1" * 21}, "a_number"),
        ({"a_number": 12345678}, "a_number"),
        ({"a_number": "012345678", "status": "lost"}, "status"),
        ({"a_number": "012345678", "program_version": "1999"}, "program_version"),
        ({"a_number": "012345678", "limit": 0}, "limit"),
        ({"a_number": "012345678", "offset": -1}, "offset"),
        ({"a_number": "012345678", "lead_id": str(uuid.uuid4())}, "lead_id"),
    ],
)
def test_bad_search_is_422_naming_the_field(
    api: ApiClient, payload: dict[str, object], field: str
) -> None:
    body = assert_error(api.post(SEARCH, payload), 422, field)
    assert body["detail"] == "Validation failed."


def test_bad_a_number_is_not_echoed_in_the_error(api: ApiClient) -> None:
    body = assert_error(api.post(SEARCH, {"a_number": "A12-345"}), 422, "a_number")
    assert "12-345" not in str(body) and "12345" not in str(body)


def test_search_path_is_not_taken_for_a_case_id(api: ApiClient) -> None:
    """`/cases/search` is its own route, declared before `/cases/{case_id}`."""
    for response in (api.get(SEARCH), api.patch(SEARCH, {"status": "closed"})):
        assert response.status_code == 405, response.content
        assert b"case_id" not in response.content


# --- get --------------------------------------------------------------------------------


def test_get_case_with_timeline(api: ApiClient, case: Case) -> None:
    body = api.get(f"{URL}/{case.pk}").json()
    assert body["a_number"] == "012345678"
    assert body["a_number_display"] == "A012-345-678"
    assert body["lead_id"] == str(case.lead_id)
    assert body["member_ids"] == [str(case.lead_id)]
    assert body["venue"] == "el-paso-immigration-court"
    assert body["port"] is None
    assert (body["status"], body["program_version"]) == ("active", "2019")
    assert body["events"] == []
    assert AuditEntry.objects.filter(
        action="view", object_type="case", object_id=str(case.pk)
    ).exists()


def test_missing_case_is_404(api: ApiClient) -> None:
    assert_error(api.get(f"{URL}/{uuid.uuid4()}"), 404)


# --- create -----------------------------------------------------------------------------


def test_open_case_with_family_members(api: ApiClient, lead: Person, personas) -> None:  # type: ignore[no-untyped-def]
    child = PersonFactory(organization=personas.org)
    response = api.post(URL, {
        "a_number": "A 123-456-789", "lead_id": str(lead.pk), "member_ids": [str(child.pk)],
        "venue": "el-paso-immigration-court", "port": "el-paso",
        "program_version": "current", "status": "intake",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["a_number"] == "123456789"
    assert set(body["member_ids"]) == {str(lead.pk), str(child.pk)}
    assert (body["venue"], body["port"]) == ("el-paso-immigration-court", "el-paso")
    assert [e["kind"] for e in body["events"]] == ["opened"]
    assert Case.objects.get(pk=body["id"]).organization == personas.org


def test_open_case_defaults(api: ApiClient, lead: Person) -> None:
    body = api.post(URL, {"a_number": "123456789", "lead_id": str(lead.pk)}).json()
    assert (body["status"], body["program_version"], body["venue"]) == ("intake", "current", None)
    assert body["opened_on"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"a_number": "12-34"}, "a_number"),
        ({"a_number": None}, "a_number"),
        ({"lead_id": str(uuid.UUID(int=7))}, "lead_id"),
        ({"member_ids": [str(uuid.UUID(int=7))]}, "member_ids[0]"),
        ({"venue": "nowhere"}, "venue"),
        ({"port": "nowhere"}, "port"),
        ({"status": "lost"}, "status"),
        ({"program_version": "1999"}, "program_version"),
        ({"judge": "X"}, "judge"),
    ],
)
def test_open_invalid_case_is_422_naming_the_field(
    api: ApiClient, lead: Person, payload: dict[str, object], field: str
) -> None:
    body = {"a_number": "123456789", "lead_id": str(lead.pk), **payload}
    assert_error(api.post(URL, body), 422, field)
    assert not Case.objects.exists()


def test_duplicate_a_number_is_422(api: ApiClient, case: Case, lead: Person) -> None:
    assert_error(
        api.post(URL, {"a_number": "A012345678", "lead_id": str(lead.pk)}), 422, "a_number"
    )


def test_lead_of_another_organization_is_422_like_missing(api: ApiClient, personas) -> None:  # type: ignore[no-untyped-def]
    theirs = PersonFactory(organization=personas.other_org)
    denied = assert_error(
        api.post(URL, {"a_number": "123456789", "lead_id": str(theirs.pk)}), 422, "lead_id"
    )
    missing = assert_error(
        api.post(URL, {"a_number": "123456789", "lead_id": str(uuid.uuid4())}), 422, "lead_id"
    )
    assert denied == missing


# --- update -----------------------------------------------------------------------------


def test_patch_status_adds_a_timeline_event(api: ApiClient, case: Case) -> None:
    body = api.patch(f"{URL}/{case.pk}", {"status": "in_absentia"}).json()
    assert body["status"] == "in_absentia"
    assert body["venue"] == "el-paso-immigration-court"
    assert body["events"][0]["kind"] == "status_changed"
    assert AuditEntry.objects.get(action="update", object_type="case").fields == ["status"]


def test_patch_venue_port_a_number(api: ApiClient, case: Case) -> None:
    body = api.patch(
        f"{URL}/{case.pk}", {"venue": None, "port": "laredo", "a_number": "A 987-654-321"}
    ).json()
    assert (body["venue"], body["port"], body["a_number"]) == (None, "laredo", "987654321")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": None}, "status"),
        ({"status": "lost"}, "status"),
        ({"a_number": "1"}, "a_number"),
        ({"venue": "nowhere"}, "venue"),
        ({"lead_id": str(uuid.uuid4())}, "lead_id"),
    ],
)
def test_patch_invalid_is_422_naming_the_field(
    api: ApiClient, case: Case, payload: dict[str, object], field: str
) -> None:
    assert_error(api.patch(f"{URL}/{case.pk}", payload), 422, field)
    case.refresh_from_db()
    assert (case.status, case.a_number) == ("active", "012345678")


# --- notes ------------------------------------------------------------------------------


def test_add_note(api: ApiClient, case: Case) -> None:
    response = api.post(f"{URL}/{case.pk}/notes", {"summary": "Called; will attend."})
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "note"
    assert api.get(f"{URL}/{case.pk}").json()["events"][0]["summary"] == "Called; will attend."


@pytest.mark.parametrize("payload", [{"summary": "   "}, {}, {"summary": "x" * 501}])
def test_bad_note_is_422_naming_summary(
    api: ApiClient, case: Case, payload: dict[str, object]
) -> None:
    assert_error(api.post(f"{URL}/{case.pk}/notes", payload), 422, "summary")


# --- scoping ----------------------------------------------------------------------------


def test_outsider_gets_404_on_every_case_endpoint(outsider_api: ApiClient, case: Case) -> None:
    missing = outsider_api.get(f"{URL}/{uuid.uuid4()}").content
    responses = [
        outsider_api.get(f"{URL}/{case.pk}"),
        outsider_api.patch(f"{URL}/{case.pk}", {"status": "closed"}),
        outsider_api.post(f"{URL}/{case.pk}/notes", {"summary": "probe"}),
    ]
    for response in responses:
        assert_error(response, 404)
        assert response.content == missing
    case.refresh_from_db()
    assert case.status == "active"
    assert not CaseEvent.objects.filter(case=case).exists()
    assert outsider_api.get(URL).json()["count"] == 0
    assert outsider_api.post(SEARCH, {"a_number": "012345678"}).json()["count"] == 0
