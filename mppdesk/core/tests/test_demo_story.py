"""The demo tells one coherent story (issue 13): outcomes have their hearings, timelines
start when the case was opened, transfer groups in every state, a committed and an open
schedule proposal, dockets this week, and the no-contact list inside the at-risk list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from mppdesk.accounts.models import User
from mppdesk.accounts.testing import verified_login
from mppdesk.cases.models import Case, CaseEvent, CaseStatus
from mppdesk.core.registry import demo_loaders
from mppdesk.hearings.models import (
    Docket,
    Hearing,
    HearingStatus,
    InAbsentiaFollowUp,
    Outcome,
    ScheduleProposal,
)
from mppdesk.hearings.times import utc_today
from mppdesk.people import demo
from mppdesk.transfers.models import GroupStatus, TransferGroup

pytestmark = pytest.mark.django_db

DECISIONS = {
    Outcome.RELIEF_GRANTED,
    Outcome.REMOVAL_ORDERED,
    Outcome.TERMINATED,
    Outcome.DISMISSED,
    Outcome.VOLUNTARY_DEPARTURE,
}


@pytest.fixture
def story() -> demo.DemoResult:
    return demo.load_demo(people=110, households=50, seed=11, detained=45)


def test_every_app_registers_its_demo_loader_in_order() -> None:
    names = [loader.name for loader in demo_loaders]
    assert names[0] == "people" and names[-1] == "timeline"
    assert {"sharing", "hearings", "transfers", "assistance", "incidents", "casework"} <= set(names)
    assert names.index("hearings") < names.index("casework")


def test_every_outcome_has_the_hearing_behind_it(story: Any) -> None:
    past = Case.objects.exclude(program_version="current")
    assert past.filter(status=CaseStatus.IN_ABSENTIA).exists()
    assert past.filter(status__in=[CaseStatus.DECIDED, CaseStatus.CLOSED]).exists()
    for case in Case.objects.filter(status=CaseStatus.IN_ABSENTIA):
        held = Hearing.objects.filter(
            case=case, status=HearingStatus.HELD, outcome=Outcome.REMOVAL_IN_ABSENTIA
        )
        assert held.exists(), case.program_version
        assert InAbsentiaFollowUp.objects.filter(hearing__in=held).exists()
    for case in Case.objects.filter(status__in=[CaseStatus.DECIDED, CaseStatus.CLOSED]):
        assert Hearing.objects.filter(case=case, outcome__in=DECISIONS).exists()
    for follow_up in InAbsentiaFollowUp.objects.select_related("hearing__docket"):
        assert follow_up.hearing.status == HearingStatus.HELD
    for hearing in Hearing.objects.select_related("case", "docket"):
        assert hearing.docket.date >= hearing.case.opened_on


def test_timelines_start_on_the_day_the_case_was_opened(story: Any) -> None:
    now = timezone.now()
    for case in Case.objects.all():
        events = list(CaseEvent.objects.filter(case=case).order_by("id"))
        opened = [e for e in events if e.kind == CaseEvent.Kind.OPENED]
        assert len(opened) == 1
        assert timezone.localdate(opened[0].occurred_at) == case.opened_on
        times = [e.occurred_at for e in events]
        assert times == sorted(times), "events in the order they happened"
        assert all(opened[0].occurred_at <= t <= now for t in times)
    old = Case.objects.filter(program_version="2019").first()
    assert old is not None
    first = CaseEvent.objects.filter(case=old).order_by("occurred_at").first()
    assert first is not None and first.occurred_at.year == old.opened_on.year < 2022


def test_one_transfer_group_in_each_state(story: Any) -> None:
    statuses = set(TransferGroup.objects.values_list("status", flat=True))
    assert statuses == set(GroupStatus.values)
    for status in GroupStatus.values:
        assert TransferGroup.objects.filter(status=status).count() == 1


def test_a_committed_and_an_open_schedule_proposal(story: Any) -> None:
    statuses = list(ScheduleProposal.objects.values_list("status", flat=True))
    assert sorted(statuses) == ["committed", "proposed"]
    committed = ScheduleProposal.objects.get(status="committed")
    assert Hearing.objects.filter(case__in=committed.items.values("case")).exists()


def test_the_docket_page_opens_on_a_week_with_hearings(story: Any) -> None:
    today = utc_today()
    monday = today - dt.timedelta(days=today.weekday())
    week = (monday, monday + dt.timedelta(days=6))
    assert Hearing.objects.filter(docket__date__range=week).exists()
    client = verified_login(Client(), User.objects.get(username="coordinator"))
    response = client.get("/hearings/dockets/")
    assert response.status_code == 200
    venue = response.context["venue"]
    assert Docket.objects.filter(venue=venue, date__range=week).exists()


def test_no_contact_hearings_are_all_on_the_at_risk_list(story: Any) -> None:
    from mppdesk.hearings.queries import without_confirmed_contact
    from mppdesk.messaging.queries import at_risk

    listed = 0
    for username in ("caseworker.legal", "caseworker.shelter", "coordinator"):
        user = User.objects.get(username=username)
        no_contact = set(without_confirmed_contact(user).values_list("pk", flat=True))
        risky = {row.hearing.pk for row in at_risk(user)}
        assert no_contact <= risky, username
        listed += len(risky)
    assert listed


@pytest.mark.parametrize(
    ("url", "other", "sentence"),
    [
        (
            "/hearings/no-contact/",
            "/messages/at-risk/",
            "también en la lista de personas en riesgo",
        ),
        (
            "/messages/at-risk/",
            "/hearings/no-contact/",
            "Las audiencias sin contacto confirmado son la parte de esta lista",
        ),
    ],
)
def test_each_list_says_how_it_differs_from_the_other_in_spanish(
    story: Any, url: str, other: str, sentence: str
) -> None:
    client = verified_login(Client(), User.objects.get(username="caseworker.legal"))
    with translation.override("es"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    body = response.content.decode()
    assert response.status_code == 200
    assert sentence in body
    assert f'href="{other}"' in body
