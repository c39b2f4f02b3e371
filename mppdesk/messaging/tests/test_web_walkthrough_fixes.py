"""Bugs met walking through issue 5 as a new user: the message history's wording."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mppdesk.messaging.tests.test_web_support import Scene, client_for, message_to

pytestmark = pytest.mark.django_db


def test_history_names_reminder_rules_in_words_and_explains_the_zones(personas: Any) -> None:
    scene = Scene.build(personas)
    case = scene.case()
    hearing = scene.hearing(case)
    reminder = message_to(case, hearing=hearing)
    reminder.rule = "7d"
    reminder.save(update_fields=["rule"])
    message_to(case)  # no hearing: its time is in the server's zone, labelled
    html = (
        client_for(scene.personas.caseworker)
        .get(reverse("messaging:person", kwargs={"pk": case.lead.pk}))
        .content.decode()
    )
    assert "(7 days before)" in html and "(7d)" not in html
    # It said every time was the hearing port's, next to a time shown in UTC.
    assert "Times in the local time of the hearing" not in html
    assert "the zone follows each time" in html
