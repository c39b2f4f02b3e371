"""The REST API: create, list (token's organization only), read, consent, tallies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from mppdesk.accounts.models import Membership
from mppdesk.accounts.services import create_api_token
from mppdesk.incidents.models import Incident
from mppdesk.incidents.tests.conftest import Family, record
from mppdesk.testing.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _api(user: Any, org: Any) -> Client:
    _token, secret = create_api_token(actor=None, user=user, name="t", organization=org)
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_create_read_and_withdraw(family: Family, personas: Any) -> None:
    api = _api(personas.outsider, family.father.organization)
    body = {
        "occurred_on": "2026-01-05", "port": "el-paso", "kinds": ["document_theft"],
        "perpetrator": "individual", "people": [str(family.father.pk)],
        "narrative": "API-NARRATIVE", "consent_method": "phone", "uses": ["keep", "report"],
    }  # fmt: skip
    response = _post(api, "/api/v1/incidents", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["owner"] and data["people"] == [str(family.father.pk)]
    assert {c["use"] for c in data["consents"]} == {"keep", "report"}
    listed = api.get("/api/v1/incidents?kind=document_theft").json()
    assert [row["id"] for row in listed] == [data["id"]] and "narrative" not in listed[0]
    assert api.get("/api/v1/incidents?kind=murder").json() == []
    report = next(c for c in data["consents"] if c["use"] == "report")
    response = _post(
        api, f"/api/v1/incidents/{data['id']}/consent",
        {"action": "withdraw", "consent_id": report["id"], "method": "phone"},
    )  # fmt: skip
    assert response.status_code == 200 and not response.json()["deleted"]
    keep = next(c for c in data["consents"] if c["use"] == "keep")
    response = _post(
        api, f"/api/v1/incidents/{data['id']}/consent",
        {"action": "withdraw", "consent_id": keep["id"], "method": "phone"},
    )  # fmt: skip
    assert response.json() == {"deleted": True, "incident": None}
    assert not Incident.objects.exists()


def test_bad_input_is_422_naming_the_field(family: Family, personas: Any) -> None:
    api = _api(personas.outsider, family.father.organization)
    body = {
        "occurred_on": "2026-01-05", "port": "atlantis", "kinds": ["robbery"],
        "perpetrator": "individual", "people": [str(family.father.pk)],
        "consent_method": "phone", "uses": ["report"],
    }  # fmt: skip
    response = _post(api, "/api/v1/incidents", body)
    assert response.status_code == 422
    text = response.content.decode()
    assert "port" in text and "uses" in text


def test_a_token_lists_only_its_organizations_reports(family: Family, personas: Any) -> None:
    incident = record(personas.outsider, family.father)
    # The shelter's case worker is also a case worker of the legal-aid organization.
    MembershipFactory(
        user=personas.outsider, organization=personas.org, role=Membership.Role.CASEWORKER
    )
    api = _api(personas.outsider, personas.org)
    assert api.get("/api/v1/incidents").json() == []
    assert api.get(f"/api/v1/incidents/{incident.pk}").status_code == 404


def test_tallies_csv(family: Family, personas: Any) -> None:
    for _ in range(5):
        record(personas.outsider, family.father)
    api = _api(personas.outsider, family.father.organization)
    response = api.get("/api/v1/incidents/tallies?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().strip().endswith(",5")
    bad = api.get("/api/v1/incidents/tallies?from_month=2026-13")
    assert bad.status_code == 422 and "from_month" in bad.content.decode()
