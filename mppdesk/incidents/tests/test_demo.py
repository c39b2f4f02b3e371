"""The demo's incidents: an attempted kidnapping consented for reporting only (and kept),
a document theft that flags its family's case, more reports for the tallies; a monitor
organization with its login; loading again adds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mppdesk.accounts.models import Organization, User
from mppdesk.cases.models import Case
from mppdesk.incidents.demo import add_demo_incidents
from mppdesk.incidents.models import Incident
from mppdesk.people import demo

pytestmark = pytest.mark.django_db


def test_demo_incidents(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        demo.load_demo(people=80, households=32, seed=7)
    kidnapping = Incident.objects.get(kinds=["attempted_kidnapping"])
    assert {c.use for c in kidnapping.consents.all()} == {"keep", "report"}
    theft = next(i for i in Incident.objects.all() if "document_theft" in i.kinds)
    people = list(theft.people.all())
    assert people
    exposed = Case.objects.filter(
        members__person__in=people, document_exposed_at__isnull=False
    ).distinct()
    assert exposed.exists()
    assert Incident.objects.count() >= 8
    monitor = Organization.objects.get(slug="demo-monitor")
    assert monitor.kind == Organization.Kind.MONITOR
    user = User.objects.get(username="monitor")
    assert user.memberships.get().role == "analyst"
    client = Client()
    assert client.login(username="monitor", password=demo.DEMO_PASSWORD)
    assert add_demo_incidents() == 0
