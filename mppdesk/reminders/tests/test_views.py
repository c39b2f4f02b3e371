"""The hearing page shows the hearing's messages (masked recipient), and only to those
who may read the hearing."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from mppdesk.hearings.tests.conftest import future_day
from mppdesk.reminders.templatetags.reminders import masked
from mppdesk.reminders.tests.conftest import make_docket, reachable_case, schedule


def test_the_hearing_page_lists_its_messages_with_masked_recipients(
    personas: Any, caseworker_client: Client, el_paso: Any, juarez: Any
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez)
    hearing = schedule(personas.coordinator, case, make_docket(el_paso, future_day()))
    phone = case.lead.contact_points.get().value
    caseworker_client.cookies["django_language"] = "en"
    response = caseworker_client.get(reverse("hearings:detail", kwargs={"pk": hearing.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="h-messages"' in page
    assert page.count("Reminder</td>") == 2 and "Hearing notice" in page
    assert "Reporting instructions" in page
    assert phone not in page and masked(phone) in page


def test_the_hearing_page_says_when_there_is_nobody_to_message(
    personas: Any, caseworker_client: Client, el_paso: Any, juarez: Any
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez, kinds=())
    hearing = schedule(personas.coordinator, case, make_docket(el_paso, future_day()))
    caseworker_client.cookies["django_language"] = "en"
    page = caseworker_client.get(reverse("hearings:detail", kwargs={"pk": hearing.pk})).content
    assert b"No messages for this hearing" in page


def test_an_outsider_gets_404_for_the_hearing_page_with_messages(
    personas: Any, outsider_client: Client, el_paso: Any, juarez: Any
) -> None:
    case = reachable_case(personas.org, venue=el_paso, port=juarez)
    hearing = schedule(personas.coordinator, case, make_docket(el_paso, future_day()))
    response = outsider_client.get(reverse("hearings:detail", kwargs={"pk": hearing.pk}))
    assert response.status_code == 404


def test_masking_keeps_only_the_end() -> None:
    assert masked("+526561234567") == "•••• 4567"
    assert masked("ana@example.org") == "a•••@example.org"
    assert masked("123") == "••••"
