from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mppdesk.accounts.models import Membership
from mppdesk.accounts.testing import verified_login
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.sharing.models import Referral, ReferralStatus
from mppdesk.sharing.tests.conftest import NAME, accepted, refer, role_in
from mppdesk.testing.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def panel_url(person):  # type: ignore[no-untyped-def]
    return reverse("sharing:person_access", kwargs={"pk": person.pk})


def refer_form(personas, **overrides):  # type: ignore[no-untyped-def]
    when = timezone.now() - dt.timedelta(minutes=30)
    data = {
        "to_organization": str(personas.other_org.pk),
        "purpose": "shelter_placement",
        "purpose_note": "Necesita albergue.",
        "consent_given_at": when.strftime("%Y-%m-%dT%H:%M"),
        "consent_method": "written_signature",
        "consent_note": "",
    }
    data.update(overrides)
    return data


def test_person_page_loads_the_panel_with_htmx(personas, family, caseworker_client):
    page = caseworker_client.get(reverse("people:detail", kwargs={"pk": family.lead.pk}))
    assert page.status_code == 200
    assert f'hx-get="{panel_url(family.lead)}"'.encode() in page.content


def test_owner_panel_lists_access_and_offers_the_refer_form(personas, family, caseworker_client):
    response = caseworker_client.get(panel_url(family.lead), **HX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="access-panel"' in body
    assert "<html" not in body  # a fragment for htmx
    assert personas.org.name in body
    assert 'name="consent_method"' in body and 'name="consent_given_at"' in body
    assert personas.other_org.name in body  # a referral target
    # Without htmx the same content is a page of its own.
    page = caseworker_client.get(panel_url(family.lead))
    assert page.status_code == 200 and b"<html" in page.content


def test_outsider_gets_404_for_the_panel(personas, family, outsider_client):
    assert outsider_client.get(panel_url(family.lead), **HX).status_code == 404
    refer(personas, family.lead)  # pending: still nothing to see
    assert outsider_client.get(panel_url(family.lead), **HX).status_code == 404


def test_refer_form_names_missing_consent_fields(personas, family, caseworker_client):
    data = refer_form(personas, consent_given_at="", consent_method="", purpose="")
    response = caseworker_client.post(reverse("sharing:refer", kwargs={"pk": family.lead.pk}), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"consent_given_at", "consent_method", "purpose"}
    assert not Referral.objects.exists()


def test_refer_with_htmx_returns_the_panel(personas, family, caseworker_client):
    response = caseworker_client.post(
        reverse("sharing:refer", kwargs={"pk": family.lead.pk}), refer_form(personas), **HX
    )
    assert response.status_code == 200
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.PENDING
    assert referral.consent_method == "written_signature"
    assert referral.purpose_note == "Necesita albergue."
    assert f"/sharing/referrals/{referral.pk}/revoke" in response.content.decode()


def test_refer_without_htmx_redirects_to_the_person(personas, family, caseworker_client):
    response = caseworker_client.post(
        reverse("sharing:refer", kwargs={"pk": family.lead.pk}), refer_form(personas)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", kwargs={"pk": family.lead.pk})


def test_receiver_accepts_then_sees_the_person_and_case(personas, family, outsider_client):
    caseworker = verified_login(Client(), personas.caseworker)
    caseworker.post(reverse("sharing:refer", kwargs={"pk": family.lead.pk}), refer_form(personas))
    referral = Referral.objects.get()
    person_url = reverse("people:detail", kwargs={"pk": family.lead.pk})
    case_url = reverse("cases:detail", kwargs={"pk": family.case.pk})
    assert outsider_client.get(person_url).status_code == 404

    mark = audit_mark()
    incoming = outsider_client.get(reverse("sharing:incoming"))
    assert incoming.status_code == 200
    assert NAME in incoming.content.decode()
    assert reverse("sharing:accept", kwargs={"pk": referral.pk}) in incoming.content.decode()
    # Reading the pending referral's names is on record.
    assert entries_after(mark).filter(action="view", object_id=str(family.lead.pk)).exists()

    response = outsider_client.post(
        reverse("sharing:accept", kwargs={"pk": referral.pk}), {"note": "Bienvenida."}
    )
    assert response.status_code == 302 and response["Location"] == person_url
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.decision_note == "Bienvenida."
    assert outsider_client.get(person_url).status_code == 200
    assert outsider_client.get(case_url).status_code == 200
    people_list = outsider_client.get(reverse("people:list"))
    assert NAME in people_list.content.decode()
    # The receiver's panel shows who has access, without the Refer form.
    panel = outsider_client.get(panel_url(family.lead), **HX).content.decode()
    assert personas.org.name in panel and personas.other_org.name in panel
    assert 'name="consent_method"' not in panel
    # ...and it may not refer further, even by posting the form.
    clinic = OrganizationFactory(name="Clínica", slug="clinica")
    refused = outsider_client.post(
        reverse("sharing:refer", kwargs={"pk": family.lead.pk}),
        refer_form(personas, to_organization=str(clinic.pk)),
    )
    assert refused.status_code == 403
    assert Referral.objects.count() == 1


def test_receiver_cannot_export_or_erase_over_the_web(personas, family, outsider_client):
    accepted(personas, family.lead)
    export = reverse("privacy:export", kwargs={"pk": family.lead.pk, "fmt": "json"})
    erase = reverse("privacy:erase", kwargs={"pk": family.lead.pk})
    assert outsider_client.get(export).status_code == 404
    assert outsider_client.post(erase, {"confirm": "yes"}).status_code == 404


def test_reject_keeps_the_person_hidden(personas, family, outsider_client):
    referral = refer(personas, family.lead)
    response = outsider_client.post(reverse("sharing:reject", kwargs={"pk": referral.pk}))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REJECTED
    assert (
        outsider_client.get(reverse("people:detail", kwargs={"pk": family.lead.pk})).status_code
        == 404
    )
    assert NAME not in outsider_client.get(reverse("sharing:incoming")).content.decode()


def test_owner_revokes_from_the_panel(personas, family, caseworker_client, outsider_client):
    referral = accepted(personas, family.lead)
    person_url = reverse("people:detail", kwargs={"pk": family.lead.pk})
    assert outsider_client.get(person_url).status_code == 200
    response = caseworker_client.post(reverse("sharing:revoke", kwargs={"pk": referral.pk}), **HX)
    assert response.status_code == 200 and 'id="access-panel"' in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REVOKED
    assert outsider_client.get(person_url).status_code == 404


def test_receiver_cannot_revoke(personas, family, outsider_client):
    referral = accepted(personas, family.lead)
    response = outsider_client.post(reverse("sharing:revoke", kwargs={"pk": referral.pk}))
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_third_organization_gets_404(personas, family, third_client):
    referral = refer(personas, family.lead)
    for name in ("accept", "reject", "revoke"):
        url = reverse(f"sharing:{name}", kwargs={"pk": referral.pk})
        assert third_client.post(url).status_code == 404
    assert NAME not in third_client.get(reverse("sharing:incoming")).content.decode()
    assert NAME not in third_client.get(reverse("sharing:outgoing")).content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING


def test_outgoing_list_filters_by_status(personas, family, caseworker_client):
    accepted(personas, family.lead)
    response = caseworker_client.get(reverse("sharing:outgoing"), {"status": "accepted"})
    assert response.status_code == 200 and NAME in response.content.decode()
    response = caseworker_client.get(reverse("sharing:outgoing"), {"status": "pending"})
    assert NAME not in response.content.decode()


def test_actions_need_post_and_csrf(personas, family):
    referral = refer(personas, family.lead)
    client = verified_login(Client(enforce_csrf_checks=True), personas.outsider)
    url = reverse("sharing:accept", kwargs={"pk": referral.pk})
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # no CSRF token
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING


def test_analyst_may_not_open_the_lists(personas):
    analyst = role_in(personas.org, Membership.Role.ANALYST, "analyst")
    client = verified_login(Client(), analyst)
    assert client.get(reverse("sharing:incoming")).status_code == 403


def test_auditor_sees_the_referral_actions(personas, family):
    referral = refer(personas, family.lead)
    from mppdesk.sharing import services

    services.accept_referral(actor=personas.outsider, referral=referral)
    services.revoke_referral(actor=personas.caseworker, referral=referral)
    auditor = role_in(personas.org, Membership.Role.AUDITOR, "auditor")
    body = verified_login(Client(), auditor).get(reverse("audit:list")).content.decode()
    assert "referral.create" in body and "referral.revoke" in body
    shelter_auditor = role_in(personas.other_org, Membership.Role.AUDITOR, "auditor2")
    body = verified_login(Client(), shelter_auditor).get(reverse("audit:list")).content.decode()
    assert "referral.accept" in body


def test_panel_speaks_spanish_by_default(personas, family, caseworker_client):
    body = caseworker_client.get(panel_url(family.lead), **HX).content.decode()
    assert "Acceso y derivaciones" in body and "Derivar a otra organización" in body
