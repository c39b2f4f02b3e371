from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.sharing.models import Referral, ReferralStatus
from mppdesk.sharing.tests.conftest import NAME, accepted, refer

pytestmark = pytest.mark.django_db

BASE = "/api/v1/referrals"


def client_for(user, scopes=None) -> ApiClient:  # type: ignore[no-untyped-def]
    _token, secret = create_api_token(actor=None, user=user, name="t", scopes=scopes)
    return ApiClient(secret)


@pytest.fixture
def owner_api(personas) -> ApiClient:  # type: ignore[no-untyped-def]
    return client_for(personas.caseworker)


@pytest.fixture
def receiver_api(personas) -> ApiClient:  # type: ignore[no-untyped-def]
    return client_for(personas.outsider)


@pytest.fixture
def third_api(third) -> ApiClient:  # type: ignore[no-untyped-def]
    return client_for(third)


def body(personas, person, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "person_id": str(person.pk),
        "to_organization": personas.other_org.slug,
        "consent_given_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
        "consent_method": "interpreter_assisted",
        "purpose": "shelter_placement",
        "purpose_note": "Albergue para madre e hijo.",
    }
    data.update(overrides)
    return data


def test_create_referral(personas, family, owner_api):
    mark = audit_mark()
    response = owner_api.post(BASE, body(personas, family.lead))
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["status"] == "pending" and out["direction"] == "outgoing"
    assert out["to_organization"] == {"slug": "red", "name": personas.other_org.name}
    assert out["person"]["given_names"] == NAME
    assert Referral.objects.get().consent_method == "interpreter_assisted"
    assert entries_after(mark).filter(action="referral.create").count() == 1


def test_create_names_missing_fields(personas, family, owner_api):
    data = body(personas, family.lead)
    for field in ("consent_given_at", "consent_method", "purpose"):
        del data[field]
    response = owner_api.post(BASE, data)
    errors = assert_error(response, 422)["errors"]
    assert {e["field"] for e in errors} == {"consent_given_at", "consent_method", "purpose"}


def test_create_refuses_own_unknown_organization_and_naive_time(personas, family, owner_api):
    assert_error(
        owner_api.post(BASE, body(personas, family.lead, to_organization="alf")),
        422,
        "to_organization",
    )
    assert_error(
        owner_api.post(BASE, body(personas, family.lead, to_organization="nope")),
        422,
        "to_organization",
    )
    assert_error(
        owner_api.post(BASE, body(personas, family.lead, consent_given_at="2026-01-01T10:00:00")),
        422,
        "consent_given_at",
    )
    assert_error(
        owner_api.post(BASE, body(personas, family.lead, person_id=str(personas.org.pk))),
        422,
        "person_id",
    )


def test_unique_open_referral_is_a_422(personas, family, owner_api):
    assert owner_api.post(BASE, body(personas, family.lead)).status_code == 201
    assert_error(owner_api.post(BASE, body(personas, family.lead)), 422, "to_organization")


def test_read_only_token_cannot_refer(personas, family):
    api = client_for(personas.caseworker, scopes=["read"])
    assert_error(api.post(BASE, body(personas, family.lead)), 403)


def test_outsider_cannot_refer_someone_it_does_not_see(personas, family, third_api):
    assert_error(third_api.post(BASE, body(personas, family.lead)), 422, "person_id")


def test_receiver_accepts_over_the_api(personas, family, receiver_api):
    referral = refer(personas, family.lead)
    listed = receiver_api.get(BASE, {"direction": "incoming", "status": "pending"}).json()
    assert listed["count"] == 1
    assert listed["items"][0]["person"]["given_names"] == NAME
    response = receiver_api.post(f"{BASE}/{referral.pk}/accept", {"note": "Hay cupo."})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert response.json()["decision_note"] == "Hay cupo."
    again = receiver_api.post(f"{BASE}/{referral.pk}/accept")
    assert_error(again, 422, "status")


def test_owner_cannot_decide_and_receiver_cannot_revoke(personas, family, owner_api, receiver_api):
    referral = refer(personas, family.lead)
    assert_error(owner_api.post(f"{BASE}/{referral.pk}/accept"), 403)
    receiver_api.post(f"{BASE}/{referral.pk}/accept")
    assert_error(receiver_api.post(f"{BASE}/{referral.pk}/revoke"), 403)
    response = owner_api.post(f"{BASE}/{referral.pk}/revoke")
    assert response.status_code == 200 and response.json()["status"] == "revoked"


def test_receiver_cannot_refer_further(personas, family, receiver_api, third):
    accepted(personas, family.lead)
    data = body(personas, family.lead, to_organization="clinica")
    assert_error(receiver_api.post(BASE, data), 403)


def test_third_organization_gets_404(personas, family, third_api):
    referral = refer(personas, family.lead)
    assert_error(third_api.get(f"{BASE}/{referral.pk}"), 404)
    assert_error(third_api.post(f"{BASE}/{referral.pk}/accept"), 404)
    assert_error(third_api.post(f"{BASE}/{referral.pk}/reject"), 404)
    assert_error(third_api.post(f"{BASE}/{referral.pk}/revoke"), 404)
    assert_error(third_api.get(f"{BASE}/access/{family.lead.pk}"), 404)
    assert third_api.get(BASE).json()["count"] == 0
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING


def test_rejected_referral_hides_names_from_the_receiver(personas, family, receiver_api, owner_api):
    referral = refer(personas, family.lead)
    assert receiver_api.post(f"{BASE}/{referral.pk}/reject").status_code == 200
    seen = receiver_api.get(f"{BASE}/{referral.pk}").json()
    assert seen["person"] is None and seen["purpose_note"] is None
    assert NAME not in receiver_api.get(BASE).content.decode()
    assert owner_api.get(f"{BASE}/{referral.pk}").json()["person"]["given_names"] == NAME


def test_access_list(personas, family, owner_api, receiver_api):
    referral = accepted(personas, family.lead)
    rows = owner_api.get(f"{BASE}/access/{family.lead.pk}").json()
    assert [(r["organization"]["slug"], r["owner"]) for r in rows] == [
        ("alf", True),
        ("red", False),
    ]
    assert rows[1]["referral_id"] == str(referral.pk)
    assert receiver_api.get(f"{BASE}/access/{family.lead.pk}").status_code == 200


def test_receiver_cannot_export_over_the_api(personas, family, receiver_api):
    accepted(personas, family.lead)
    assert_error(receiver_api.get(f"/api/v1/people/{family.lead.pk}/export"), 404)
