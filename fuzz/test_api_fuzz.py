"""Exploratory."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from mppdesk.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

SECRET: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from mppdesk.accounts.models import Membership, Organization
    from mppdesk.accounts.services import create_api_token
    from mppdesk.people.demo import load_demo
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    with django_db_blocker.unblock():
        load_demo(people=40, households=12, detained=10)
        org = Organization.objects.get(slug="demo-legal-aid")
        user = UserFactory(username="fuzz")
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        _t, secret = create_api_token(actor=None, user=user, name="fuzz")
        SECRET["token"] = secret


@schema.parametrize()
@settings(max_examples=15, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
@pytest.mark.django_db
def test_api(case):  # type: ignore[no-untyped-def]
    case.call_and_validate(
        headers={"Authorization": f"Bearer {SECRET['token']}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
