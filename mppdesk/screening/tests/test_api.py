"""The screening API: reading, screening, reviews, interviews, rules; scope and roles."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.screening import services
from mppdesk.screening.tests.conftest import make_household, make_person

pytestmark = pytest.mark.django_db
BASE = "/api/v1/screening"


def _client(user: Any) -> ApiClient:
    _token, secret = create_api_token(actor=None, user=user, name="test")
    return ApiClient(secret)


def test_screen_a_household_and_read_the_decision(personas: Any) -> None:
    api = _client(personas.coordinator)
    household, people = make_household(personas.org, {}, {"nationality": "MEX"})
    for p in people:
        assert api.post(f"{BASE}/people/{p.pk}/facts", {"fear_asked": True}).status_code == 200
    response = api.post(f"{BASE}/households/{household.pk}/screen", {"version": "2021"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["result"] == "review"
    assert {
        "rule": "2021.mexican_national",
        "reason": "Mexican citizens or nationals are not amenable.",
        "member": 1,
    } in body["reasons"]
    got = api.get(f"{BASE}/people/{people[1].pk}").json()
    assert got["decision"]["result"] == "exempt"
    assert got["facts"]["fear_asked"] is True
    # Confirming the amenable member alone would split the family.
    lead = body["decisions"][0]
    assert_error(
        api.post(f"{BASE}/decisions/{lead['id']}/review", {"result": "amenable"}), 422, "result"
    )
    together = api.post(
        f"{BASE}/households/{household.pk}/review", {"result": "exempt", "note": "together"}
    )
    assert together.status_code == 200
    assert {d["effective_result"] for d in together.json()} == {"exempt"}


def test_outsider_gets_404(personas: Any) -> None:
    person = make_person(personas.org)
    api = _client(personas.outsider)
    assert_error(api.get(f"{BASE}/people/{person.pk}"), 404)


def test_caseworker_may_not_screen(personas: Any) -> None:
    person = make_person(personas.org)
    api = _client(personas.caseworker)
    assert api.get(f"{BASE}/people/{person.pk}").status_code == 200
    assert_error(api.post(f"{BASE}/people/{person.pk}/screen", {"version": "2021"}), 403)


def test_2021_interview_too_soon_names_the_field(personas: Any) -> None:
    person = make_person(personas.org)
    api = _client(personas.coordinator)
    notified = timezone.now()
    too_soon = api.post(
        f"{BASE}/people/{person.pk}/interviews",
        {
            "version": "2021",
            "fear_how": "asked",
            "counsel_notified_at": notified.isoformat(),
            "interview_at": (notified + dt.timedelta(hours=3)).isoformat(),
        },
    )
    assert_error(too_soon, 422, "interview_at")
    ok = api.post(
        f"{BASE}/people/{person.pk}/interviews",
        {"version": "2021", "fear_how": "asked", "counsel_notified_at": notified.isoformat()},
    )
    assert ok.status_code == 201, ok.content
    interview_id = ok.json()["id"]
    done = api.patch(
        f"{BASE}/interviews/{interview_id}",
        {
            "counsel_notified_at": notified.isoformat(),
            "interview_at": (notified + dt.timedelta(hours=25)).isoformat(),
            "outcome": "positive",
        },
    )
    assert done.status_code == 200, done.content
    assert done.json()["outcome"] == "positive"
    screened = api.post(f"{BASE}/people/{person.pk}/screen", {"version": "2021"}).json()
    assert screened["decisions"][0]["result"] == "exempt"


def test_rules_read_and_admin_only_update(personas: Any, admin: Any) -> None:
    coordinator = _client(personas.coordinator)
    got = coordinator.get(f"{BASE}/rules/2019")
    assert got.status_code == 200 and got.json()["fear_requires_volunteered"] is True
    data = services.ruleset("current").to_json()
    assert_error(coordinator.patch(f"{BASE}/rules/current", data), 403)
    admin_api = _client(admin)
    updated = admin_api.patch(f"{BASE}/rules/current", {**data, "elderly_age": 70})
    assert updated.status_code == 200, updated.content
    assert updated.json()["elderly_age"] == 70
    assert_error(
        admin_api.patch(f"{BASE}/rules/current", {**data, "enabled": ["x"]}), 422, "enabled"
    )


def test_openapi_lists_the_screening_operations(personas: Any) -> None:
    from django.test import Client

    spec = Client().get("/api/v1/openapi.json").json()
    assert f"{BASE}/people/{{person_id}}" in spec["paths"]
    assert "patch" in spec["paths"][f"{BASE}/rules/{{version}}"]
