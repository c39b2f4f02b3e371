"""The demo has documents, needs, referrals with follow-ups due, transport requests and
one exposed case; loading it again adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from mppdesk.assistance.demo import add_demo_assistance
from mppdesk.assistance.models import Need, PersonDocument, ServiceProvider, ServiceReferral
from mppdesk.cases.models import Case
from mppdesk.people import demo

pytestmark = pytest.mark.django_db


def test_demo_assistance(db: Any) -> None:
    demo.load_demo(people=60, households=25, seed=7)
    assert PersonDocument.objects.filter(kind="curp").exists()
    assert Need.objects.filter(kind="school").exists()
    assert ServiceReferral.objects.exists()
    assert ServiceProvider.objects.filter(organization__slug="demo-legal-aid").exists()
    assert Case.objects.filter(document_exposed_at__isnull=False).count() == 1
    assert add_demo_assistance() == 0
