"""In a real browser at 390 x 844: the "Done when" walk of a case worker — sign in with
the authenticator code, land on the home page, assign herself a case, add a note, upload
a notice PDF, complete a task — and no page of her day scrolls sideways; tap targets on
the home page are at least 44 px. Skipped locally without Chromium, a failure in CI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from mppdesk.web.tests.test_browser import chromium, require_chromium, sign_in
from mppdesk.web.tests.test_browser_phone import NO_SIDEWAYS_SCROLL, WIDE_ELEMENTS

PHONE = {"width": 390, "height": 844}
# Visible links, buttons and fields of the main content smaller than a finger.
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'main a, main button, main input:not([type=hidden]), main select, header a, header button'))
  .filter(e => e.offsetParent !== null)
  .map(e => [e.tagName + ': ' + (e.textContent || e.value || '').trim().slice(0, 40),
             e.getBoundingClientRect().height])
  .filter(([_, h]) => h < 44)"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_case_workers_day_on_a_phone(
    live_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    require_chromium()
    from django.utils import timezone
    from playwright.sync_api import expect

    from mppdesk.accounts.models import Membership
    from mppdesk.accounts.testing import confirmed_device
    from mppdesk.casework import services
    from mppdesk.casework.demo import notice_pdf
    from mppdesk.casework.models import CaseAssignment, CaseFile, CaseNote
    from mppdesk.hearings import hearing_services
    from mppdesk.hearings.tests.conftest import EL_PASO, future_day, make_case, make_docket
    from mppdesk.places.models import Port, Venue
    from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

    settings.LANGUAGE_CODE = "es"
    org = OrganizationFactory(name="Asistencia Legal Frontera de Ciudad Juárez", slug="alf")
    user = UserFactory(username="rosa", first_name="Rosa", last_name="Quispe")
    MembershipFactory(user=user, organization=org, role=Membership.Role.CASEWORKER)
    venue = Venue.objects.get(code=EL_PASO)
    port = Port.objects.get(code="el-paso")
    past = make_docket(venue, timezone.localdate() - dt.timedelta(days=2))
    soon = make_docket(venue, future_day(weeks=1))
    cases = [make_case(org, venue=venue, port=port, riders=2) for _ in range(4)]
    hearing_services.schedule_hearing(actor=None, case=cases[0], docket=past, allow_past=True)
    hearing_services.schedule_hearing(actor=None, case=cases[1], docket=soon)
    services.assign(actor=user, case=cases[1], user=user)
    task = services.add_task(
        actor=user, case=cases[1], title="Llamar por la plaza de albergue",
        due_on=timezone.localdate() - dt.timedelta(days=1),
    )  # fmt: skip
    notice = tmp_path / "aviso.pdf"
    notice.write_bytes(notice_pdf())
    target = cases[2]

    with chromium(monkeypatch) as browser:
        page = browser.new_page(locale="es-MX", viewport=PHONE)
        page.set_default_timeout(15_000)
        base = live_server.url
        # Sign in (password, then the authenticator code): the home page opens.
        sign_in(page, f"{base}/", "rosa", confirmed_device(user))
        expect(page.locator("h1")).to_contain_text("Hola, Rosa")
        expect(page.locator("#home-tasks")).to_contain_text("Llamar por la plaza")
        assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate(WIDE_ELEMENTS)
        assert page.evaluate(SMALL_TARGETS) == [], page.evaluate(SMALL_TARGETS)

        # Assign herself a case.
        page.goto(f"{base}/cases/{target.pk}/")
        page.get_by_role("button", name="Asignármelo").click()
        expect(page.locator("#caseload")).to_contain_text("Rosa Quispe")
        assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate(WIDE_ELEMENTS)

        # Add a note.
        page.select_option("#notes select[name=kind]", "call")
        page.fill("#notes textarea[name=text]", "Confirmó el domicilio del albergue")
        page.locator("#notes").get_by_role("button", name="Agregar nota").click()
        expect(page.locator("#notes")).to_contain_text("Confirmó el domicilio del albergue")

        # Upload the notice PDF.
        page.select_option("#documents select[name=kind]", "notice")
        page.set_input_files("#documents input[type=file]", str(notice))
        page.locator("#documents").get_by_role("button", name="Subir").click()
        expect(page.locator("#documents")).to_contain_text("aviso.pdf")

        # Complete the overdue task from the home page.
        page.goto(f"{base}/")
        page.locator("#home-tasks").get_by_role("button", name="Marcar como hecha").click()
        expect(page.locator("#home-tasks")).to_contain_text("No hay tareas para esta semana")

        # Nothing on her day scrolls sideways.
        for path in (
            f"/cases/{target.pk}/",
            f"/people/{target.lead_id}/",
            "/casework/tasks/?done=1",
            "/messages/at-risk/",
            f"/hearings/dockets/{past.pk}/roll-call/",
        ):
            page.goto(f"{base}{path}")
            expect(page.locator("h1")).to_be_visible()
            assert page.evaluate(NO_SIDEWAYS_SCROLL), (path, page.evaluate(WIDE_ELEMENTS))

    assert CaseAssignment.objects.filter(case=target, user=user).exists()
    assert CaseNote.objects.get(case=target).kind == "call"
    assert CaseFile.objects.get(case=target).content_type == "application/pdf"
    task.refresh_from_db()
    assert task.status == "done"
