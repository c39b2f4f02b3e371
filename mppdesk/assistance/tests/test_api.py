"""The assistance API: the same rules as the web pages, 422 naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.assistance.models import ServiceProvider
from mppdesk.assistance.tests.conftest import A_NUMBER, Family
from mppdesk.hearings.pdf.tests.pdftext import text as pdf_text

pytestmark = pytest.mark.django_db
BASE = "/api/v1/assistance"


def _api(user: Any, org: Any) -> ApiClient:
    _token, secret = create_api_token(actor=None, user=user, name="t", organization=org)
    return ApiClient(secret)


def test_a_shelter_records_refers_and_follows_up_over_the_api(
    family: Family, personas: Any
) -> None:
    api = _api(personas.outsider, personas.other_org)
    person = f"{BASE}/people/{family.father.pk}"
    response = api.post(f"{person}/documents", {"kind": "curp", "number": "CURP-API-1"})
    assert response.status_code == 201, response.content
    assert response.json()["documents"][0]["office"] == "RENAPO"
    child = family.children[0]
    response = api.post(f"{person}/needs", {"kind": "school", "person_id": str(child.pk)})
    assert response.status_code == 201, response.content
    need = response.json()["needs"][0]
    assert need["person_id"] == str(child.pk)
    school = ServiceProvider.objects.filter(
        city="Ciudad Juarez", services__icontains="school"
    ).first()
    assert school is not None
    today = timezone.localdate()
    response = api.post(
        f"{person}/service-referrals",
        {"need_id": need["id"], "provider_id": school.pk,
         "consent_given_at": timezone.now().isoformat(), "consent_method": "phone",
         "follow_up_on": today.isoformat()},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    referral = response.json()["service_referrals"][0]
    follow_ups = api.get(f"{BASE}/follow-ups").json()
    assert [r["id"] for r in follow_ups] == [referral["id"]]
    response = api.post(
        f"{person}/service-referrals/outcome",
        {"service_referral_id": referral["id"], "outcome": "accepted"},
    )
    assert response.status_code == 200
    assert response.json()["service_referrals"][0]["outcome"] == "accepted"
    letter = api.post(f"{person}/letter", {"purpose": "clinic"})
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert A_NUMBER not in pdf_text(letter.content).replace("-", "")
    providers = api.get(f"{BASE}/providers", {"city": "Tijuana", "service": "food"}).json()
    assert providers and all(p["city"] == "Tijuana" and "food" in p["services"] for p in providers)
    transport = api.get(f"{BASE}/transport", {"day": (today + dt.timedelta(days=1)).isoformat()})
    assert transport.status_code == 200


def test_bad_input_is_422_naming_the_field(family: Family, personas: Any) -> None:
    api = _api(personas.outsider, personas.other_org)
    person = f"{BASE}/people/{family.father.pk}"
    assert_error(api.post(f"{person}/documents", {"kind": "passport"}), 422, "kind")
    assert_error(
        api.post(f"{person}/documents", {"kind": "fmm", "on": "2026-01-10", "expires_on": "2026-01-01"}),
        422, "expires_on",
    )  # fmt: skip
    assert_error(
        api.post(f"{person}/needs", {"kind": "food", "shelter": "nowhere"}), 422, "shelter"
    )
    assert_error(
        api.post(f"{person}/documents/status", {"document_id": str(family.case.pk), "status": "issued"}),
        422, "document_id",
    )  # fmt: skip
    assert_error(api.post(f"{person}/letter", {"purpose": "gossip"}), 422, "purpose")
    assert_error(api.get(f"{BASE}/transport", {"day": "tomorrow"}), 422, "day")


def test_another_organization_gets_404(family: Family, personas: Any) -> None:
    api = _api(personas.caseworker, personas.org)
    person = f"{BASE}/people/{family.father.pk}"
    assert api.get(person).status_code == 404
    assert api.post(f"{person}/documents", {"kind": "curp"}).status_code == 404
    assert api.post(f"{person}/needs", {"kind": "food"}).status_code == 404
    assert api.post(f"{person}/letter", {"purpose": "school"}).status_code == 404
    assert api.get(f"{BASE}/follow-ups").json() == []
