"""The same hearing read through the web and the API writes the same audit entries
(issue 12): the read owns its entry (``hearings.queries``: ``get_hearing_for_view``,
``hearings_shown``, ``follow_ups_shown``). The API once filed its reads under the token's
organization with other field names; now both file them under the owning organization.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient
from mppdesk.audit.models import AuditEntry
from mppdesk.hearings import hearing_services
from mppdesk.hearings import outcomes as outcome_services
from mppdesk.hearings.models import Hearing
from mppdesk.hearings.tests.conftest import make_case, make_docket

pytestmark = pytest.mark.django_db

SAME = ("actor_id", "organization_id", "action", "object_type", "object_id", "fields")


def _entries_after(seq: int) -> list[tuple[Any, ...]]:
    rows = AuditEntry.objects.filter(seq__gt=seq).order_by("object_type", "object_id")
    return [tuple(getattr(entry, name) for name in SAME) for entry in rows]


def _mark() -> int:
    last = AuditEntry.objects.order_by("-seq").first()
    return last.seq if last is not None else 0


def _both(web: Client, web_url: str, user: Any, api_url: str) -> list[tuple[Any, ...]]:
    """The audit entries written by the web page and by the API call (asserted equal)."""
    mark = _mark()
    page = web.get(web_url)
    assert page.status_code == 200
    on_web = _entries_after(mark)
    _token, secret = create_api_token(actor=None, user=user, name="test")
    mark = _mark()  # after the token's own entry
    response = ApiClient(secret).get(api_url)
    assert response.status_code == 200, response.content
    on_api = _entries_after(mark)
    assert on_web == on_api
    assert on_web
    return on_web


@pytest.fixture
def hearing(personas: Any, el_paso: Any, juarez: Any) -> Hearing:
    from django.utils import timezone

    docket = make_docket(el_paso, timezone.localdate() + dt.timedelta(days=3))
    case = make_case(personas.org, venue=el_paso, port=juarez)
    return hearing_services.schedule_hearing(actor=personas.coordinator, case=case, docket=docket)


def test_hearing_detail_is_the_same_entry_on_web_and_api(
    personas: Any, hearing: Hearing, caseworker_client: Client
) -> None:
    entries = _both(
        caseworker_client,
        reverse("hearings:detail", kwargs={"pk": hearing.pk}),
        personas.caseworker,
        f"/api/v1/hearings/{hearing.pk}",
    )
    assert [(e[1], e[2], e[3], e[4]) for e in entries] == [
        (hearing.organization_id, "view", "hearing", str(hearing.pk))
    ]


def test_upcoming_list_is_the_same_entries_on_web_and_api(
    personas: Any, hearing: Hearing, caseworker_client: Client
) -> None:
    entries = _both(
        caseworker_client,
        reverse("hearings:upcoming"),
        personas.caseworker,
        "/api/v1/hearings/upcoming?days=30",
    )
    assert [(e[1], e[2], e[3], e[4]) for e in entries] == [
        (hearing.organization_id, "view", "hearing", str(hearing.pk))
    ]


def test_docket_hearings_are_the_same_entries_on_web_and_api(
    personas: Any, hearing: Hearing, caseworker_client: Client
) -> None:
    entries = _both(
        caseworker_client,
        reverse("hearings:docket", kwargs={"pk": hearing.docket_id}),
        personas.caseworker,
        f"/api/v1/dockets/{hearing.docket_id}/hearings",
    )
    assert [(e[1], e[2], e[3], e[4]) for e in entries] == [
        (hearing.organization_id, "view", "hearing", str(hearing.pk))
    ]


def test_follow_up_list_is_the_same_entries_on_web_and_api(
    personas: Any, el_paso: Any, juarez: Any, caseworker_client: Client
) -> None:
    from django.utils import timezone

    docket = make_docket(el_paso, timezone.localdate() - dt.timedelta(days=7))
    case = make_case(personas.org, venue=el_paso, port=juarez)
    past = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket, allow_past=True
    )
    outcome_services.record_outcome(
        actor=personas.caseworker, hearing=past, outcome="failed_to_appear", in_absentia_order=True
    )
    entries = _both(
        caseworker_client,
        reverse("hearings:follow_ups"),
        personas.caseworker,
        "/api/v1/hearings/follow-ups",
    )
    assert [(e[1], e[2], e[3]) for e in entries] == [
        (past.organization_id, "view", "in_absentia_follow_up")
    ]
