"""In a real browser: the template editor's SMS segment count follows the typing (htmx).

Uses the Chromium helpers of ``mppdesk/web/tests/test_browser.py`` (skipped locally
without Chromium, a failure in CI).
"""

from __future__ import annotations

from typing import Any

import pytest

from mppdesk.web.tests.test_browser import chromium, require_chromium, sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_typing_a_non_gsm_character_switches_to_ucs2(live_server, settings, monkeypatch):  # type: ignore[no-untyped-def]
    require_chromium()
    from mppdesk.accounts.models import Membership
    from mppdesk.accounts.testing import confirmed_device
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    settings.LANGUAGE_CODE = "en"
    user = UserFactory(username="coordina")
    MembershipFactory(user=user, role=Membership.Role.COORDINATOR)
    device = confirmed_device(user)
    with chromium(monkeypatch) as browser:
        _edit_template(browser, live_server.url, device)


def _edit_template(browser: Any, base_url: str, device: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(locale="en-US")
    page.set_default_timeout(15_000)
    path = "/messages/templates/reminder/sms/es/"
    sign_in(page, f"{base_url}{path}", "coordina", device)
    expect(page).to_have_url(f"{base_url}{path}")

    segments = page.locator("#template-preview .segments")
    expect(segments).to_have_attribute("data-encoding", "GSM-7")
    before = page.locator("#template-preview .segment-count").inner_text()

    page.locator("#id_body").press("Control+End")
    page.locator("#id_body").press_sequentially(" ✅")
    expect(segments).to_have_attribute("data-encoding", "UCS-2")
    expect(page.locator("#template-preview .encoding")).to_have_text("UCS-2")
    expect(page.locator("#template-preview .preview mark.non-gsm")).to_have_text("✅")
    after = page.locator("#template-preview .segment-count").inner_text()
    assert after != before
