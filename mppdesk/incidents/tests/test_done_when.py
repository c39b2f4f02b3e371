"""Issue 14's "Done when", as one story through the web pages.

A shelter case worker records that a family needs a CURP, school for two children and a
clinic; refers the clinic need and sees the follow-up come due; records an attempted
kidnapping with consent for de-identified reporting only (and to keep it); records the
theft of the father's hearing notice as an incident, and the web lookup for his A-number
is refused while a text from his phone on file still answers; a legal-aid case worker of
another organization sees none of it; the monitor sees the incident in the tallies with
no way to identify anyone; an analyst cannot read the narrative.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.models import Membership, Organization
from mppdesk.accounts.testing import verified_login
from mppdesk.assistance.models import Need, ServiceProvider, ServiceReferral
from mppdesk.assistance.queries import worklist
from mppdesk.incidents.models import Incident
from mppdesk.incidents.tests.conftest import Family, record
from mppdesk.selfservice import texts
from mppdesk.selfservice.tests.conftest import reply_of, text_in
from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
NARRATIVE = "Dos hombres intentaron subirla a un carro frente al albergue."


def test_done_when(
    family: Family, personas: Any, shelter_client: Client, legal_client: Client, client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    father, base = family.father, f"/assistance/people/{family.father.pk}"
    hx = {"HTTP_HX_REQUEST": "true"}
    # Needs: a CURP, school for each child, a clinic; the clinic referred, follow-up due.
    assert shelter_client.post(f"{base}/documents", {"kind": "curp"}, **hx).status_code == 200
    for child in family.children:
        data = {"for_person": str(child.pk), "kind": "school"}
        assert shelter_client.post(f"{base}/needs", data, **hx).status_code == 200
    assert shelter_client.post(f"{base}/needs", {"kind": "health"}, **hx).status_code == 200
    need = Need.objects.get(person=father, kind="health")
    clinic = ServiceProvider.objects.get(name__startswith="Clínica Comunitaria Ciudad Juarez")
    follow_up = timezone.localdate() + dt.timedelta(days=2)
    response = shelter_client.post(
        f"{base}/refer",
        {"need": str(need.pk), "provider": str(clinic.pk),
         "consent_given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
         "consent_method": "verbal_in_person", "follow_up_on": follow_up.isoformat()}, **hx,
    )  # fmt: skip
    assert response.status_code == 200
    referral = ServiceReferral.objects.get(need=need)
    assert worklist(personas.outsider, today=follow_up).overdue == [referral]

    # An attempted kidnapping, consent to keep it and for de-identified reporting only.
    form = shelter_client.get(f"/incidents/new?people={father.pk}")
    assert form.status_code == 200 and father.full_name in form.content.decode()
    response = shelter_client.post(
        "/incidents/new",
        {"people": [str(father.pk)], "occurred_on": timezone.localdate().isoformat(),
         "port": "el-paso", "kinds": ["attempted_kidnapping"], "perpetrator": "criminal_group",
         "narrative": NARRATIVE, "uses": ["keep", "report"], "consent_method": "verbal_in_person"},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    kidnapping = Incident.objects.get(kinds=["attempted_kidnapping"])
    assert {c.use for c in kidnapping.consents.all()} == {"keep", "report"}
    detail = shelter_client.get(f"/incidents/{kidnapping.pk}/").content.decode()
    assert NARRATIVE in detail

    # The father's hearing notice was stolen: a document-theft incident.
    with django_capture_on_commit_callbacks(execute=True):
        response = shelter_client.post(
            "/incidents/new",
            {"people": [str(father.pk)], "occurred_on": timezone.localdate().isoformat(),
             "port": "el-paso", "kinds": ["document_theft"], "perpetrator": "individual",
             "uses": ["keep"], "consent_method": "verbal_in_person"},
        )  # fmt: skip
    assert response.status_code == 302
    family.case.refresh_from_db()
    assert family.case.document_exposed_at is not None
    web = client.post("/lookup", {"a_number": family.case.a_number, "birth_date": "09/04/1988"})
    assert texts.GENERIC["en"] in web.content.decode()
    reply = reply_of(text_in(client, f"CITA A{family.case.a_number} 09/04/1988", "+526561112233"))
    assert reply.startswith("Su próxima audiencia")

    # The legal-aid case worker of another organization sees none of it.
    for url in (f"/incidents/{kidnapping.pk}/", base, f"/people/{father.pk}/"):
        assert legal_client.get(url).status_code == 404
    listing = legal_client.get("/incidents/").content.decode()
    assert str(kidnapping.pk) not in listing and NARRATIVE not in listing

    # Four more attempted kidnappings in the same city and month, consented for
    # reporting: five in one cell is published exactly.
    for _ in range(4):
        record(
            personas.outsider, father, occurred_on=timezone.localdate(),
            kinds=["attempted_kidnapping"], perpetrator="criminal_group",
        )  # fmt: skip
    monitor_org = OrganizationFactory(
        name="Observatorio de la Frontera", slug="obs", kind=Organization.Kind.MONITOR
    )
    monitor = UserFactory(username="monitor")
    MembershipFactory(user=monitor, organization=monitor_org, role=Membership.Role.ANALYST)
    monitor_client = verified_login(Client(), monitor)
    page = monitor_client.get("/incidents/tallies/").content.decode()
    assert "Intento de secuestro" in page or "Attempted kidnapping" in page
    csv = monitor_client.get("/incidents/tallies.csv").content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    assert f"{month},Ciudad Juarez," in csv and csv.strip().endswith(",5")
    for text in (NARRATIVE, father.full_name, family.case.a_number, str(father.pk)):
        assert text not in page and text not in csv
    assert monitor_client.get(f"/incidents/{kidnapping.pk}/").status_code == 403
    assert monitor_client.get(f"/people/{father.pk}/").status_code == 403

    # An analyst (of the shelter itself) cannot read the narrative.
    analyst = UserFactory(username="analyst")
    MembershipFactory(user=analyst, organization=father.organization, role=Membership.Role.ANALYST)
    analyst_client = verified_login(Client(), analyst)
    response = analyst_client.get(f"/incidents/{kidnapping.pk}/")
    assert response.status_code == 403 and NARRATIVE not in response.content.decode()
