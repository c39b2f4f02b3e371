from __future__ import annotations

import json

import pytest
from django.urls import reverse

from mppdesk.audit.models import AuditEntry
from mppdesk.people.models import Person
from mppdesk.privacy.models import Erasure
from mppdesk.privacy.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def export_url(person, fmt="json"):  # type: ignore[no-untyped-def]
    return reverse("privacy:export", kwargs={"pk": person.pk, "fmt": fmt})


def erase_url(person):  # type: ignore[no-untyped-def]
    return reverse("privacy:erase", kwargs={"pk": person.pk})


def test_caseworker_downloads_json_export(personas, family):
    response = signed_in(personas.caseworker).get(export_url(family.lead))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="subject-access-{family.lead.pk}.json"'
    )
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    body = json.loads(response.content)
    assert body["person"]["given_names"] == "María José"
    assert AuditEntry.objects.filter(action="export", object_id=str(family.lead.pk)).count() == 1


def test_caseworker_downloads_pdf_export(personas, family):
    response = signed_in(personas.caseworker).get(export_url(family.lead, "pdf"), {"lang": "en"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_outsider_gets_404_on_export(personas, family, fmt):
    response = signed_in(personas.outsider).get(export_url(family.lead, fmt))
    assert response.status_code == 404
    assert b"Mar\xc3\xada" not in response.content
    assert not AuditEntry.objects.filter(action="export").exists()


def test_analyst_gets_404_on_export(family, analyst):
    assert signed_in(analyst).get(export_url(family.lead)).status_code == 404


def test_unknown_format_is_404(personas, family):
    assert signed_in(personas.caseworker).get(export_url(family.lead, "xml")).status_code == 404


def test_anonymous_is_sent_to_login(family):
    from django.test import Client

    response = Client().get(export_url(family.lead))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_supervisor_erases_after_confirming(supervisor, family):
    client = signed_in(supervisor)
    page = client.get(erase_url(family.lead))
    assert page.status_code == 200
    assert b"confirm" in page.content

    refused = client.post(erase_url(family.lead), {})
    assert refused.status_code == 400
    assert not Erasure.objects.exists()

    response = client.post(erase_url(family.lead), {"confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", kwargs={"pk": family.lead.pk})
    assert Person.objects.get(pk=family.lead.pk).given_names == "—"
    erasure = Erasure.objects.get()
    assert (erasure.reason, erasure.actor) == ("request", supervisor)
    # A second visit says it is done and offers nothing more.
    again = client.get(erase_url(family.lead))
    assert again.status_code == 200 and b'name="confirm"' not in again.content


def test_caseworker_cannot_erase(personas, family):
    client = signed_in(personas.caseworker)
    assert client.get(erase_url(family.lead)).status_code == 404
    assert client.post(erase_url(family.lead), {"confirm": "yes"}).status_code == 404
    assert not Erasure.objects.exists()


def test_outsider_gets_404_on_erase(personas, family):
    client = signed_in(personas.outsider)
    assert client.get(erase_url(family.lead)).status_code == 404
    assert client.post(erase_url(family.lead), {"confirm": "yes"}).status_code == 404
    assert not Erasure.objects.exists()


def test_person_actions_snippet_depends_on_role(rf, personas, family, supervisor):
    from django.template.loader import render_to_string

    def render(user):  # type: ignore[no-untyped-def]
        request = rf.get("/")
        request.user = user
        return render_to_string(
            "privacy/_person_actions.html", {"person": family.lead}, request=request
        )

    supervisor_html = render(supervisor)
    assert export_url(family.lead, "pdf") in supervisor_html
    assert erase_url(family.lead) in supervisor_html
    caseworker_html = render(personas.caseworker)
    assert export_url(family.lead, "json") in caseworker_html
    assert erase_url(family.lead) not in caseworker_html
    assert render(personas.outsider).strip() == ""
