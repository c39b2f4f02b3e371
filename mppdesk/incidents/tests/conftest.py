"""The assistance walkthrough's family (a shelter, ``personas.other_org``) and helpers to
record incidents for it."""

from __future__ import annotations

from typing import Any

import pytest

from mppdesk.assistance.tests.conftest import (  # noqa: F401  (fixtures)
    Family,
    family,
    legal_client,
    selfservice_settings,
    shelter_client,
)
from mppdesk.places.models import Port


def record(actor: Any, person: Any, **extra: Any) -> Any:
    from mppdesk.incidents import services

    fields: dict[str, Any] = {
        "occurred_on": "2026-01-10", "port": "el-paso", "kinds": ["extortion"],
        "perpetrator": "criminal_group", "people": [person], "narrative": "SECRET-NARRATIVE",
        "consent_method": "verbal_in_person", "uses": ["keep", "report"],
    }  # fmt: skip
    fields.update(extra)
    return services.record_incident(actor=actor, organization=person.organization, **fields)


@pytest.fixture
def el_paso(db: Any) -> Port:
    return Port.objects.get(code="el-paso")
