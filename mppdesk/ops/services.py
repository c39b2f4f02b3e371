"""The periodic jobs and the record of each run (``JobRun``).

Each job is a function of ``now`` returning a short summary (counts only, no personal
data). ``run_job`` records its start, end and outcome; a failing job is recorded with
its exception's class name and does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from mppdesk.ops.models import JobRun, Outcome

log = logging.getLogger(__name__)

Job = Callable[[dt.datetime], str]


def purge_retention(now: dt.datetime) -> str:
    """``mppdesk purge``: erase the people past the retention period."""
    from mppdesk.privacy import services

    result = services.purge(actor=None, now=now)
    if result.disabled:
        return "retention disabled"
    return f"{result.people} people erased on {result.cases} cases"


def clean_lookup_counters(now: dt.datetime) -> str:
    """Delete self-service counters that hold nothing any more: their window has
    passed and they lock nothing. A missing row reads the same as such a row."""
    from mppdesk.selfservice.models import LookupCounter
    from mppdesk.selfservice.services import REQUESTER_WINDOW

    epoch = int(now.timestamp())
    window = max(REQUESTER_WINDOW, settings.MPPDESK_SELFSERVICE_FAILURE_WINDOW_SECONDS)
    deleted, _ = LookupCounter.objects.filter(
        window_start__lte=epoch - window, locked_until__lte=epoch
    ).delete()
    return f"{deleted} lookup counters deleted"


def clean_sessions(now: dt.datetime) -> str:
    """Delete expired sessions (what ``manage.py clearsessions`` does)."""
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return f"{deleted} expired sessions deleted"


def clean_login_failures(now: dt.datetime) -> str:
    """Delete failed-login rows older than the lockout window: they count for nothing."""
    from mppdesk.accounts.models import LoginFailure

    cutoff = now - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    deleted, _ = LoginFailure.objects.filter(created_at__lt=cutoff).delete()
    return f"{deleted} failed logins deleted"


def verify_audit(now: dt.datetime) -> str:
    """``mppdesk audit verify``: a broken chain fails the run (and the metric stays old)."""
    from mppdesk.audit.verify import verify_chain

    result = verify_chain()
    if not result.ok:
        raise AuditChainBroken(f"problem at seq {result.problem.seq if result.problem else '?'}")
    return f"{result.count} entries verified"


def refresh_casework_tasks(now: dt.datetime) -> str:
    """The system tasks of case work (follow-ups due, in absentia deadlines, expiring
    documents, no contact before a hearing), made once per item."""
    from mppdesk.casework.system import refresh_system_tasks

    return f"{refresh_system_tasks(now)} system tasks created"


def remind_expiring_documents(now: dt.datetime) -> str:
    """The expiry reminders of issued documents (FMM, TVRH, ...) to the people who hold
    them, in their language; once per document and expiry date."""
    from mppdesk.assistance.services import send_expiry_reminders

    return f"{send_expiry_reminders(today=timezone.localdate(now))} expiry reminders queued"


#: A background task still RUNNING this long after it started has lost its worker
#: (``kill -9``, a machine gone): every task here finishes in minutes.
STALE_TASK = dt.timedelta(hours=1)


def reap_lost_tasks(now: dt.datetime) -> str:
    """Mark the task rows whose worker died mid-task as failed (django-tasks leaves them
    RUNNING for ever), and queue one outbox pass so that the messages such a task had
    claimed are sent once their lease has run out, even where no dispatcher runs."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    lost = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - STALE_TASK
    )
    reaped = lost.update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="mppdesk.ops.services.WorkerLost",
        traceback=f"no result {STALE_TASK} after the start: the worker was lost",
    )
    if reaped:
        from mppdesk.messaging.tasks import dispatch_outbox

        dispatch_outbox.enqueue()
    return f"{reaped} lost tasks marked failed"


class AuditChainBroken(Exception):
    pass


@dataclass(frozen=True)
class Schedule:
    name: str
    every: dt.timedelta
    job: Job


AUDIT_VERIFY = "audit-verify"

#: What ``mppdesk periodic`` runs, and how often.
SCHEDULE: tuple[Schedule, ...] = (
    Schedule("purge", dt.timedelta(days=1), purge_retention),
    Schedule(AUDIT_VERIFY, dt.timedelta(days=1), verify_audit),
    Schedule("document-expiry", dt.timedelta(days=1), remind_expiring_documents),
    Schedule("casework-tasks", dt.timedelta(hours=1), refresh_casework_tasks),
    Schedule("lost-tasks", dt.timedelta(minutes=15), reap_lost_tasks),
    Schedule("lookup-counters", dt.timedelta(hours=1), clean_lookup_counters),
    Schedule("sessions", dt.timedelta(hours=1), clean_sessions),
    Schedule("login-failures", dt.timedelta(hours=1), clean_login_failures),
)


def run_job(name: str, job: Job, *, now: dt.datetime | None = None) -> JobRun:
    """Run one job and record it; an exception is recorded (class name only), not raised."""
    run = JobRun.objects.create(job=name, started_at=now or timezone.now())
    try:
        detail = job(now or timezone.now())
        outcome = Outcome.OK
    except Exception as exc:
        log.exception("periodic job %s failed", name)
        detail, outcome = type(exc).__name__, Outcome.FAILED
    run.finished_at = timezone.now()
    run.outcome = outcome
    run.detail = detail[:200]
    run.save(update_fields=["finished_at", "outcome", "detail"])
    log.info("periodic job %s: %s (%s)", name, outcome, run.detail)
    return run


def due(schedule: Schedule, now: dt.datetime) -> bool:
    """Whether the job has not been started within its interval (a crashed run, still
    marked running, counts as started: it is retried at the next interval)."""
    return not JobRun.objects.filter(
        job=schedule.name, started_at__gt=now - schedule.every
    ).exists()


def run_due(
    now: dt.datetime | None = None,
    *,
    force: bool = False,
    stopping: Callable[[], bool] = lambda: False,
) -> list[JobRun]:
    """Run every job that is due (every job with ``force``), in schedule order; stop
    between jobs once ``stopping()`` says so."""
    moment = now or timezone.now()
    runs = []
    for item in SCHEDULE:
        if stopping():
            break
        if force or due(item, moment):
            runs.append(run_job(item.name, item.job, now=moment))
    return runs
