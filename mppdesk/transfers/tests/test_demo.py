from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mppdesk.accounts.models import Organization
from mppdesk.places.models import DetentionFacility, Port
from mppdesk.transfers import demo, services
from mppdesk.transfers.models import Detention

pytestmark = pytest.mark.django_db


def test_demo_roster_is_detained_at_el_paso_once_and_plannable(tomorrow: dt.date) -> None:
    org = Organization.objects.create(name="Demo", slug=demo.DEMO_ORG, kind="coordinator")
    result = demo.add_demo_transfers()
    assert result is not None and len(result.people) == 60
    assert demo.add_demo_transfers() is None
    assert Detention.objects.filter(organization=org).count() == 60
    group = services.plan_group(
        actor=None, organization=org, port=Port.objects.get(code="el-paso"), date=tomorrow,
        facilities=[DetentionFacility.objects.get(code=demo.DEMO_FACILITY)], target_size=40,
    )  # fmt: skip
    summary: dict[str, Any] = group.summary
    assert summary["candidates"] == 60
    assert 0 < summary["included"] <= 40
