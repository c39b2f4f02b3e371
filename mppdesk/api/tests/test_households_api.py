"""Households over the REST API: list, get, create, members, port, scoping."""

from __future__ import annotations

import uuid

import pytest

from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.audit.models import AuditEntry
from mppdesk.people.models import Household, HouseholdMember, Person
from mppdesk.places.models import Port
from mppdesk.testing.factories import HouseholdFactory, PersonFactory

URL = "/api/v1/households"


@pytest.fixture
def lead(personas) -> Person:  # type: ignore[no-untyped-def]
    return PersonFactory(organization=personas.org)


@pytest.fixture
def household(personas) -> Household:  # type: ignore[no-untyped-def]
    return HouseholdFactory(organization=personas.org, port=Port.objects.get(code="el-paso"))


@pytest.fixture
def their_household(personas) -> Household:  # type: ignore[no-untyped-def]
    return HouseholdFactory(organization=personas.other_org)


def test_list_households_paginated_and_filtered_by_port(
    api: ApiClient, household: Household, personas
) -> None:  # type: ignore[no-untyped-def]
    HouseholdFactory(organization=personas.org, port=Port.objects.get(code="laredo"))
    HouseholdFactory(organization=personas.org)
    body = api.get(URL, {"limit": 2}).json()
    assert body["count"] == 3
    assert len(body["items"]) == 2
    by_port = api.get(URL, {"port": "el-paso"}).json()
    assert [h["id"] for h in by_port["items"]] == [str(household.pk)]


def test_list_does_not_show_other_organizations(api: ApiClient, their_household: Household) -> None:
    assert api.get(URL).json() == {"count": 0, "limit": 50, "offset": 0, "items": []}


def test_get_household(api: ApiClient, household: Household) -> None:
    body = api.get(f"{URL}/{household.pk}").json()
    assert body["id"] == str(household.pk)
    assert body["lead_id"] == str(household.lead_id)
    assert body["port"] == "el-paso"
    assert body["members"] == [{"person_id": str(household.lead_id), "relationship": "lead"}]
    assert AuditEntry.objects.filter(
        action="view", object_type="household", object_id=str(household.pk)
    ).exists()


def test_create_household(api: ApiClient, lead: Person, personas) -> None:  # type: ignore[no-untyped-def]
    response = api.post(URL, {"lead_id": str(lead.pk), "port": "laredo"})
    assert response.status_code == 201, response.content
    body = response.json()
    household = Household.objects.get(pk=body["id"])
    assert household.organization == personas.org
    assert body["port"] == "laredo"
    assert body["members"] == [{"person_id": str(lead.pk), "relationship": "lead"}]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "lead_id"),
        ({"lead_id": "nope"}, "lead_id"),
        ({"lead_id": str(uuid.UUID(int=1))}, "lead_id"),
        ({"port": "atlantis"}, "port"),
        ({"port": 5}, "port"),
        ({"members": []}, "members"),
    ],
)
def test_create_invalid_household_is_422_naming_the_field(
    api: ApiClient, lead: Person, payload: dict[str, object], field: str
) -> None:
    payload = (
        {"lead_id": str(lead.pk), **payload}
        if "lead_id" not in payload and field != "lead_id"
        else payload
    )
    assert_error(api.post(URL, payload), 422, field)
    assert not Household.objects.exists()


def test_lead_already_in_a_household_is_422(api: ApiClient, household: Household) -> None:
    assert_error(api.post(URL, {"lead_id": str(household.lead_id)}), 422, "lead_id")


def test_lead_of_another_organization_is_named_like_a_missing_one(
    api: ApiClient,
    personas,  # type: ignore[no-untyped-def]
) -> None:
    theirs = PersonFactory(organization=personas.other_org)
    denied = assert_error(api.post(URL, {"lead_id": str(theirs.pk)}), 422, "lead_id")
    missing = assert_error(api.post(URL, {"lead_id": str(uuid.uuid4())}), 422, "lead_id")
    assert denied == missing


def test_add_member(api: ApiClient, household: Household, personas) -> None:  # type: ignore[no-untyped-def]
    child = PersonFactory(organization=personas.org)
    response = api.post(
        f"{URL}/{household.pk}/members", {"person_id": str(child.pk), "relationship": "child"}
    )
    assert response.status_code == 201, response.content
    assert {"person_id": str(child.pk), "relationship": "child"} in response.json()["members"]
    assert HouseholdMember.objects.get(person=child).household == household


@pytest.mark.parametrize(
    ("relationship", "field"), [("lead", "relationship"), ("cousin", "relationship")]
)
def test_add_member_with_bad_relationship_is_422(
    api: ApiClient,
    household: Household,
    personas,
    relationship: str,
    field: str,  # type: ignore[no-untyped-def]
) -> None:
    child = PersonFactory(organization=personas.org)
    assert_error(
        api.post(
            f"{URL}/{household.pk}/members",
            {"person_id": str(child.pk), "relationship": relationship},
        ),
        422,
        field,
    )


def test_add_member_already_in_a_household_is_422_naming_person_id(
    api: ApiClient, household: Household, personas
) -> None:  # type: ignore[no-untyped-def]
    other = HouseholdFactory(organization=personas.org)
    body = {"person_id": str(other.lead_id), "relationship": "spouse"}
    assert_error(api.post(f"{URL}/{household.pk}/members", body), 422, "person_id")


def test_patch_port(api: ApiClient, household: Household) -> None:
    assert api.patch(f"{URL}/{household.pk}", {"port": "laredo"}).json()["port"] == "laredo"
    assert api.patch(f"{URL}/{household.pk}", {"port": None}).json()["port"] is None
    assert_error(api.patch(f"{URL}/{household.pk}", {"port": "atlantis"}), 422, "port")


def test_missing_household_is_404(api: ApiClient) -> None:
    assert_error(api.get(f"{URL}/{uuid.uuid4()}"), 404)


def test_outsider_gets_404_on_every_household_endpoint(
    outsider_api: ApiClient, household: Household, personas
) -> None:  # type: ignore[no-untyped-def]
    theirs = PersonFactory(organization=personas.other_org)
    missing = outsider_api.get(f"{URL}/{uuid.uuid4()}").content
    responses = [
        outsider_api.get(f"{URL}/{household.pk}"),
        outsider_api.patch(f"{URL}/{household.pk}", {"port": "laredo"}),
        outsider_api.post(
            f"{URL}/{household.pk}/members", {"person_id": str(theirs.pk), "relationship": "child"}
        ),
    ]
    for response in responses:
        assert_error(response, 404)
        assert response.content == missing
    household.refresh_from_db()
    assert household.port.code == "el-paso"
    assert household.members.count() == 1
