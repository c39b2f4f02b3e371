"""A record shared by referral is read-only for the receiver: web and API."""

from __future__ import annotations

from typing import Any

from django.test import Client

from mppdesk.accounts.services import create_api_token
from mppdesk.cases.models import CaseEvent
from mppdesk.people.models import ContactPoint, Person
from mppdesk.sharing.tests.conftest import Family, accepted


def test_receiver_sees_the_person_without_edit_controls(
    personas: Any, family: Family, outsider_client: Client
) -> None:
    accepted(personas, family.lead)
    page = outsider_client.get(f"/people/{family.lead.pk}/").content.decode()
    assert "Quintanilla" in page
    assert "Compartido con su organización: solo lectura" in page
    assert f"/people/{family.lead.pk}/edit/" not in page
    assert f"/cases/open/{family.lead.pk}/" not in page
    case_page = outsider_client.get(f"/cases/{family.case.pk}/").content.decode()
    assert f"/cases/{family.case.pk}/notes/" not in case_page
    assert f"/cases/{family.case.pk}/edit/" not in case_page


def test_receiver_cannot_change_the_shared_record_on_the_web(
    personas: Any, family: Family, outsider_client: Client
) -> None:
    accepted(personas, family.lead)
    lead = family.lead.pk
    contacts = ContactPoint.objects.count()
    events = CaseEvent.objects.count()

    assert outsider_client.get(f"/people/{lead}/edit/").status_code == 403
    assert outsider_client.get(f"/people/{lead}/family/new/").status_code == 403
    assert outsider_client.get(f"/cases/open/{lead}/").status_code == 403
    response = outsider_client.post(
        f"/people/{lead}/contacts/new/", {"kind": "phone", "value": "+52 656 111 2233"}
    )
    assert response.status_code == 403
    response = outsider_client.post(f"/cases/{family.case.pk}/notes/", {"summary": "hola"})
    assert response.status_code == 403
    assert ContactPoint.objects.count() == contacts
    assert CaseEvent.objects.count() == events


def test_receiver_cannot_change_the_shared_record_through_the_api(
    personas: Any, family: Family
) -> None:
    accepted(personas, family.lead)
    _, secret = create_api_token(
        actor=None, user=personas.outsider, name="t", organization=personas.other_org
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client = Client()
    assert client.get(f"/api/v1/people/{family.lead.pk}", **headers).status_code == 200
    assert client.get(f"/api/v1/cases/{family.case.pk}", **headers).status_code == 200

    response = client.patch(
        f"/api/v1/people/{family.lead.pk}",
        {"family_names": "Cambiado"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Records shared with your organization are read-only."
    response = client.post(
        f"/api/v1/cases/{family.case.pk}/notes",
        {"summary": "hola"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert Person.objects.get(pk=family.lead.pk).family_names == "Quintanilla Oyuela"
