"""End to end in a real browser: sign in, register a person with an A-number, find them.

Drives Debian's Chromium through Playwright's sync API against pytest-django's
``live_server``. Without Chromium the test is skipped locally but fails in CI, so a
broken CI image cannot silently turn the only browser test off.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require_chromium() -> None:
    """Skip without Chromium, except in CI where a missing browser is a failure."""
    if not CHROMIUM.exists():
        message = (
            f"Chromium not found at {CHROMIUM}; install it with `apt-get install -y chromium`."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@contextlib.contextmanager
def chromium(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
    # the ORM calls the test makes between browser steps. Set only for this test, so the
    # variable does not leak into other tests (``check --deploy`` warns about it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections

    outside = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
            # ORM calls between browser steps may run in Playwright's own context and
            # open a connection of their own: close it, or PostgreSQL keeps the session
            # and the test database cannot be dropped at the end of the run.
            for alias in connections:
                if connections[alias] is not outside[alias]:
                    connections[alias].close()


def sign_in(page: Any, url: str, username: str, device: Any) -> None:
    """Open ``url``, which sends to the login page, and sign in with the password and the
    current code of ``device``; the browser ends on ``url``."""
    from mppdesk.accounts.testing import current_code
    from mppdesk.testing.factories import PASSWORD

    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.fill("#id_token", current_code(device))
    page.click("main button[type=submit]")


@pytest.mark.browser
# serialized_rollback restores the places seeded by migrations after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_register_person_and_find_them_by_anumber(live_server, settings, monkeypatch):  # type: ignore[no-untyped-def]
    require_chromium()
    from mppdesk.accounts.models import Membership
    from mppdesk.accounts.testing import confirmed_device
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    settings.LANGUAGE_CODE = "es"
    user = UserFactory(username="ana")
    MembershipFactory(user=user, role=Membership.Role.CASEWORKER)

    with chromium(monkeypatch) as browser:
        _register_and_search(browser, live_server.url, confirmed_device(user))


def _register_and_search(browser: Any, base_url: str, device: Any) -> None:
    from playwright.sync_api import expect

    from mppdesk.accounts.testing import current_code
    from mppdesk.cases.models import Case
    from mppdesk.testing.factories import PASSWORD

    page = browser.new_page(locale="es-MX", viewport={"width": 390, "height": 844})  # a phone
    page.set_default_timeout(15_000)

    page.goto(f"{base_url}/people/")
    expect(page).to_have_url(f"{base_url}/accounts/login/?next=/people/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    # A case worker signs in with a second factor: the code an authenticator app would show.
    expect(page).to_have_url(f"{base_url}/accounts/two-factor/verify/?next=%2Fpeople%2F")
    page.fill("#id_token", current_code(device))
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Personas")

    page.get_by_role("button", name="Menú").click()  # on a phone the menu is folded
    page.click("nav.mainnav >> text=Nueva persona")
    page.fill("#id_given_names", "Guadalupe")
    page.fill("#id_family_names", "Ramírez Soto")
    page.fill("#id_birth_date", "14/02/1991")
    page.fill("#id_a_number", "A 087-654-321")
    page.click("main form.form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Guadalupe Ramírez Soto")
    expect(page.locator("#h-cases + article")).to_contain_text("A087-654-321")
    assert "087654321" not in page.url and "087-654-321" not in page.url  # not in the URL
    assert Case.objects.get().a_number == "087654321"

    # Live search: typing swaps the results table without a page load.
    page.get_by_role("button", name="Menú").click()
    page.click("nav.mainnav >> text=Personas")
    page.fill("#q", "A087-654-321")
    results = page.locator("#results table.results")
    expect(results).to_contain_text("Ramírez Soto, Guadalupe")
    expect(results).to_contain_text("A087-654-321")
    assert "q=" not in page.url  # htmx did not push the search into the address bar
    results.locator("a", has_text="Guadalupe").click()
    expect(page.locator("h1")).to_have_text("Guadalupe Ramírez Soto")
