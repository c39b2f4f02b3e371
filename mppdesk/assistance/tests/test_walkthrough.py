"""The issue's walkthrough, through the web pages as a user would do it.

A shelter case worker records that a family needs a CURP, school for the two children
and a clinic; refers the clinic need to a provider and sees the follow-up come due;
marks the father's hearing notice stolen, and the web lookup for his A-number is refused
while a text from his phone on file still answers; a legal-aid case worker of another
organization sees none of it without a referral.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mppdesk.assistance.models import Need, PersonDocument, ServiceProvider, ServiceReferral
from mppdesk.assistance.queries import worklist
from mppdesk.assistance.tests.conftest import A_NUMBER, FATHER_PHONE, Family
from mppdesk.selfservice import texts
from mppdesk.selfservice.tests.conftest import reply_of, text_in

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, data: dict[str, str]) -> Any:
    return client.post(url, data, HTTP_HX_REQUEST="true")


def test_walkthrough(
    family: Family, personas: Any, shelter_client: Client, legal_client: Client, client: Client
) -> None:
    father = family.father
    base = f"/assistance/people/{father.pk}"
    assert shelter_client.get(base).status_code == 200

    # The family needs a CURP (the father's), school for each child and a clinic.
    response = _post(shelter_client, f"{base}/documents", {"kind": "curp", "status": "needed"})
    assert response.status_code == 200, response.content
    for child in family.children:
        response = _post(
            shelter_client, f"{base}/needs",
            {"for_person": str(child.pk), "kind": "school", "priority": "high"},
        )  # fmt: skip
        assert response.status_code == 200, response.content
    response = _post(shelter_client, f"{base}/needs", {"kind": "health", "priority": "urgent"})
    assert response.status_code == 200
    page = shelter_client.get(base).content.decode()
    assert "CURP" in page and page.count("Inscripción escolar") >= 2
    assert Need.objects.filter(person__in=family.children, kind="school").count() == 2

    # Refer the clinic need to a provider in Ciudad Juárez, follow-up in three days.
    clinic = ServiceProvider.objects.get(name__startswith="Clínica Comunitaria Ciudad Juarez")
    need = Need.objects.get(person=father, kind="health")
    follow_up = timezone.localdate() + dt.timedelta(days=3)
    response = _post(
        shelter_client, f"{base}/refer",
        {"need": str(need.pk), "provider": str(clinic.pk),
         "consent_given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
         "consent_method": "verbal_in_person", "follow_up_on": follow_up.isoformat()},
    )  # fmt: skip
    assert response.status_code == 200, response.content
    referral = ServiceReferral.objects.get(need=need)
    assert referral.provider == clinic and referral.outcome == "pending"
    need.refresh_from_db()
    assert need.status == "referred"
    # Not due today; due when the follow-up day comes.
    assert worklist(personas.outsider).overdue == []
    assert worklist(personas.outsider, today=follow_up).overdue == [referral]
    assert (
        "Seguimientos de canalizaciones pendientes"
        in shelter_client.get("/assistance/work").content.decode()
    )

    # The father's hearing notice was stolen: a document marked stolen.
    response = _post(shelter_client, f"{base}/documents", {"kind": "nta", "status": "issued"})
    assert response.status_code == 200
    notice = PersonDocument.objects.get(person=father, kind="nta")
    response = _post(
        shelter_client, f"{base}/documents/status", {"document": str(notice.pk), "status": "stolen"}
    )
    assert response.status_code == 200, response.content
    family.case.refresh_from_db()
    assert family.case.document_exposed_at is not None
    assert (
        "Documentos judiciales expuestos"
        in shelter_client.get(f"/people/{father.pk}/").content.decode()
    )
    assert (
        "Documentos judiciales expuestos" in shelter_client.get("/assistance/work").content.decode()
    )

    # The web lookup for his A-number gives the generic reply, byte for byte...
    web = client.post("/lookup", {"a_number": A_NUMBER, "birth_date": "09/04/1988"})
    assert texts.GENERIC["en"] in web.content.decode()
    assert "Your next hearing" not in web.content.decode()
    # ...while a text from his phone on file still answers.
    reply = reply_of(text_in(client, f"CITA A{A_NUMBER} 09/04/1988", FATHER_PHONE))
    assert reply.startswith("Su próxima audiencia")

    # A legal-aid case worker of another organization sees none of it.
    for url in (base, f"/people/{father.pk}/"):
        assert legal_client.get(url).status_code == 404
    for url, data in (
        (f"{base}/documents", {"kind": "curp"}),
        (f"{base}/needs", {"kind": "food"}),
        (f"{base}/refer", {"need": str(need.pk)}),
        (f"{base}/letter", {"purpose": "school"}),
    ):
        assert legal_client.post(url, data).status_code == 404
    work = legal_client.get("/assistance/work").content.decode()
    assert father.full_name not in work
    assert worklist(personas.caseworker, today=follow_up).overdue == []
