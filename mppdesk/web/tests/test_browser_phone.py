"""On a 390 x 844 phone, in a real browser: the menu folds behind a button, tap targets are
at least 44 px tall, and no page of a case worker's day scrolls sideways (tables become
cards). Same rule as ``test_browser.py``: skipped locally without Chromium, a failure in CI.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mppdesk.web.tests.test_browser import chromium, require_chromium, sign_in

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
# What sticks out, for the failure message: the innermost elements past the right edge.
WIDE_ELEMENTS = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !Array.from(e.children).some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 60))"""


@pytest.mark.browser
# serialized_rollback restores the places seeded by migrations after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_case_workers_pages_fit_a_phone(
    live_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_chromium()
    from django.utils import timezone

    from mppdesk.accounts.models import Membership
    from mppdesk.accounts.testing import confirmed_device
    from mppdesk.hearings import hearing_services
    from mppdesk.hearings.tests.conftest import EL_PASO, future_day, make_case, make_docket
    from mppdesk.places.models import Port, Venue
    from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

    settings.LANGUAGE_CODE = "es"
    org = OrganizationFactory(name="Asistencia Legal Frontera de Ciudad Juárez", slug="alf")
    user = UserFactory(username="rosa")
    MembershipFactory(user=user, organization=org, role=Membership.Role.CASEWORKER)
    venue = Venue.objects.get(code=EL_PASO)
    port = Port.objects.get(code="el-paso")
    past = make_docket(venue, timezone.localdate() - dt.timedelta(days=2))
    soon = make_docket(venue, future_day(weeks=1))
    cases = [make_case(org, venue=venue, port=port, riders=2) for _ in range(6)]
    for case in cases[:3]:
        hearing_services.schedule_hearing(actor=None, case=case, docket=past, allow_past=True)
    for case in cases[3:]:
        hearing_services.schedule_hearing(actor=None, case=case, docket=soon)

    # Long unbroken values (an email address, a compound family name) must wrap.
    from mppdesk.people.models import ContactPoint

    lead = cases[3].lead
    lead.family_names = "Gonçalves-Pérez-Hernández-Villalobos-Quintanilla"
    lead.save()
    ContactPoint.objects.create(
        person=lead,
        kind="email",
        value="maria.jose.goncalves.perez.hernandez.villalobos@example.org",
    )
    pages = {
        "home": "/",
        "people": "/people/",
        "person": f"/people/{lead.pk}/",
        "at risk": "/messages/at-risk/",
        "no contact": "/hearings/no-contact/",
        "upcoming hearings": "/hearings/upcoming/",
        "dockets": "/hearings/dockets/",
        "roll call": f"/hearings/dockets/{past.pk}/roll-call/",
    }
    with chromium(monkeypatch) as browser:
        _walk(browser, live_server.url, confirmed_device(user), pages)


def _walk(browser: Any, base_url: str, device: Any, pages: dict[str, str]) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(locale="es-MX", viewport={"width": 390, "height": 844})
    page.set_default_timeout(15_000)
    sign_in(page, f"{base_url}/people/", "rosa", device)
    expect(page.locator("h1")).to_be_visible()

    # The menu is folded: the header is one line; the button opens it.
    header = page.locator("header.topbar").bounding_box()
    assert header is not None and header["height"] <= 70, header
    toggle = page.get_by_role("button", name="Menú")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Personas", exact=True)).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    links = page.locator("nav.mainnav a")
    assert links.count() >= 5
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box is not None and box["height"] >= 44, (links.nth(index).inner_text(), box)

    for name, path in pages.items():
        page.goto(f"{base_url}{path}")
        expect(page.locator("h1")).to_be_visible()
        assert page.evaluate(NO_SIDEWAYS_SCROLL), (name, page.evaluate(WIDE_ELEMENTS))

    # A table of the people list is a stack of cards, each value with its column's name.
    page.goto(f"{base_url}/people/")
    cell = page.locator("main table.cards td[data-label]").first
    expect(cell).to_be_visible()
    label = cell.evaluate("c => getComputedStyle(c, '::before').content")
    assert label not in ("none", "normal", '""'), label
