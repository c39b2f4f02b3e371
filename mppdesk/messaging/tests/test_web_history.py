"""Message history: the panel on the person page, the full page and the timeline."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mppdesk.messaging.models import Message, MessageEvent, MessageStatus
from mppdesk.messaging.templatetags.messaging_ui import PANEL_SIZE
from mppdesk.messaging.tests.test_web_support import (
    Scene,
    analyst,
    client_for,
    message_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(personas: Any) -> Scene:
    return Scene.build(personas)


def test_person_page_shows_the_message_panel_with_masked_recipient(scene: Scene) -> None:
    case = scene.case()
    hearing = scene.hearing(case)
    message = message_to(case, hearing=hearing, status=MessageStatus.UNDELIVERABLE)
    message.error_code = "30005"
    message.save(update_fields=["error_code"])
    number = str(scene.phone(case).value)
    response = client_for(scene.personas.caseworker).get(
        reverse("people:detail", kwargs={"pk": case.lead.pk})
    )
    assert response.status_code == 200
    html = response.content.decode()
    panel = html[html.index('id="messages-panel"') :]
    panel = panel[: panel.index("</section>")]
    assert f"•••• {number[-4:]}" in panel
    assert number not in panel  # only the last 4 digits
    assert "Undeliverable" in panel and "30005" in panel
    assert reverse("messaging:send", kwargs={"pk": case.lead.pk}) in panel


def test_person_page_reads_the_hearings_of_its_messages_in_a_fixed_number_of_queries(
    scene: Scene,
) -> None:
    """The panel's hearings (their date, link and local time) come in one query for all
    the messages, not one per message, and not joined into the messages' own query."""
    case = scene.case()
    hearing = scene.hearing(case)
    message_to(case, hearing=hearing)
    client = client_for(scene.personas.caseworker)
    url = reverse("people:detail", kwargs={"pk": case.lead.pk})
    client.get(url)

    def page() -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return response.content.decode(), [q["sql"] for q in queries.captured_queries]

    _, one = page()
    # A full panel (scheduling may have queued a message of its own): past it, the
    # page also counts the messages.
    while Message.objects.filter(person=case.lead).count() < PANEL_SIZE:
        message_to(case, hearing=hearing)
    html, ten = page()
    assert len(ten) == len(one)
    panel = html[html.index('id="messages-panel"') :]
    panel = panel[: panel.index("</section>")]
    with_hearing = Message.objects.filter(person=case.lead, hearing=hearing).count()
    assert with_hearing >= PANEL_SIZE - 1
    assert panel.count(reverse("hearings:detail", kwargs={"pk": hearing.pk})) == with_hearing
    messages_query = next(sql for sql in ten if 'FROM "messaging_message"' in sql)
    assert "hearings_hearing" not in messages_query


def test_history_page_lists_newest_first_with_timeline(scene: Scene) -> None:
    case = scene.case()
    first = message_to(case)
    second = message_to(case, status=MessageStatus.DELIVERED)
    MessageEvent.objects.create(
        message=second, status=MessageStatus.DELIVERED, at=second.created_at
    )
    response = client_for(scene.personas.caseworker).get(
        reverse("messaging:person", kwargs={"pk": case.lead.pk})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f"message-{second.pk}") < html.index(f"message-{first.pk}")
    assert f'id="timeline-{second.pk}"' in html
    assert "Delivered" in html


def test_timeline_fragment_for_htmx(scene: Scene) -> None:
    message = message_to(scene.case())
    url = reverse("messaging:timeline", kwargs={"pk": message.pk})
    client = client_for(scene.personas.caseworker)
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content and b"Queued" in fragment.content
    page = client.get(url)
    assert page.status_code == 200 and b"<html" in page.content


def test_outsider_gets_404_on_history_and_timeline(scene: Scene) -> None:
    case = scene.case()
    message = message_to(case)
    client = client_for(scene.personas.outsider)
    assert client.get(reverse("messaging:person", kwargs={"pk": case.lead.pk})).status_code == 404
    assert client.get(reverse("messaging:timeline", kwargs={"pk": message.pk})).status_code == 404


def test_analyst_cannot_read_history(scene: Scene) -> None:
    case = scene.case()
    message = message_to(case)
    client = client_for(analyst(scene.personas.org))
    assert client.get(reverse("messaging:person", kwargs={"pk": case.lead.pk})).status_code == 403
    assert client.get(reverse("messaging:timeline", kwargs={"pk": message.pk})).status_code == 403


@pytest.mark.parametrize(
    ("language", "heading", "status"),
    [("es", "Mensajes a", "En cola"), ("en", "Messages to", "Queued")],
)
def test_history_page_in_spanish_and_english(
    scene: Scene, language: str, heading: str, status: str
) -> None:
    case = scene.case()
    message_to(case)
    response = client_for(scene.personas.caseworker, language).get(
        reverse("messaging:person", kwargs={"pk": case.lead.pk})
    )
    html = response.content.decode()
    assert heading in html
    assert status in html
