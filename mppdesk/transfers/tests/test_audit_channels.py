"""The same read through the web and the API writes the same audit entry (issue 12).

The read owns its audit entry (``transfers.queries.get_movements_for_view``): the web page
once filed a person's movements as "movements" and the API as "person".
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient
from mppdesk.audit.models import AuditEntry
from mppdesk.transfers.tests.conftest import detain

pytestmark = pytest.mark.django_db

SAME = ("actor_id", "organization_id", "action", "object_type", "object_id", "fields")


def _last() -> dict[str, Any]:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return {name: getattr(entry, name) for name in SAME}


def test_movements_read_is_the_same_entry_on_web_and_api(
    personas: Any, facility: Any, coordinator_client: Client
) -> None:
    person = detain(personas.org, facility, 2)[0]
    web = coordinator_client.get(reverse("transfers:timeline", kwargs={"pk": person.pk}))
    assert web.status_code == 200
    on_web = _last()
    _token, secret = create_api_token(actor=None, user=personas.coordinator, name="test")
    api = ApiClient(secret).get(f"/api/v1/transfers/people/{person.pk}/movements")
    assert api.status_code == 200, api.content
    on_api = _last()
    assert on_web == on_api
    assert on_web["object_type"] == "person" and on_web["fields"] == ["movements"]
    assert on_web["object_id"] == str(person.pk)
    assert on_web["organization_id"] == person.organization_id


def test_a_refused_read_writes_nothing(personas: Any, facility: Any) -> None:
    """A token whose organization may not see the person: 404 and no audit entry."""
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    person = detain(personas.org, facility, 1)[0]
    stranger = UserFactory(username="stranger.coordinator")
    MembershipFactory(user=stranger, role="coordinator")
    before = AuditEntry.objects.count()
    _token, secret = create_api_token(actor=None, user=stranger, name="test")
    response = ApiClient(secret).get(f"/api/v1/transfers/people/{person.pk}/movements")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(object_id=str(person.pk), action="view").count() == 0
    assert AuditEntry.objects.count() >= before


def test_case_read_is_the_same_entry_on_web_and_api(
    personas: Any, caseworker_client: Client
) -> None:
    """Filed under the case's owning organization on both channels (the API once used the
    token's organization, so the owner's auditor missed a partner's reads)."""
    from mppdesk.testing.factories import CaseFactory

    case = CaseFactory(organization=personas.org)
    web = caseworker_client.get(reverse("cases:detail", kwargs={"pk": case.pk}))
    assert web.status_code == 200
    on_web = _last()
    _token, secret = create_api_token(actor=None, user=personas.caseworker, name="test")
    api = ApiClient(secret).get(f"/api/v1/cases/{case.pk}")
    assert api.status_code == 200, api.content
    on_api = _last()
    assert on_web == on_api
    assert on_web["object_type"] == "case" and on_web["object_id"] == str(case.pk)
    assert on_web["organization_id"] == case.organization_id
