"""The issue's walkthrough in a real browser, in small: a coordinator imports a detention
roster, sees who is exempt and why, plans a group for Ciudad Juárez through the El Paso
port, approves it, downloads the manifest, marks it departed and arrived, and opens one
person's movement timeline. (Harness: ``mppdesk/web/tests/test_browser.py``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mppdesk.web.tests.test_browser import chromium, require_chromium, sign_in

ROSTER = """nombre,apellidos,fecha_nacimiento,sexo,nacionalidad,idiomas,número A,grupo_familiar,parentesco,fecha_detencion,alertas,pregunta_miedo,miedo
Rosa Elena,Castillo Mejía,22/08/1986,F,Honduras,español,A301-777-201,F-01,titular,2026-01-10,,sí,no
Kevin Josué,Castillo Mejía,2014-02-03,M,HND,español,,F-01,hijo,2026-01-10,,sí,no
Juan Carlos,Hernández Ruiz,1990-04-04,M,México,español,A301-777-202,,,2026-01-11,,sí,no
José Luis,Ramírez Ortiz,15/05/1979,M,El Salvador,español,A301-777-203,,,2026-01-12,antecedentes penales,sí,no
"""


@pytest.mark.browser
# serialized_rollback restores the places seeded by migrations after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_coordinator_imports_plans_approves_and_follows_a_group(  # type: ignore[no-untyped-def]
    live_server, settings, monkeypatch, tmp_path
):
    require_chromium()
    from mppdesk.accounts.models import Membership
    from mppdesk.accounts.testing import confirmed_device
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    settings.LANGUAGE_CODE = "en"
    user = UserFactory(username="coord")
    MembershipFactory(user=user, role=Membership.Role.COORDINATOR)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")

    with chromium(monkeypatch) as browser:
        _walkthrough(browser, live_server.url, confirmed_device(user), roster, tmp_path)


def _walkthrough(browser: Any, base_url: str, device: Any, roster: Path, tmp_path: Path) -> None:
    from django.utils import timezone
    from playwright.sync_api import expect

    from mppdesk.transfers.models import GroupStatus, TransferGroup

    page = browser.new_page(
        locale="en-US", viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    page.set_default_timeout(20_000)

    sign_in(page, f"{base_url}/transfers/roster/", "coord", device)
    expect(page.locator("h1")).to_have_text("Import a detention roster")

    # Import the roster (not a dry run) for the El Paso facility.
    page.set_input_files("#id_file", str(roster))
    page.select_option("#id_facility", "el-paso-service-processing-center")
    page.uncheck("#id_dry_run")
    page.click("main form button[type=submit]")
    expect(page.locator("#h-result")).to_have_text("Imported")
    expect(page.locator("#created-people")).to_have_text("4")

    # Plan a group for Ciudad Juárez through El Paso.
    page.click("text=Plan a group from these facilities")
    expect(page.locator("h1")).to_have_text("Plan a transfer group")
    expect(page.locator("input[value=el-paso-service-processing-center]")).to_be_checked()
    page.select_option("#id_port", "el-paso")
    # Today: a group can be marked departed and arrived from its transfer date on (the
    # form proposes tomorrow).
    page.fill("#id_date", timezone.localdate().isoformat())
    page.fill("#id_target_size", "400")
    page.click("main form button[type=submit]")
    expect(page.locator("#group-status")).to_have_text("Planned")
    expect(page.locator("#included-count")).to_contain_text("2 /")

    # Who is exempt and why: each exclusion by its rule (a label, the code only in markup).
    exclusions = page.locator("#exclusions")
    expect(exclusions.locator('[data-rule="2021.mexican_national"]')).to_have_count(1)
    expect(exclusions).to_contain_text("Mexican citizens or nationals are not amenable.")
    expect(exclusions.locator('[data-rule="2021.criminal_history"]')).to_have_count(1)
    expect(exclusions).not_to_contain_text("2021.mexican_national")
    expect(exclusions).to_contain_text("Hernández Ruiz")

    page.click("button:has-text('Approve')")
    expect(page.locator("#group-status")).to_have_text("Approved")

    with page.expect_download() as info:
        page.click("text=Manifest (CSV)")
    download = info.value
    assert download.suggested_filename.startswith("manifest-")
    saved = tmp_path / download.suggested_filename
    download.save_as(str(saved))
    manifest = saved.read_text(encoding="utf-8-sig")
    assert "Castillo Mejía" in manifest
    assert "A301-777-201" not in manifest and "301777201" not in manifest

    page.click("button:has-text('Mark departed')")
    expect(page.locator("#group-status")).to_have_text("Departed")
    page.click("button:has-text('Mark arrived')")
    expect(page.locator("#group-status")).to_have_text("Arrived")
    assert TransferGroup.objects.get().status == GroupStatus.ARRIVED

    page.locator("#h-households ~ article a", has_text="movements").first.click()
    expect(page.locator("h1")).to_contain_text("Movements")
    timeline = page.locator("ol.movements")
    expect(timeline).to_contain_text("Detained at a facility")
    expect(timeline).to_contain_text("Returned through a port of entry")
    expect(timeline).to_contain_text("At a shelter")
