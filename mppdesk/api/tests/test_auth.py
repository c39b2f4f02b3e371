"""Bearer tokens: who gets in, and what a token sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.models import Membership
from mppdesk.accounts.services import create_api_token, revoke_api_token
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.people.models import Person
from mppdesk.testing.factories import (
    CaseFactory,
    HouseholdFactory,
    MembershipFactory,
    PersonFactory,
)

ANY_ID = "5f0c2a5e-3b7d-4c1e-9a62-1f1e2d3c4b5a"  # fixed: xdist workers must collect identical ids
ENDPOINTS = [
    ("get", "/api/v1/people"),
    ("get", f"/api/v1/people/{ANY_ID}"),
    ("post", "/api/v1/people"),
    ("patch", f"/api/v1/people/{ANY_ID}"),
    ("post", f"/api/v1/people/{ANY_ID}/contacts"),
    ("patch", f"/api/v1/people/{ANY_ID}/contacts/1"),
    ("get", "/api/v1/households"),
    ("get", f"/api/v1/households/{ANY_ID}"),
    ("post", "/api/v1/households"),
    ("patch", f"/api/v1/households/{ANY_ID}"),
    ("post", f"/api/v1/households/{ANY_ID}/members"),
    ("get", "/api/v1/cases"),
    ("get", f"/api/v1/cases/{ANY_ID}"),
    ("post", "/api/v1/cases"),
    ("patch", f"/api/v1/cases/{ANY_ID}"),
    ("post", f"/api/v1/cases/{ANY_ID}/notes"),
]


def _call(client: ApiClient, method: str, path: str) -> object:
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, {})


def _assert_401(response: object) -> None:
    body = assert_error(response, 401)
    assert body == {"detail": "Authentication required.", "errors": []}
    assert response["WWW-Authenticate"] == "Bearer"  # type: ignore[index]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_gets_401_everywhere(anonymous_api: ApiClient, method: str, path: str) -> None:
    _assert_401(_call(anonymous_api, method, path))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer mppd_not-a-real-token",
        "Bearer ",
        "Bearer somethingelse",
        "Basic dXNlcjpwYXNz",
        "mppd_abc",
    ],
)
def test_bad_authorization_header_is_401(db, header: str) -> None:  # type: ignore[no-untyped-def]
    _assert_401(Client(headers={"Authorization": header}).get("/api/v1/people"))


def test_revoked_token_is_401(personas) -> None:  # type: ignore[no-untyped-def]
    token, secret = create_api_token(actor=None, user=personas.caseworker, name="old")
    client = ApiClient(secret)
    assert client.get("/api/v1/people").status_code == 200
    revoke_api_token(actor=personas.caseworker, token=token)
    _assert_401(client.get("/api/v1/people"))


def test_expired_token_is_401(personas) -> None:  # type: ignore[no-untyped-def]
    _token, secret = create_api_token(
        actor=None,
        user=personas.caseworker,
        name="old",
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    _assert_401(ApiClient(secret).get("/api/v1/people"))


def test_token_of_a_deactivated_user_is_401(personas) -> None:  # type: ignore[no-untyped-def]
    _token, secret = create_api_token(actor=None, user=personas.caseworker, name="t")
    personas.caseworker.is_active = False
    personas.caseworker.save()
    _assert_401(ApiClient(secret).get("/api/v1/people"))


def test_a_logged_in_browser_session_is_not_enough(caseworker_client: Client) -> None:
    _assert_401(caseworker_client.get("/api/v1/people"))


def test_token_use_is_recorded(personas) -> None:  # type: ignore[no-untyped-def]
    token, secret = create_api_token(actor=None, user=personas.caseworker, name="t")
    ApiClient(secret).get("/api/v1/people")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_sees_only_its_own_organization(personas) -> None:  # type: ignore[no-untyped-def]
    """A user in two organizations holds a token per organization; each sees only its own."""
    MembershipFactory(
        user=personas.caseworker, organization=personas.other_org, role=Membership.Role.CASEWORKER
    )
    ours = PersonFactory(organization=personas.org)
    theirs = PersonFactory(organization=personas.other_org)
    our_case = CaseFactory(organization=personas.org, lead=ours)
    our_household = HouseholdFactory(organization=personas.org, lead=ours)
    _token, secret = create_api_token(
        actor=None, user=personas.caseworker, name="t", organization=personas.other_org
    )
    client = ApiClient(secret)
    assert [p["id"] for p in client.get("/api/v1/people").json()["items"]] == [str(theirs.pk)]
    assert client.get("/api/v1/cases").json()["count"] == 0
    assert client.get("/api/v1/households").json()["count"] == 0
    assert_error(client.get(f"/api/v1/people/{ours.pk}"), 404)
    assert_error(client.get(f"/api/v1/cases/{our_case.pk}"), 404)
    assert_error(client.get(f"/api/v1/households/{our_household.pk}"), 404)
    created = client.post("/api/v1/people", {"given_names": "Nueva"}).json()
    assert Person.objects.get(pk=created["id"]).organization == personas.other_org
