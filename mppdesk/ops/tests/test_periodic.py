"""``mppdesk periodic``: the retention purge, the clean-ups of lookup counters, sessions
and failed logins, and the audit check, each on its own schedule and recorded."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from click.testing import CliRunner
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from mppdesk.accounts.models import LoginFailure
from mppdesk.cli import cli
from mppdesk.ops import services
from mppdesk.ops.models import JobRun, Outcome
from mppdesk.people.models import Person
from mppdesk.privacy.models import Erasure
from mppdesk.privacy.tests.conftest import close_case, make_family
from mppdesk.selfservice.models import LookupCounter, Scope

pytestmark = pytest.mark.django_db

JOBS = [item.name for item in services.SCHEDULE]


def _counter(digest: str, *, window_start: int, locked_until: int = 0) -> None:
    LookupCounter.objects.create(
        scope=Scope.IP, digest=digest, window_start=window_start, hits=3, locked_until=locked_until
    )


def test_lookup_counters_that_hold_nothing_are_deleted(settings):
    now = timezone.now()
    epoch = int(now.timestamp())
    day = 86400
    _counter("old", window_start=epoch - 2 * day)
    _counter("recent", window_start=epoch - 600)  # still counting
    _counter("locked", window_start=epoch - 2 * day, locked_until=epoch + 3600)
    _counter("lock-over", window_start=epoch - 2 * day, locked_until=epoch - 1)
    _counter("edge", window_start=epoch - day + 5)  # inside the 24-h failure window
    assert services.clean_lookup_counters(now) == "2 lookup counters deleted"
    left = set(LookupCounter.objects.values_list("digest", flat=True))
    assert left == {"recent", "locked", "edge"}


def test_expired_sessions_and_old_login_failures_are_deleted(settings):
    live = SessionStore()
    live["x"] = 1
    live.create()
    dead = SessionStore()
    dead["x"] = 1
    dead.set_expiry(-10)
    dead.create()
    assert services.clean_sessions(timezone.now()) == "1 expired sessions deleted"
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]

    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900
    now = timezone.now()
    LoginFailure.objects.create(username_hash="a" * 64, created_at=now - dt.timedelta(hours=2))
    LoginFailure.objects.create(username_hash="b" * 64, created_at=now - dt.timedelta(minutes=5))
    assert services.clean_login_failures(now) == "1 failed logins deleted"
    assert list(LoginFailure.objects.values_list("username_hash", flat=True)) == ["b" * 64]


def test_the_purge_job_erases_people_past_retention(personas, settings):
    settings.MPPDESK_RETENTION_DAYS = 30
    family = make_family(personas.org)
    close_case(family.case, timezone.localdate() - dt.timedelta(days=400))
    run = services.run_job("purge", services.purge_retention)
    assert run.outcome == Outcome.OK
    assert run.detail == "2 people erased on 1 cases"
    lead = Person.objects.get(pk=family.lead.pk)
    assert lead.given_names != "María José"
    assert Erasure.objects.count() == 2


def test_each_job_runs_when_due_and_only_then():
    start = timezone.now()
    first = services.run_due(start)
    assert [r.job for r in first] == JOBS
    assert all(r.outcome == Outcome.OK and r.finished_at for r in first), [
        (r.job, r.detail) for r in first
    ]
    assert services.run_due(start + dt.timedelta(minutes=10)) == []
    quarter = services.run_due(start + dt.timedelta(minutes=30))
    assert [r.job for r in quarter] == ["lost-tasks"]
    hourly = services.run_due(start + dt.timedelta(hours=1, minutes=1))
    assert [r.job for r in hourly] == [
        "casework-tasks", "lost-tasks", "lookup-counters", "sessions", "login-failures"
    ]  # fmt: skip
    daily = services.run_due(start + dt.timedelta(days=1, minutes=2))
    assert [r.job for r in daily] == JOBS
    assert JobRun.objects.count() == 2 * len(JOBS) + len(hourly) + len(quarter)


def test_a_failing_job_is_recorded_and_the_others_still_run(monkeypatch):
    def broken(now: dt.datetime) -> str:
        raise RuntimeError("database said no about +52 656 123 4567")

    schedule = tuple(
        services.Schedule(s.name, s.every, broken if s.name == "sessions" else s.job)
        for s in services.SCHEDULE
    )
    monkeypatch.setattr(services, "SCHEDULE", schedule)
    runs = {r.job: r for r in services.run_due()}
    assert runs["sessions"].outcome == Outcome.FAILED
    assert runs["sessions"].detail == "RuntimeError"  # the class, never the message
    assert runs["login-failures"].outcome == Outcome.OK


def test_stopping_between_jobs():
    calls = []

    def stopping() -> bool:
        calls.append(1)
        return len(calls) > 2

    assert [r.job for r in services.run_due(stopping=stopping)] == JOBS[:2]


def test_periodic_once_command():
    result = CliRunner().invoke(cli, ["periodic", "--once"])
    assert result.exit_code == 0, result.output
    for job in JOBS:
        assert f"{job}: ok" in result.output
    again = CliRunner().invoke(cli, ["periodic", "--once"])
    assert again.output == ""
    forced = CliRunner().invoke(cli, ["periodic", "--once", "--all"])
    assert forced.output.count(": ok") == len(JOBS)


def test_the_casework_system_tasks_are_refreshed_hourly(monkeypatch):
    """The case workers' system tasks (follow-ups, deadlines, expiring documents) are
    made by the periodic runner, not only by hand with ``mppdesk tasks refresh``."""
    from mppdesk.casework import system

    seen: list[dt.datetime] = []

    def refresh(now: dt.datetime | None = None) -> int:
        seen.append(now)  # type: ignore[arg-type]
        return 4

    monkeypatch.setattr(system, "refresh_system_tasks", refresh)
    schedule = {s.name: s for s in services.SCHEDULE}["casework-tasks"]
    assert schedule.every == dt.timedelta(hours=1)
    now = timezone.now()
    run = services.run_job(schedule.name, schedule.job, now=now)
    assert run.outcome == Outcome.OK
    assert run.detail == "4 system tasks created"
    assert seen == [now]


def test_document_expiry_reminders_are_queued_daily(monkeypatch):
    """The expiry reminders of assistance documents run from the periodic runner (no
    cron line needed), with the day of the run."""
    from mppdesk.assistance import services as assistance

    days: list[dt.date] = []

    def remind(*, today: dt.date | None = None) -> int:
        days.append(today)  # type: ignore[arg-type]
        return 2

    monkeypatch.setattr(assistance, "send_expiry_reminders", remind)
    schedule = {s.name: s for s in services.SCHEDULE}["document-expiry"]
    assert schedule.every == dt.timedelta(days=1)
    now = timezone.now()
    run = services.run_job(schedule.name, schedule.job, now=now)
    assert (run.outcome, run.detail) == (Outcome.OK, "2 expiry reminders queued")
    assert days == [timezone.localdate(now)]


def _task_row(status: str, started: dt.datetime | None) -> object:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        status=status, started_at=started, args_kwargs={"args": [], "kwargs": {}},
        task_path="mppdesk.messaging.tasks.dispatch_outbox", queue_name="default",
        backend_name="default", run_after=timezone.now(), worker_ids=["w1"],
    )  # fmt: skip


def test_tasks_whose_worker_was_killed_are_marked_failed_and_the_outbox_passed_again(
    monkeypatch,
):
    """A worker killed mid-task (kill -9, benchmarks/faults.py) leaves its row RUNNING
    for ever and the messages it claimed waiting: the reaper fails the row and queues
    one outbox pass. A task that is merely running, or finished, is left alone."""
    from django_tasks.base import TaskResultStatus

    from mppdesk.messaging import tasks

    passes: list[bool] = []
    # A stand-in for the task (django-tasks' Task is frozen): its enqueue is recorded.
    monkeypatch.setattr(
        tasks, "dispatch_outbox", types.SimpleNamespace(enqueue=lambda: passes.append(True))
    )
    now = timezone.now()
    lost = _task_row(TaskResultStatus.RUNNING, now - services.STALE_TASK - dt.timedelta(minutes=1))
    busy = _task_row(TaskResultStatus.RUNNING, now - dt.timedelta(minutes=5))
    done = _task_row(TaskResultStatus.SUCCESSFUL, now - dt.timedelta(days=2))
    schedule = {s.name: s for s in services.SCHEDULE}["lost-tasks"]
    run = services.run_job(schedule.name, schedule.job, now=now)
    assert (run.outcome, run.detail) == (Outcome.OK, "1 lost tasks marked failed")
    for row in (lost, busy, done):
        row.refresh_from_db()  # type: ignore[attr-defined]
    assert lost.status == TaskResultStatus.FAILED and lost.finished_at == now  # type: ignore[attr-defined]
    assert busy.status == TaskResultStatus.RUNNING  # type: ignore[attr-defined]
    assert done.status == TaskResultStatus.SUCCESSFUL  # type: ignore[attr-defined]
    assert passes == [True]
    # Nothing more to reap: no second pass queued.
    again = services.run_job(schedule.name, schedule.job, now=now + dt.timedelta(minutes=15))
    assert again.detail == "0 lost tasks marked failed" and passes == [True]
