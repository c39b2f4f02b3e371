"""Bugs met walking through issue 6 as a new user (Spanish interface)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mppdesk.accounts.testing import verified_login
from mppdesk.transfers import services
from mppdesk.transfers.tests.conftest import detain

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish_client(personas: Any, settings: Any) -> Client:
    settings.LANGUAGE_CODE = "es"
    return verified_login(Client(HTTP_ACCEPT_LANGUAGE="es"), personas.coordinator)


@pytest.fixture
def group(personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: Any) -> Any:
    detain(personas.org, facility, 1, flags=[["criminal_history"]])
    detain(personas.org, facility, 2, vulnerabilities=[[], ["pregnant"]])
    detain(personas.org, facility, 2)
    return services.plan_group(
        actor=personas.coordinator, facilities=[facility], port=port, date=tomorrow,
        target_size=50, version="2021",
    )  # fmt: skip


def test_exclusion_reasons_are_in_the_readers_language(spanish_client: Client, group: Any) -> None:
    page = spanish_client.get(reverse("transfers:group", kwargs={"pk": group.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    # The screening engine's English sentence was shown per person before.
    assert "Criminals or people with a history of violence are not amenable." not in html
    assert html.count("antecedentes de violencia no son elegibles") >= 2  # summary + person
    assert "Pregnant women are not amenable." not in html


def test_kept_with_household_reason_names_the_result_in_words(
    personas: Any, facility: Any, port: Any, small_shelters: Any, tomorrow: Any
) -> None:
    # Planned by a Spanish-speaking coordinator, the reason read "otro integrante está en
    # exempt": the engine's code was put into the sentence.
    detain(personas.org, facility, 2, vulnerabilities=[[], ["pregnant"]])
    with translation.override("es"):
        planned = services.plan_group(
            actor=personas.coordinator, facilities=[facility], port=port, date=tomorrow,
            target_size=50, version="2021",
        )  # fmt: skip
    reasons = [m.reason for m in planned.members.all() if m.rule == "household_review"]
    assert reasons == [
        "Se queda con su hogar: otro integrante está exento (regla 2021.pregnant); "
        "una familia nunca se separa."
    ]


def test_group_status_is_not_taken_from_the_messages_catalogue(
    spanish_client: Client, group: Any
) -> None:
    # "Planned" is also a message status ("Programado") in the messaging catalogue,
    # which comes first in INSTALLED_APPS: a planned group showed as "Programado".
    detail = spanish_client.get(reverse("transfers:group", kwargs={"pk": group.pk}))
    assert '<span class="badge" id="group-status">Planeado</span>' in detail.content.decode()
    listing = spanish_client.get(reverse("transfers:groups")).content.decode()
    assert ">Planeado</span>" in listing
    assert ">Cancelado</a>" in listing and "Cancelada" not in listing
