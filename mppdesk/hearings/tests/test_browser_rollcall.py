"""Roll-call on a phone, in a real browser: mark one person absent with an in absentia
order, save, and find the follow-up that opened.

Same rule as ``web/tests/test_browser.py``: skipped locally without Chromium, a failure
in CI.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mppdesk.web.tests.test_browser import chromium, require_chromium, sign_in


@pytest.mark.browser
# serialized_rollback restores the places seeded by migrations after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_roll_call_on_a_phone_opens_the_in_absentia_follow_up(
    live_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_chromium()
    from django.utils import timezone

    from mppdesk.accounts.models import Membership
    from mppdesk.accounts.testing import confirmed_device
    from mppdesk.hearings import hearing_services
    from mppdesk.hearings.tests.conftest import EL_PASO, make_case, make_docket
    from mppdesk.places.models import Port, Venue
    from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

    settings.LANGUAGE_CODE = "es"
    org = OrganizationFactory(name="Asistencia Legal Frontera", slug="alf")
    user = UserFactory(username="rosa")
    MembershipFactory(user=user, organization=org, role=Membership.Role.CASEWORKER)
    venue = Venue.objects.get(code=EL_PASO)
    port = Port.objects.get(code="el-paso")
    docket = make_docket(venue, timezone.localdate() - dt.timedelta(days=2))
    present = make_case(org, venue=venue, port=port)
    absent = make_case(org, venue=venue, port=port)
    hearings = {
        key: hearing_services.schedule_hearing(
            actor=None, case=case, docket=docket, allow_past=True
        )
        for key, case in (("present", present), ("absent", absent))
    }

    with chromium(monkeypatch) as browser:
        _roll_call(browser, live_server.url, confirmed_device(user), docket.pk, hearings)

    from mppdesk.hearings.models import Hearing, InAbsentiaFollowUp

    assert Hearing.objects.get(pk=hearings["absent"].pk).outcome == "removal_in_absentia"
    assert Hearing.objects.get(pk=hearings["present"].pk).outcome == "appeared"
    assert InAbsentiaFollowUp.objects.filter(hearing=hearings["absent"]).exists()


def _roll_call(
    browser: Any, base_url: str, device: Any, docket_id: int, hearings: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(locale="es-MX", viewport={"width": 390, "height": 844})  # a phone
    page.set_default_timeout(15_000)
    path = f"/hearings/dockets/{docket_id}/roll-call/"

    sign_in(page, f"{base_url}{path}", "rosa", device)
    expect(page.locator("h1")).to_have_text("Pase de lista")

    absent = page.locator(f"#hearing-{hearings['absent'].pk}")
    present = page.locator(f"#hearing-{hearings['present'].pk}")
    expect(absent.locator("h2")).to_have_text(hearings["absent"].case.lead.full_name)
    # Big buttons: the labels are the tap targets (the radio inputs are hidden).
    present.get_by_text("Compareció", exact=True).click()
    absent.get_by_text("No compareció", exact=True).click()
    absent.get_by_label("Orden en ausencia").check()
    button = page.get_by_role("button", name="Guardar el pase de lista")
    box = button.bounding_box()
    assert box is not None and box["width"] >= 300  # a full-width button on the phone
    button.click()

    expect(page.locator(".messages")).to_contain_text("Se abrió 1 seguimiento en ausencia")
    link = page.locator(f"#hearing-{hearings['absent'].pk} a", has_text="Seguimiento en ausencia")
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("h1")).to_contain_text("Seguimiento en ausencia")
    expect(page.locator("main")).to_contain_text("Sin plazo: en cualquier momento.")
    expect(page.get_by_role("link", name="Descargar el expediente (PDF)")).to_be_visible()
