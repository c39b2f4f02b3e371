"""People whose court documents were stolen or photographed are on the at-risk list."""

from __future__ import annotations

from typing import Any

import pytest

from mppdesk.cases.exposure import flag_document_exposure
from mppdesk.messaging import queries
from mppdesk.messaging.models import MessageStatus
from mppdesk.messaging.tests.test_web_support import Scene, message_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(personas: Any) -> Scene:
    return Scene.build(personas)


def test_an_exposed_case_is_at_risk_even_when_reached(scene: Scene) -> None:
    case = scene.case()
    hearing = scene.hearing(case)
    message_to(case, hearing=hearing, status=MessageStatus.DELIVERED)
    user = scene.personas.caseworker
    assert [r.person.pk for r in queries.at_risk(user)] == []
    flag_document_exposure(case, actor=user, reason="document_photographed")
    rows = queries.at_risk(user)
    assert [(r.person.pk, r.reasons) for r in rows] == [(case.lead.pk, ["documents_exposed"])]
    assert queries.at_risk(user, reason="documents_exposed")
    assert queries.at_risk(scene.personas.outsider) == []
