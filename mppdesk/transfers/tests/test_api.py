from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.audit.models import AuditEntry
from mppdesk.transfers.tests.conftest import detain

pytestmark = pytest.mark.django_db
BASE = "/api/v1/transfers"
SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


def _client(user: Any) -> ApiClient:
    _token, secret = create_api_token(actor=None, user=user, name="test")
    return ApiClient(secret)


@pytest.fixture
def planned(personas: Any, facility: Any, small_shelters: Any, today: dt.date) -> dict[str, Any]:
    family = detain(personas.org, facility, 3)
    detain(personas.org, facility, 1, vulnerabilities=[["pregnant"]])
    api = _client(personas.coordinator)
    response = api.post(
        f"{BASE}/groups",
        {"facilities": [facility.code], "port": "el-paso", "date": today.isoformat(),
         "target_size": 50},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    return {"api": api, "group": response.json(), "family": family}


def test_plan_approve_depart_arrive_through_the_api(planned: dict[str, Any]) -> None:
    api, group = planned["api"], planned["group"]
    assert group["status"] == "planned"
    excluded = [m for m in group["members"] if not m["included"]]
    assert [m["rule"] for m in excluded] == ["2021.pregnant"]
    assert all(m["reason"] for m in excluded)
    for step, status in (("approve", "approved"), ("depart", "departed"), ("arrive", "arrived")):
        response = api.post(f"{BASE}/groups/{group['id']}/{step}")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
    assert_error(api.post(f"{BASE}/groups/{group['id']}/cancel"), 422, "status")
    person = planned["family"][0].pk
    kinds = [e["kind"] for e in api.get(f"{BASE}/people/{person}/movements").json()]
    assert kinds[-2:] == ["returned", "at_shelter"]
    listing = api.get(f"{BASE}/groups", {"status": "arrived"}).json()
    assert listing["count"] == 1


def test_manifest_holds_names_but_no_a_number_and_is_audited(
    personas: Any, planned: dict[str, Any]
) -> None:
    from mppdesk.cases.models import Case

    family = planned["family"]
    Case.objects.create(
        organization=personas.org, a_number="201555101", lead=family[0], program_version="2021"
    )
    api, group = planned["api"], planned["group"]
    response = api.get(f"{BASE}/groups/{group['id']}/manifest.csv")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "Apellido" not in disposition and "Nombre" not in disposition
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["seat"] for r in rows] == ["1", "2", "3"]
    assert {r["household"] for r in rows} == {"1"}
    assert set(rows[0]) == {
        "household", "seat", "given_names", "family_names", "birth_year", "sex", "facility",
        "shelter",
    }  # fmt: skip
    assert "201555101" not in text and "201-555-101" not in text
    assert "HND" not in text
    pdf = api.get(f"{BASE}/groups/{group['id']}/manifest.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Apellido Prueba" in pdf_text
    assert "201555101" not in pdf_text and "HND" not in pdf_text
    exports = AuditEntry.objects.filter(action="export", object_type="transfer_group")
    assert exports.count() == 2
    assert AuditEntry.objects.filter(action="export", object_type="person").count() == 6


def test_outsider_and_caseworker_cannot_reach_the_group(
    personas: Any, planned: dict[str, Any]
) -> None:
    group_id = planned["group"]["id"]
    outsider = _client(personas.outsider)
    assert outsider.get(f"{BASE}/groups/{group_id}").status_code == 403  # no transfer.read
    # An outsider coordinator (another organization) gets 404.
    from mppdesk.accounts.models import Membership
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    other = UserFactory(username="other-coordinator")
    MembershipFactory(user=other, organization=personas.other_org, role=Membership.Role.COORDINATOR)
    stranger = _client(other)
    assert_error(stranger.get(f"{BASE}/groups/{group_id}"), 404)
    assert_error(stranger.get(f"{BASE}/groups/{group_id}/manifest.csv"), 404)
    assert_error(stranger.post(f"{BASE}/groups/{group_id}/approve"), 404)
    person = planned["family"][0].pk
    assert_error(stranger.get(f"{BASE}/people/{person}/movements"), 404)
    assert stranger.get(f"{BASE}/groups").json()["count"] == 0
    caseworker = _client(personas.caseworker)
    assert_error(caseworker.get(f"{BASE}/groups/{group_id}"), 403)


def test_plan_errors_name_the_field(personas: Any, facility: Any) -> None:
    api = _client(personas.coordinator)
    response = api.post(
        f"{BASE}/groups",
        {"facilities": ["nowhere"], "port": "el-paso", "date": "2099-01-01", "target_size": 5},
    )
    assert_error(response, 422, "facilities[0]")
    response = api.post(
        f"{BASE}/groups",
        {"facilities": [facility.code], "port": "el-paso", "date": "2000-01-01", "target_size": 5},
    )
    assert_error(response, 422, "date")


def test_roster_upload_and_capacity_and_places(personas: Any, tomorrow: dt.date) -> None:
    api = _client(personas.coordinator)
    with (SAMPLES / "roster_broken.csv").open("rb") as handle:
        response = api.client.post(f"{BASE}/rosters", {"file": handle})
    assert response.status_code == 422
    assert "file[2].centro" in [e["field"] for e in response.json()["errors"]]
    with (SAMPLES / "roster_sample.csv").open("rb") as handle:
        response = api.client.post(f"{BASE}/rosters", {"file": handle, "dry_run": "true"})
    assert response.status_code == 200, response.content
    assert response.json()["created_people"] == 10 and not response.json()["written"]
    points = api.get(
        f"{BASE}/capacity", {"city": "Ciudad Juarez", "from": tomorrow.isoformat(),
                             "to": tomorrow.isoformat()},
    ).json()  # fmt: skip
    assert points[0]["capacity"] == 700 + 400 + 200 + 100 + 80 + 40 + 2500
    assert_error(api.get(f"{BASE}/capacity", {"city": "Atlantis", "from": "2026-01-01",
                                              "to": "2026-01-02"}), 422, "city")  # fmt: skip
    shelters = api.get(f"{BASE}/shelters", {"city": "Matamoros"}).json()
    assert shelters[0]["capacity"] == 1000 and shelters[0]["active"] is False
    code = api.get(f"{BASE}/shelters", {"city": "Ciudad Juarez"}).json()[0]["code"]
    updated = api.patch(f"{BASE}/shelters/{code}", {"capacity": 2400})
    assert updated.status_code == 200 and updated.json()["capacity"] == 2400
    created = api.post(
        f"{BASE}/shelters", {"name": "Casa Nueva", "city": "Tijuana", "capacity": 50}
    )
    assert created.status_code == 201
    assert_error(
        api.post(f"{BASE}/shelters", {"name": "X", "city": "Atlantis", "capacity": 5}), 422, "city"
    )
    facilities = api.get(f"{BASE}/facilities").json()
    assert any(f["reported_capacity"] == 840 for f in facilities)
    caseworker = _client(personas.caseworker)
    assert_error(caseworker.patch(f"{BASE}/shelters/{code}", {"capacity": 1}), 403)
