"""System tasks: made once per thing, by the periodic refresh and by signals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import timezone

from mppdesk.assistance.models import (
    Need,
    PersonDocument,
    ServiceProvider,
    ServiceReferral,
)
from mppdesk.casework import services
from mppdesk.casework.models import Task, TaskSource
from mppdesk.casework.system import refresh_system_tasks
from mppdesk.casework.tests.conftest import Team
from mppdesk.hearings import hearing_services
from mppdesk.hearings import outcomes as outcome_services
from mppdesk.hearings.calendar import federal_holiday
from mppdesk.places.models import Port, Venue
from mppdesk.selfservice.tests.conftest import make_docket

pytestmark = pytest.mark.django_db


def court_day(day: dt.date, step: int) -> dt.date:
    while federal_holiday(day) is not None or day.weekday() >= 5:
        day += dt.timedelta(days=step)
    return day


def referral(team: Team, follow_up_on: dt.date | None) -> ServiceReferral:
    case = team.case
    need = Need.objects.create(organization=case.organization, person=case.lead, kind="health")
    provider, _ = ServiceProvider.objects.get_or_create(name="Clínica", city="Ciudad Juarez")
    return ServiceReferral.objects.create(
        organization=case.organization, need=need, person=case.lead, provider=provider,
        referred_on=timezone.localdate(), consent_given_at=timezone.now(),
        consent_method="phone", follow_up_on=follow_up_on,
    )  # fmt: skip


def test_a_follow_up_date_makes_one_task_for_the_cases_worker(team: Team) -> None:
    services.assign(actor=team.worker, case=team.case, user=team.worker)
    day = timezone.localdate() + dt.timedelta(days=2)
    ref = referral(team, day)  # the signal makes the task
    task = Task.objects.get(source=TaskSource.FOLLOW_UP)
    assert (task.case, task.due_on, task.assignee) == (team.case, day, team.worker)
    assert str(task.label) == "Service referral follow-up due"
    assert refresh_system_tasks() == 0  # idempotent
    ref.save()
    assert Task.objects.filter(source=TaskSource.FOLLOW_UP).count() == 1
    # A completed task stays completed on the next run.
    services.set_task_status(actor=team.worker, task=task, done=True)
    refresh_system_tasks()
    task.refresh_from_db()
    assert task.status == "done"
    # A new follow-up date is a new task.
    ref.follow_up_on = day + dt.timedelta(days=7)
    ref.save()
    assert Task.objects.filter(source=TaskSource.FOLLOW_UP).count() == 2


def test_a_closed_referral_or_one_without_date_makes_no_task(team: Team) -> None:
    referral(team, None)
    ref = referral(team, timezone.localdate())
    Task.objects.all().delete()
    ServiceReferral.objects.filter(pk=ref.pk).update(outcome="received")
    assert refresh_system_tasks() == 0


def test_an_expiring_document_makes_a_task_on_its_expiry_date(team: Team) -> None:
    today = timezone.localdate()
    soon = PersonDocument.objects.create(
        organization=team.case.organization, person=team.case.lead, kind="fmm", status="issued",
        expires_on=today + dt.timedelta(days=10),
    )  # fmt: skip
    PersonDocument.objects.create(
        organization=team.case.organization, person=team.case.lead, kind="tvrh", status="issued",
        expires_on=today + dt.timedelta(days=200),
    )  # fmt: skip
    assert refresh_system_tasks() == 1
    task = Task.objects.get(source=TaskSource.DOCUMENT_EXPIRY)
    assert task.due_on == soon.expires_on and task.case == team.case
    assert refresh_system_tasks() == 0


def test_an_in_absentia_order_makes_a_motion_deadline_task(team: Team, personas: Any) -> None:
    venue = Venue.objects.get(code="el-paso-immigration-court")
    team.case.venue = venue
    team.case.port = Port.objects.get(code="el-paso")
    team.case.save()
    past = court_day(timezone.localdate() - dt.timedelta(days=10), -1)
    held = hearing_services.schedule_hearing(
        actor=None, case=team.case, docket=make_docket(venue, past, "ia"), allow_past=True
    )
    outcome_services.record_outcome(
        actor=None, hearing=held, outcome="failed_to_appear", in_absentia_order=True
    )
    task = Task.objects.get(source=TaskSource.IN_ABSENTIA)
    held.refresh_from_db()
    assert task.due_on == held.follow_up.exceptional_circumstances_deadline
    assert refresh_system_tasks() == 0


def test_an_unreachable_lead_before_a_hearing_makes_a_task(team: Team, personas: Any) -> None:
    venue = Venue.objects.get(code="el-paso-immigration-court")
    team.case.venue = venue
    team.case.port = Port.objects.get(code="el-paso")
    team.case.save()
    day = court_day(timezone.localdate() + dt.timedelta(days=20), 1)
    hearing = hearing_services.schedule_hearing(
        actor=None, case=team.case, docket=make_docket(venue, day, "un")
    )
    now = hearing.scheduled_at - dt.timedelta(days=5)
    assert refresh_system_tasks(now=now) == 1  # the lead has no contact point at all
    task = Task.objects.get(source=TaskSource.UNREACHABLE)
    assert task.due_on < timezone.localtime(hearing.scheduled_at).date()
    assert refresh_system_tasks(now=now) == 0


def test_the_cli_and_the_background_task_refresh(team: Team) -> None:
    from mppdesk.casework.tasks import refresh_system_tasks as background
    from mppdesk.cli import cli

    PersonDocument.objects.create(
        organization=team.case.organization, person=team.case.lead, kind="fmm", status="issued",
        expires_on=timezone.localdate() + dt.timedelta(days=3),
    )  # fmt: skip
    result = CliRunner().invoke(cli, ["tasks", "refresh"])
    assert result.exit_code == 0, result.output
    assert "1 system tasks created" in result.output
    assert background.enqueue().return_value == 0
