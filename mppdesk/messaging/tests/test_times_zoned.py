"""The message pages show every time on the clock of its place, with the place's name:
a message's times (created, each status) where the person waits, a hearing's time in
its court's zone. No time appears without its zone, in Spanish as in English."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mppdesk.messaging.tests.test_web_support import Scene, client_for, message_to
from mppdesk.testing.times import bare_times, zoned_times

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(personas: Any) -> Scene:
    return Scene.build(personas)


@pytest.fixture
def waiting(scene: Scene) -> Any:
    """A case at El Paso (court in Mountain Time, port in Ciudad Juárez) with a hearing
    and a message about it; nothing delivered, so the person is also at risk."""
    case = scene.case()
    message = message_to(case, hearing=scene.hearing(case))
    return case, message


def _page(scene: Scene, url: str, language: str = "es") -> str:
    response = client_for(scene.personas.caseworker, language).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_message_history_in_spanish_names_the_zone_of_every_time(
    scene: Scene, waiting: Any
) -> None:
    case, _message = waiting
    html = _page(scene, reverse("messaging:person", kwargs={"pk": case.lead.pk}))
    zoned = zoned_times(html)
    assert len(zoned) >= 2  # created, and the "queued" event
    assert all("(hora de Ciudad Juárez)" in time for time in zoned)
    assert bare_times(html) == []


def test_message_timeline_in_spanish_names_the_zone_of_every_time(
    scene: Scene, waiting: Any
) -> None:
    _case, message = waiting
    url = reverse("messaging:timeline", kwargs={"pk": message.pk})
    html = _page(scene, url)
    assert zoned_times(html) and all("hora de Ciudad Juárez" in t for t in zoned_times(html))
    assert "Todas las horas: hora de Ciudad Juárez." in html
    assert bare_times(html) == []
    fragment = client_for(scene.personas.caseworker, "es").get(url, HTTP_HX_REQUEST="true")
    assert bare_times(fragment.content.decode()) == []
    assert "hora de Ciudad Juárez" in fragment.content.decode()


def test_at_risk_list_shows_hearings_in_the_courts_named_zone(scene: Scene, waiting: Any) -> None:
    html = _page(scene, reverse("messaging:at_risk"))
    zoned = zoned_times(html)
    assert zoned and all("(hora de la montaña)" in time for time in zoned)
    assert bare_times(html) == []
    english = _page(scene, reverse("messaging:at_risk"), "en")
    assert all("(Mountain Time)" in time for time in zoned_times(english))
    assert bare_times(english) == []


def test_person_page_message_panel_names_the_zone(scene: Scene, waiting: Any) -> None:
    case, _message = waiting
    html = _page(scene, reverse("people:detail", kwargs={"pk": case.lead.pk}))
    assert any("(hora de Ciudad Juárez)" in time for time in zoned_times(html))


@pytest.mark.parametrize(("language", "name"), [("es", "Español"), ("en", "Spanish")])
def test_message_history_names_the_language_not_its_code(
    scene: Scene, waiting: Any, language: str, name: str
) -> None:
    case, message = waiting
    assert message.language == "es"
    html = _page(scene, reverse("messaging:person", kwargs={"pk": case.lead.pk}), language)
    assert f'<td class="optional">{name}</td>' in html
    assert '<td class="optional">es</td>' not in html
