"""Second walkthrough of issue 6: the planner link of a roster names every facility of
the file, the Spanish movement label is not masculine, and a group cannot be marked
departed or arrived before its transfer date."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from mppdesk.core.errors import FieldErrors
from mppdesk.places.models import DetentionFacility
from mppdesk.transfers import services
from mppdesk.transfers.models import GroupStatus, MovementEvent, MovementKind, TransferGroup
from mppdesk.transfers.tests.conftest import detain

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"
EL_PASO = "El Paso Service Processing Center"
OTERO = "Otero County Processing Center"


def _plan(personas: Any, facility: Any, port: Any, day: dt.date) -> TransferGroup:
    return services.plan_group(
        actor=personas.coordinator, facilities=[facility], port=port, date=day,
        target_size=50, version="2021",
    )  # fmt: skip


# --- roster -> planner --------------------------------------------------------------------


def test_roster_link_preselects_every_facility_of_the_imported_rows(
    coordinator_client: Client,
) -> None:
    lines = (SAMPLES / "roster_sample.csv").read_text(encoding="utf-8").splitlines()
    lines[-1] = lines[-1].replace(EL_PASO, OTERO)  # one person is held at Otero
    upload = SimpleUploadedFile(
        "roster.csv", ("\n".join(lines) + "\n").encode(), content_type="text/csv"
    )
    response = coordinator_client.post(reverse("transfers:roster"), {"file": upload})
    assert response.status_code == 200, response.content.decode()[-2000:]
    html = response.content.decode()
    plan_url = reverse("transfers:plan")
    link = re.search(rf'<a class="btn" href="({re.escape(plan_url)}[^"]*)"', html)
    assert link is not None
    url = unescape(link.group(1))
    codes = {DetentionFacility.objects.get(name=name).code for name in (EL_PASO, OTERO)}
    assert url.startswith(plan_url + "?")
    assert set(re.findall(r"facility=([\w-]+)", url)) == codes
    planner = coordinator_client.get(url).content.decode()
    for code in codes:
        assert re.search(rf'<input[^>]*value="{code}"[^>]*checked', planner), code


# --- the Spanish movement label -----------------------------------------------------------


def test_detained_movement_label_is_neutral_in_spanish() -> None:
    with translation.override("es"):
        label = str(MovementKind.DETAINED.label)
    assert label == "En detención en un centro"


# --- departure and arrival dates ----------------------------------------------------------


def test_a_group_of_tomorrow_cannot_be_marked_departed_yet(
    personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: dt.date
) -> None:
    detain(personas.org, facility, 2)
    group = services.approve_group(
        actor=personas.coordinator, group=_plan(personas, facility, port, tomorrow)
    )
    with pytest.raises(FieldErrors) as exc:
        services.depart_group(actor=personas.coordinator, group=group)
    assert list(exc.value.errors) == ["date"]
    assert tomorrow.isoformat() in exc.value.errors["date"][0]
    group.refresh_from_db()
    assert group.status == GroupStatus.APPROVED and group.departed_at is None


def test_a_group_of_tomorrow_cannot_be_marked_arrived_and_moves_nobody(
    personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: dt.date
) -> None:
    family = detain(personas.org, facility, 2)
    group = services.approve_group(
        actor=personas.coordinator, group=_plan(personas, facility, port, tomorrow)
    )
    # Departed by an older version (or by hand): arrival is still refused ahead of time.
    TransferGroup.objects.filter(pk=group.pk).update(status=GroupStatus.DEPARTED)
    with pytest.raises(FieldErrors) as exc:
        services.arrive_group(actor=personas.coordinator, group=group)
    assert list(exc.value.errors) == ["date"]
    assert not MovementEvent.objects.filter(
        person=family[0], kind__in=[MovementKind.RETURNED, MovementKind.AT_SHELTER]
    ).exists()


def test_arrival_movements_are_dated_when_the_arrival_is_recorded(
    personas: Any, facility: Any, port: Any, small_shelters: Any
) -> None:
    # Before, the events were dated "today" whatever the day; now they carry the moment
    # the arrival is recorded.
    day = timezone.localdate()
    family = detain(personas.org, facility, 2)
    group = services.approve_group(
        actor=personas.coordinator, group=_plan(personas, facility, port, day)
    )
    services.depart_group(actor=personas.coordinator, group=group)
    before = timezone.now()
    group = services.arrive_group(actor=personas.coordinator, group=group)
    after = timezone.now()
    events = MovementEvent.objects.filter(
        person=family[0], kind__in=[MovementKind.RETURNED, MovementKind.AT_SHELTER]
    )
    assert events.count() == 2
    assert all(before <= e.at <= after + dt.timedelta(seconds=1) for e in events)
    assert group.arrived_at is not None and before <= group.arrived_at <= after


def test_arrival_time_given_must_be_on_or_after_the_transfer_date(
    personas: Any, facility: Any, port: Any, small_shelters: Any, today: dt.date
) -> None:
    detain(personas.org, facility, 1)
    group = services.approve_group(
        actor=personas.coordinator, group=_plan(personas, facility, port, today)
    )
    services.depart_group(actor=personas.coordinator, group=group)
    for at in (timezone.now() - dt.timedelta(days=2), timezone.now() + dt.timedelta(days=1)):
        with pytest.raises(FieldErrors) as exc:
            services.arrive_group(actor=personas.coordinator, group=group, at=at)
        assert list(exc.value.errors) == ["date"]
    group.refresh_from_db()
    assert group.status == GroupStatus.DEPARTED


def test_group_page_shows_why_departure_is_refused(
    coordinator_client: Client,
    personas: Any,
    facility: Any,
    port: Any,
    small_shelters: Any,
    tomorrow: dt.date,
) -> None:
    detain(personas.org, facility, 1)
    group = services.approve_group(
        actor=personas.coordinator, group=_plan(personas, facility, port, tomorrow)
    )
    coordinator_client.cookies["django_language"] = "en"
    response = coordinator_client.post(
        reverse("transfers:depart", kwargs={"pk": group.pk}), follow=True
    )
    assert "can be marked departed from that day on" in response.content.decode()
    coordinator_client.cookies["django_language"] = "es"
    response = coordinator_client.post(
        reverse("transfers:depart", kwargs={"pk": group.pk}), follow=True
    )
    assert "se puede marcar como salido a partir de ese día" in response.content.decode()
    group.refresh_from_db()
    assert group.status == GroupStatus.APPROVED
