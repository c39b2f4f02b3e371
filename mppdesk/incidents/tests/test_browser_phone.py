"""At 390 × 844 (a phone) the incident pages and the assistance person page (with its
per-row forms) scroll only up and down."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mppdesk.web.tests.test_browser import chromium, require_chromium, sign_in
from mppdesk.web.tests.test_browser_phone import NO_SIDEWAYS_SCROLL, WIDE_ELEMENTS


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_incident_and_assistance_pages_fit_a_phone(
    live_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_chromium()
    from playwright.sync_api import expect

    from mppdesk.accounts.models import Membership
    from mppdesk.accounts.testing import confirmed_device
    from mppdesk.assistance import services as assistance
    from mppdesk.assistance.models import ServiceProvider
    from mppdesk.hearings.tests.conftest import EL_PASO, make_case
    from mppdesk.incidents.tests.conftest import record
    from mppdesk.places.models import Port, Venue
    from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

    settings.LANGUAGE_CODE = "es"
    org = OrganizationFactory(name="Red de Albergues del Norte de Ciudad Juárez", slug="red")
    user = UserFactory(username="rosa")
    MembershipFactory(user=user, organization=org, role=Membership.Role.CASEWORKER)
    port = Port.objects.get(code="el-paso")
    case = make_case(org, venue=Venue.objects.get(code=EL_PASO), port=port, riders=2)
    lead = case.lead
    assistance.add_document(actor=user, person=lead, kind="curp")
    assistance.add_document(actor=user, person=lead, kind="nta", status="issued")
    need = assistance.add_need(actor=user, person=lead, kind="health", priority="urgent")
    provider = ServiceProvider.objects.create(
        # A long name makes a wide <select> in the per-row forms.
        name="Centro Comunitario de Atención Integral a Personas Migrantes y Refugiadas "
        "del Norte de Ciudad Juárez, Chihuahua", city="Ciudad Juarez",
        services=["health"], languages=["es"],
    )  # fmt: skip
    assistance.refer_need(
        actor=user, need=need, provider=provider, consent_given_at=dt.datetime.now(dt.UTC),
        consent_method="verbal_in_person",
    )  # fmt: skip
    incident = record(user, lead, kinds=["attempted_kidnapping", "threats"])
    pages = {
        "incidents": "/incidents/",
        "new incident": f"/incidents/new?people={lead.pk}",
        "incident": f"/incidents/{incident.pk}/",
        "tallies": "/incidents/tallies/",
        "assistance person": f"/assistance/people/{lead.pk}",
    }
    with chromium(monkeypatch) as browser:
        page = browser.new_page(locale="es-MX", viewport={"width": 390, "height": 844})
        page.set_default_timeout(15_000)
        sign_in(page, f"{live_server.url}/people/", "rosa", confirmed_device(user))
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            expect(page.locator("h1")).to_be_visible()
            assert page.evaluate(NO_SIDEWAYS_SCROLL), (name, page.evaluate(WIDE_ELEMENTS))
        # The assistance records are cards, and every per-row form stays inside its card.
        page.goto(f"{live_server.url}/assistance/people/{lead.pk}")
        expect(page.locator("main table.cards td[data-label]").first).to_be_visible()
        widest = page.evaluate(
            "Math.max(...Array.from(document.querySelectorAll('main table.cards form'))"
            ".map(f => f.getBoundingClientRect().right))"
        )
        assert widest <= 390, widest
