"""The transfer pages: who sees what, the planner walkthrough through the views, the
manifest download, the roster report, the capacity chart and both languages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mppdesk.accounts.models import Membership
from mppdesk.accounts.testing import verified_login
from mppdesk.people.models import Person
from mppdesk.places.models import Shelter, ShelterNight
from mppdesk.places.services import reserve_shelter
from mppdesk.testing.factories import MembershipFactory, UserFactory
from mppdesk.transfers import queries, services
from mppdesk.transfers.models import GroupStatus, MovementEvent, TransferGroup
from mppdesk.transfers.templatetags.transfers_ui import (
    capacity_chart_svg,
    chart_geometry,
    rule_label,
)
from mppdesk.transfers.tests.conftest import detain

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    """English unless a test asks for Spanish (the pages' default is Spanish)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def planned(personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: Any) -> Any:
    family = detain(personas.org, facility, 3)
    detain(personas.org, facility, 2, vulnerabilities=[[], ["medical"]])
    group = services.plan_group(
        actor=personas.coordinator, facilities=[facility], port=port, date=tomorrow,
        target_size=50, version="2021",
    )  # fmt: skip
    return group, family


@pytest.fixture
def other_coordinator_client(personas: Any) -> Client:
    user = UserFactory(username="other-coordinator")
    MembershipFactory(user=user, organization=personas.other_org, role=Membership.Role.COORDINATOR)
    return verified_login(Client(), user)


def _pages(group: TransferGroup, person: Person) -> list[str]:
    return [
        reverse("transfers:groups"),
        reverse("transfers:plan"),
        reverse("transfers:roster"),
        reverse("transfers:capacity"),
        reverse("transfers:places"),
        reverse("transfers:shelter_edit", kwargs={"code": "t-a"}),
        reverse("transfers:group", kwargs={"pk": group.pk}),
        reverse("transfers:manifest_csv", kwargs={"pk": group.pk}),
        reverse("transfers:manifest_pdf", kwargs={"pk": group.pk}),
        reverse("transfers:timeline", kwargs={"pk": person.pk}),
    ]


def test_every_page_opens_for_the_coordinator(coordinator_client: Client, planned: Any) -> None:
    group, family = planned
    for url in _pages(group, family[0]):
        response = coordinator_client.get(url)
        assert response.status_code == 200, url


def test_caseworker_may_not_open_transfer_pages(caseworker_client: Client, planned: Any) -> None:
    group, family = planned
    for url in _pages(group, family[0]):
        assert caseworker_client.get(url).status_code == 403, url
    for name in ("approve", "depart", "arrive", "cancel"):
        url = reverse(f"transfers:{name}", kwargs={"pk": group.pk})
        assert caseworker_client.post(url).status_code == 403, url
    group.refresh_from_db()
    assert group.status == GroupStatus.PLANNED


def test_coordinator_of_another_organization_gets_404(
    other_coordinator_client: Client, planned: Any
) -> None:
    group, family = planned
    client = other_coordinator_client
    for url in (
        reverse("transfers:group", kwargs={"pk": group.pk}),
        reverse("transfers:manifest_csv", kwargs={"pk": group.pk}),
        reverse("transfers:manifest_pdf", kwargs={"pk": group.pk}),
        reverse("transfers:timeline", kwargs={"pk": family[0].pk}),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("transfers:approve", kwargs={"pk": group.pk})).status_code == 404
    group.refresh_from_db()
    assert group.status == GroupStatus.PLANNED
    # Their group list does not show it.
    assert group.name not in client.get(reverse("transfers:groups")).content.decode()


def test_group_page_shows_households_shelters_and_exclusions_with_reason(
    coordinator_client: Client, planned: Any
) -> None:
    group, family = planned
    html = coordinator_client.get(reverse("transfers:group", kwargs={"pk": group.pk})).content
    text = html.decode()
    assert 'id="included-count">3 / 50' in text
    assert "Test A" in text  # the shelter of the household
    assert 'data-rule="2021.health"' in text and 'data-rule="household_review"' in text
    assert rule_label("household_review") in text
    assert "People with known physical or mental health issues are not amenable." in text
    # Only the valid next steps of a planned group.
    assert reverse("transfers:approve", kwargs={"pk": group.pk}) in text
    assert reverse("transfers:cancel", kwargs={"pk": group.pk}) in text
    assert reverse("transfers:depart", kwargs={"pk": group.pk}) not in text
    assert reverse("transfers:arrive", kwargs={"pk": group.pk}) not in text


def test_plan_approve_depart_arrive_through_the_pages(
    coordinator_client: Client, personas: Any, facility: Any, small_shelters: Any, today: Any
) -> None:
    family = detain(personas.org, facility, 4)
    response = coordinator_client.post(
        reverse("transfers:plan"),
        {
            "facilities": [facility.code], "port": "el-paso", "date": today.isoformat(),
            "target_size": "10", "version": "2021", "stay_nights": "30", "name": "",
        },
    )  # fmt: skip
    group = TransferGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("transfers:group", kwargs={"pk": group.pk})
    for step, status in (
        ("approve", GroupStatus.APPROVED),
        ("depart", GroupStatus.DEPARTED),
        ("arrive", GroupStatus.ARRIVED),
    ):
        response = coordinator_client.post(reverse(f"transfers:{step}", kwargs={"pk": group.pk}))
        assert response.status_code == 302
        group.refresh_from_db()
        assert group.status == status
    assert ShelterNight.objects.filter(shelter=small_shelters[0], date=today).get().occupied == 4
    kinds = list(
        MovementEvent.objects.filter(person=family[0]).order_by("at").values_list("kind", flat=True)
    )
    assert kinds == ["screened", "returned", "at_shelter"]
    page = coordinator_client.get(reverse("transfers:timeline", kwargs={"pk": family[0].pk}))
    text = page.content.decode()
    assert "Returned through a port of entry" in text and "Ciudad Juarez" in text
    assert "Test A" in text
    # A step the status does not allow is refused with the service's message.
    again = coordinator_client.post(
        reverse("transfers:approve", kwargs={"pk": group.pk}), follow=True
    )
    assert "this step needs it" in again.content.decode()


def test_plan_form_shows_field_errors(coordinator_client: Client, small_shelters: Any) -> None:
    response = coordinator_client.post(
        reverse("transfers:plan"), {"port": "el-paso", "target_size": "0", "stay_nights": "30"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert text.count('class="field has-error"') >= 3  # facilities, date, target size
    assert not TransferGroup.objects.exists()


def test_manifest_download_has_names_but_no_a_number(
    coordinator_client: Client, personas: Any, facility: Any, tomorrow: Any
) -> None:
    upload = SimpleUploadedFile(
        "roster.csv", (SAMPLES / "roster_sample.csv").read_bytes(), content_type="text/csv"
    )
    response = coordinator_client.post(
        reverse("transfers:roster"), {"file": upload, "facility": facility.code}
    )
    assert response.status_code == 200, response.content.decode()[-2000:]
    group = services.plan_group(
        actor=personas.coordinator, facilities=[facility], port=_port(), date=tomorrow, target_size=400,
    )  # fmt: skip
    assert group.summary["included"] >= 1
    response = coordinator_client.get(reverse("transfers:manifest_csv", kwargs={"pk": group.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="manifest-')
    content = response.content.decode("utf-8-sig")
    assert "Castillo Mejía" in content  # the household of three goes
    for a_number in ("A301-777-201", "301777201", "A301777201"):
        assert a_number not in content
    pdf = coordinator_client.get(reverse("transfers:manifest_pdf", kwargs={"pk": group.pk}))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def _port() -> Any:
    from mppdesk.places.models import Port

    return Port.objects.get(code="el-paso")


def test_roster_import_shows_each_row_error_and_writes_nothing(
    coordinator_client: Client, facility: Any
) -> None:
    upload = SimpleUploadedFile(
        "broken.csv", (SAMPLES / "roster_broken.csv").read_bytes(), content_type="text/csv"
    )
    response = coordinator_client.post(reverse("transfers:roster"), {"file": upload})
    assert response.status_code == 422
    text = response.content.decode()
    rows = re.findall(r'<tr><td class="nowrap">(\d+)</td>', text)
    assert {"2", "3", "4"} <= set(rows)
    assert "Nothing was written" in text
    assert not Person.objects.exists()


def test_roster_dry_run_counts_without_writing(coordinator_client: Client, facility: Any) -> None:
    upload = SimpleUploadedFile(
        "roster.csv", (SAMPLES / "roster_sample.csv").read_bytes(), content_type="text/csv"
    )
    response = coordinator_client.post(
        reverse("transfers:roster"), {"file": upload, "facility": facility.code, "dry_run": "on"}
    )
    assert response.status_code == 200
    assert 'id="created-people">10<' in response.content.decode()
    assert not Person.objects.exists()


def test_capacity_page_draws_one_point_per_night(
    coordinator_client: Client, small_shelters: Any
) -> None:
    start = timezone.localdate()
    reserve_shelter(small_shelters[0], 5, start=start + dt.timedelta(days=2), nights=3)
    response = coordinator_client.get(
        reverse("transfers:capacity"),
        {"city": "Ciudad Juarez", "start": start.isoformat(),
         "end": (start + dt.timedelta(days=9)).isoformat()},
    )  # fmt: skip
    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-nights="10"' in text
    line = re.search(r'class="capacity" points="([^"]+)"', text)
    assert line is not None and len(line.group(1).split()) == 10
    # The table has the same numbers: 10 places, 5 taken on the third night.
    assert text.count("<td>10</td><td>5</td><td>5</td>") == 3


def test_capacity_page_defaults_to_the_next_60_nights(coordinator_client: Client) -> None:
    response = coordinator_client.get(reverse("transfers:capacity"))
    assert 'data-nights="60"' in response.content.decode()


def test_capacity_page_refuses_an_end_before_the_start(coordinator_client: Client) -> None:
    response = coordinator_client.get(
        reverse("transfers:capacity"), {"start": "2026-03-10", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "<svg" not in response.content.decode()


def test_chart_never_draws_an_overbooked_night() -> None:
    points = [
        queries.CapacityPoint(
            date=dt.date(2026, 3, 1) + dt.timedelta(days=i), capacity=c, occupied=o
        )
        for i, (c, o) in enumerate([(100, 20), (100, 100), (80, 95), (0, 3)])
    ]
    geo = chart_geometry(points)
    assert len(geo["capacity"]) == len(points) == len(geo["occupied"])
    for (cx, cy), (ox, oy) in zip(geo["capacity"], geo["occupied"], strict=True):
        assert cx == ox
        assert oy >= cy  # screen y grows downwards: taken is never above the places
    svg = str(capacity_chart_svg(points))
    assert svg.startswith("<svg") and 'data-nights="4"' in svg
    assert "<script" not in svg and "style=" not in svg  # CSP: no inline script or style
    assert svg.count('class="night"') == 4


def test_shelter_capacity_edit_and_refusal_below_places_taken(
    coordinator_client: Client, small_shelters: Any
) -> None:
    url = reverse("transfers:shelter_edit", kwargs={"code": "t-a"})
    response = coordinator_client.post(url, {"capacity": "8", "capacity_note": "", "active": "on"})
    assert response.status_code == 302
    assert Shelter.objects.get(code="t-a").capacity == 8
    reserve_shelter(Shelter.objects.get(code="t-a"), 7, start=timezone.localdate(), nights=2)
    response = coordinator_client.post(url, {"capacity": "5", "active": "on"})
    assert response.status_code == 400
    assert "already placed" in response.content.decode()
    assert Shelter.objects.get(code="t-a").capacity == 8


def test_person_page_shows_the_movement_panel(
    coordinator_client: Client, caseworker_client: Client, planned: Any
) -> None:
    group, family = planned
    url = reverse("people:detail", kwargs={"pk": family[0].pk})
    timeline = reverse("transfers:timeline", kwargs={"pk": family[0].pk})
    text = coordinator_client.get(url).content.decode()
    assert 'id="h-movements"' in text and "Screened" in text and timeline in text
    # A case worker reads the person, so the panel, but has no transfer pages.
    text = caseworker_client.get(url).content.decode()
    assert 'id="h-movements"' in text and timeline not in text


@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [("en", "Transfer groups", "Plan a group"), ("es", "Grupos de traslado", "Planear un grupo")],
)
def test_pages_in_spanish_and_english(
    coordinator_client: Client, planned: Any, language: str, heading: str, button: str
) -> None:
    group, _family = planned
    response = coordinator_client.get(reverse("transfers:groups"), HTTP_ACCEPT_LANGUAGE=language)
    text = response.content.decode()
    assert heading in text and button in text
    page = coordinator_client.get(
        reverse("transfers:group", kwargs={"pk": group.pk}), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    expected = "Left out, by rule" if language == "en" else "Excluidos, por regla"
    assert expected in page


def test_chart_end_dates_stay_inside_the_svg() -> None:
    from types import SimpleNamespace

    day = dt.date(2026, 12, 1)
    points = [
        SimpleNamespace(date=day + dt.timedelta(days=n), capacity=100, occupied=10, free=90)
        for n in range(60)
    ]
    svg = str(capacity_chart_svg(points))
    anchors = re.findall(r'<text x="[^"]+" y="[^"]+" text-anchor="(\w+)" font-size="11"', svg)
    # three y-axis ticks (end), then the first, middle and last night
    assert anchors[-3:] == ["start", "middle", "end"]


def test_manifest_pdf_shows_long_facility_and_shelter_names_whole(
    coordinator_client: Client, personas: Any, facility: Any, tomorrow: Any
) -> None:
    """The transport crew reads where to stop off the PDF: no column may be cut."""
    from mppdesk.hearings.pdf.tests.pdftext import text as pdf_text

    upload = SimpleUploadedFile(
        "roster.csv", (SAMPLES / "roster_sample.csv").read_bytes(), content_type="text/csv"
    )
    response = coordinator_client.post(
        reverse("transfers:roster"), {"file": upload, "facility": facility.code}
    )
    assert response.status_code == 200
    long_facility = "Centro de Procesamiento de Inmigración del Condado de El Paso, Edificio Norte"
    type(facility).objects.filter(pk=facility.pk).update(name=long_facility)
    group = services.plan_group(
        actor=personas.coordinator, facilities=[facility], port=_port(), date=tomorrow, target_size=400,
    )  # fmt: skip
    member = group.members.filter(included=True, shelter__isnull=False).first()
    assert member is not None and member.shelter is not None
    pdf = coordinator_client.get(reverse("transfers:manifest_pdf", kwargs={"pk": group.pk}))
    text = pdf_text(pdf.content)
    assert long_facility in text
    assert member.shelter.name in text
    assert "Castillo Mejía" in text
