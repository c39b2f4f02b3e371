from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mppdesk.accounts.models import Organization
from mppdesk.places.models import DetentionFacility, Port
from mppdesk.transfers import demo, services
from mppdesk.transfers.models import Detention, TransferMember

pytestmark = pytest.mark.django_db


def test_demo_roster_is_detained_at_el_paso_once_and_plannable(tomorrow: dt.date) -> None:
    org = Organization.objects.create(name="Demo", slug=demo.DEMO_ORG, kind="coordinator")
    result = demo.add_demo_transfers()
    assert result is not None and len(result.people) == 60
    assert demo.add_demo_transfers() is None
    # The roster, and two children nobody flagged: one alone, one whose mother (of the
    # same household) was released.
    assert Detention.objects.filter(organization=org, released_on__isnull=True).count() == 62
    assert Detention.objects.filter(organization=org).count() == 63
    group = services.plan_group(
        actor=None, organization=org, port=Port.objects.get(code="el-paso"), date=tomorrow,
        facilities=[DetentionFacility.objects.get(code=demo.DEMO_FACILITY)], target_size=40,
    )  # fmt: skip
    summary: dict[str, Any] = group.summary
    assert summary["candidates"] == 62
    assert 0 < summary["included"] <= 40
    assert summary["excluded_by_rule"]["2021.unaccompanied_child"] == 2
    children = TransferMember.objects.filter(group=group, rule="2021.unaccompanied_child")
    assert not children.filter(included=True).exists()
    assert {m.person.age_on(tomorrow) for m in children.select_related("person")} == {10, 12}
