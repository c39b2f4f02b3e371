"""The at-risk list: who may not hear about a hearing in the next 14 days, and why."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mppdesk.messaging import queries
from mppdesk.messaging.tests.test_web_support import (
    DELIVERED,
    Scene,
    analyst,
    client_for,
    message_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(personas: Any) -> Scene:
    return Scene.build(personas)


def _reasons(user: Any, **filters: Any) -> dict[Any, list[str]]:
    return {row.person.pk: row.reasons for row in queries.at_risk(user, **filters)}


def test_reasons(scene: Scene) -> None:
    reached = scene.case()
    message_to(reached, hearing=scene.hearing(reached), status=DELIVERED)
    waiting = scene.case()
    scene.hearing(waiting)
    opted = scene.case()
    scene.phone(opted).__class__.objects.filter(person=opted.lead).update(opted_out=True)
    scene.hearing(opted)
    invalid = scene.case(contacts=("phone", "email"))
    scene.phone(invalid).__class__.objects.filter(person=invalid.lead, kind="phone").update(
        invalid_at=timezone.now()
    )
    scene.hearing(invalid)
    nobody = scene.case(contacts=())
    scene.hearing(nobody)
    elsewhere = scene.case(org=scene.personas.other_org)
    scene.hearing(elsewhere)
    later = scene.case(contacts=())  # no hearing at all: not on the list

    found = _reasons(scene.personas.caseworker)
    assert reached.lead.pk not in found
    assert later.lead.pk not in found
    assert elsewhere.lead.pk not in found
    assert found[waiting.lead.pk] == ["not_delivered"]
    assert found[opted.lead.pk] == ["not_delivered", "opted_out", "no_contact"]
    # The e-mail address still reaches them: invalid, but not without contact.
    assert found[invalid.lead.pk] == ["not_delivered", "invalid"]
    assert found[nobody.lead.pk] == ["not_delivered", "no_contact"]
    assert set(_reasons(scene.personas.caseworker, reason="opted_out")) == {opted.lead.pk}
    assert set(_reasons(scene.personas.outsider)) == {elsewhere.lead.pk}


def test_query_count_does_not_grow_with_rows(scene: Scene) -> None:
    for _ in range(2):
        scene.hearing(scene.case())
    queries.at_risk(scene.personas.caseworker)  # the user's roles are cached after this
    with CaptureQueriesContext(connection) as few:
        assert len(queries.at_risk(scene.personas.caseworker)) == 2
    for _ in range(6):
        scene.hearing(scene.case(contacts=("phone", "whatsapp")))
    with CaptureQueriesContext(connection) as many:
        assert len(queries.at_risk(scene.personas.caseworker)) == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_page_lists_reasons_links_and_filters(
    scene: Scene, django_assert_max_num_queries: Any
) -> None:
    cases = [scene.case(contacts=()) for _ in range(5)]
    for case in cases:
        scene.hearing(case)
    reachable = scene.case()
    scene.hearing(reachable)
    client = client_for(scene.personas.caseworker)
    client.get(reverse("messaging:at_risk"))  # warm the session and permission caches
    with django_assert_max_num_queries(25):
        response = client.get(reverse("messaging:at_risk"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No reachable contact point" in html
    assert reverse("people:detail", kwargs={"pk": cases[0].lead.pk}) in html
    assert reverse("messaging:send", kwargs={"pk": reachable.lead.pk}) in html
    # Nobody to send to: no send link for the people without contact.
    assert reverse("messaging:send", kwargs={"pk": cases[0].lead.pk}) not in html
    assert reverse("hearings:no_contact") in html
    filtered = client.get(reverse("messaging:at_risk"), {"reason": "no_contact"})
    assert (
        reverse("people:detail", kwargs={"pk": reachable.lead.pk}) not in filtered.content.decode()
    )
    other_venue = client.get(reverse("messaging:at_risk"), {"venue": "san-diego-immigration-court"})
    assert reverse("people:detail", kwargs={"pk": cases[0].lead.pk}) not in (
        other_venue.content.decode()
    )


def test_outsider_sees_none_and_analyst_403(scene: Scene) -> None:
    case = scene.case(contacts=())
    scene.hearing(case)
    outsider = client_for(scene.personas.outsider).get(reverse("messaging:at_risk"))
    assert outsider.status_code == 200
    assert str(case.lead.pk) not in outsider.content.decode()
    assert (
        client_for(analyst(scene.personas.org)).get(reverse("messaging:at_risk")).status_code == 403
    )


@pytest.mark.parametrize(("language", "title"), [("es", "riesgo"), ("en", "at risk")])
def test_page_in_spanish_and_english(scene: Scene, language: str, title: str) -> None:
    response = client_for(scene.personas.caseworker, language).get(reverse("messaging:at_risk"))
    assert title in response.content.decode()
