"""Bad input is a 422 naming the field, never a 500 or a stored NUL."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mppdesk.accounts.models import Membership
from mppdesk.accounts.services import create_api_token
from mppdesk.api.schemas import MAX_OFFSET
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.people.models import Person
from mppdesk.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api(personas: Any) -> ApiClient:
    """An administrator's token: every list of the API is open to it."""
    user = UserFactory(username="admin")
    MembershipFactory(user=user, organization=personas.org, role=Membership.Role.ADMIN)
    _token, secret = create_api_token(actor=None, user=user, name="admin")
    return ApiClient(secret)


def _paginated_lists() -> list[str]:
    spec = Client().get("/api/v1/openapi.json").json()
    return sorted(
        path
        for path, item in spec["paths"].items()
        if "get" in item
        and "{" not in path
        and any(p["name"] == "offset" for p in item["get"].get("parameters", []))
    )


def test_every_paginated_list_refuses_a_huge_offset_or_limit(admin_api):
    lists = _paginated_lists()
    assert len(lists) >= 10, lists
    for path in lists:
        for params, field in (
            ({"offset": 10**20}, "offset"),
            ({"offset": MAX_OFFSET + 1}, "offset"),
            ({"offset": -1}, "offset"),
            ({"limit": 10**20}, "limit"),
        ):
            assert_error(admin_api.get(path, params), 422, field)
        response = admin_api.get(path, {"offset": MAX_OFFSET})
        assert response.status_code == 200, (path, response.content)
        assert response.json()["items"] == []


def test_searches_refuse_a_huge_offset_in_the_body(api):
    for path, body in (
        ("/api/v1/people/search", {"q": "ana"}),
        ("/api/v1/cases/search", {"a_number": "012345678"}),
    ):
        assert_error(api.post(path, {**body, "offset": 2**70}), 422, "offset")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x7f"])
def test_control_characters_in_a_body_are_refused_naming_the_field(api, char):
    before = Person.objects.count()
    response = api.post("/api/v1/people", {"given_names": f"Ana{char}María"})
    assert_error(response, 422, "given_names")
    response = api.post("/api/v1/people", {"given_names": "Ana", "other_names": [f"A{char}"]})
    assert_error(response, 422, "other_names")
    response = api.post(
        "/api/v1/people",
        {"given_names": "Ana", "contacts": [{"kind": "phone", "value": f"+5265{char}61234567"}]},
    )
    assert_error(response, 422, "contacts[0].value")
    assert Person.objects.count() == before


def test_a_nul_in_a_query_parameter_is_refused_naming_it(api):
    assert_error(api.get("/api/v1/people", {"nationality": "HN\x00D"}), 422, "nationality")


def test_a_place_code_that_is_not_a_slug_is_refused(admin_api):
    response = admin_api.patch("/api/v1/places/venues/a%00b", {"timezone": "America/Chicago"})
    assert_error(response, 422, "code")


def test_tabs_and_newlines_are_ordinary_text(api):
    response = api.post("/api/v1/people", {"given_names": "Ana", "family_names": "Pérez"})
    assert response.status_code == 201, response.content
    case = api.post(
        "/api/v1/cases", {"a_number": "A012-345-670", "lead_id": response.json()["id"]}
    ).json()
    note = api.post(f"/api/v1/cases/{case['id']}/notes", {"summary": "Línea 1\n\tLínea 2"})
    assert note.status_code in (200, 201), note.content


def test_renaming_a_facility_to_an_existing_name_is_a_field_error(admin_api):
    from mppdesk.places.models import DetentionFacility

    first, second = DetentionFacility.objects.order_by("code")[:2]
    response = admin_api.patch(f"/api/v1/transfers/facilities/{second.code}", {"name": first.name})
    assert_error(response, 422, "name")
    second.refresh_from_db()
    assert second.name != first.name
    # Its own name again is no change, not a clash.
    same = admin_api.patch(f"/api/v1/transfers/facilities/{second.code}", {"name": second.name})
    assert same.status_code == 200, same.content


def test_renaming_a_shelter_to_a_name_taken_in_its_city_is_a_field_error(admin_api):
    from mppdesk.places.models import Shelter

    city = Shelter.objects.values_list("city", flat=True).order_by("city").first()
    first, second = Shelter.objects.filter(city=city).order_by("code")[:2]
    response = admin_api.patch(f"/api/v1/transfers/shelters/{second.code}", {"name": first.name})
    assert_error(response, 422, "name")
    second.refresh_from_db()
    assert second.name != first.name


def test_a_concurrent_rename_that_hits_the_constraint_is_a_field_error(personas, monkeypatch):
    """The check passed, then another request took the name: the database's refusal is
    the same field error."""
    from mppdesk.core.errors import FieldErrors
    from mppdesk.places import services
    from mppdesk.places.models import DetentionFacility

    first, second = DetentionFacility.objects.order_by("code")[:2]
    real_filter = DetentionFacility.objects.filter

    def blind_filter(*args: Any, **kwargs: Any) -> Any:
        if "name" in kwargs:
            return DetentionFacility.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(DetentionFacility.objects, "filter", blind_filter)
    with pytest.raises(FieldErrors) as caught:
        services.update_facility(actor=None, facility=second, name=first.name)
    assert set(caught.value.errors) == {"name"}


@pytest.mark.parametrize(
    "starts_at", ["08:00:00+02:00", "08:00Z", "08:00-05:00", "25:00", "8h", 28800, "08:00\x00"]
)
def test_a_docket_template_time_with_a_zone_or_not_a_time_is_a_field_error(admin_api, starts_at):
    from mppdesk.hearings.models import DocketTemplate
    from mppdesk.places.models import Venue

    venue = Venue.objects.order_by("code").first()
    body = {"venue": venue.code, "weekday": 1, "session": "am", "courtroom": "9", "capacity": 20}
    response = admin_api.post("/api/v1/dockets/templates", {**body, "starts_at": starts_at})
    assert_error(response, 422, "starts_at")
    assert not DocketTemplate.objects.filter(venue=venue, courtroom="9").exists()
    created = admin_api.post("/api/v1/dockets/templates", {**body, "starts_at": "07:45"})
    assert created.status_code == 201, created.content
    assert created.json()["starts_at"] == "07:45:00"
    patched = admin_api.patch(
        f"/api/v1/dockets/templates/{created.json()['id']}", {"starts_at": starts_at}
    )
    assert_error(patched, 422, "starts_at")
