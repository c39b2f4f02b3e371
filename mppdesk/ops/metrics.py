"""``/metrics`` for Prometheus (``prometheus-client``), behind a bearer token.

Two kinds of figures:

- **per request** (counted in the web processes): ``mppdesk_http_requests_total`` and
  ``mppdesk_http_request_duration_seconds`` labelled by route *name* (``people:detail``),
  method and status, never by path, so that no id or query string reaches a label.
  Under ``mppdesk run --production`` the gunicorn workers share them through
  ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode).
- **from the database at scrape time** (``DatabaseCollector``): outbox depth and age,
  send failures, reminders due and not queued, self-service lookups by outcome, task
  queue depth, periodic job runs and the last successful audit-chain check. These are
  the same whichever web process answers.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import time
from collections import Counter as Tally
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "mppdesk_http_requests",
    "HTTP requests answered, by route name, method and status.",
    ["route", "method", "status"],
    registry=None,
)
LATENCY = Histogram(
    "mppdesk_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name.",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 15.0),
    registry=None,
)

LOOKUPS = Counter(
    "mppdesk_selfservice_lookups",
    "Self-service lookups answered by this machine's web processes, by outcome.",
    ["outcome"],
    registry=None,
)


def count_lookup(sender: object, *, outcome: str, **kwargs: object) -> None:
    """Receiver of ``core.signals.lookup_answered``: one more lookup with this outcome."""
    LOOKUPS.labels(outcome=outcome).inc()


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(route=route, method=method, status=str(status)).inc()
    LATENCY.labels(route=route).observe(seconds)


class _ThisProcess(Collector):
    """The request metrics of this process (when not in multiprocess mode)."""

    def collect(self) -> Iterator[Metric]:
        yield from REQUESTS.collect()
        yield from LATENCY.collect()
        yield from LOOKUPS.collect()


def _epoch(moment: dt.datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


class DatabaseCollector(Collector):
    """Gauges read from the database at each scrape (a handful of grouped counts)."""

    def __init__(self, now: dt.datetime | None = None) -> None:
        self.now = now

    def collect(self) -> Iterator[Metric]:
        started = time.perf_counter()
        now = self.now or timezone.now()
        yield from self._outbox(now)
        yield from self._lookups(now)
        yield from self._tasks()
        yield from self._jobs()
        took = GaugeMetricFamily(
            "mppdesk_metrics_database_seconds", "Time the database gauges took to read."
        )
        took.add_metric([], time.perf_counter() - started)
        yield took

    def _outbox(self, now: dt.datetime) -> Iterator[Metric]:
        from mppdesk.messaging.models import Message, MessageStatus

        messages = Message.objects.order_by()
        depth = GaugeMetricFamily(
            "mppdesk_outbox_messages", "Messages in the outbox, by status.", labels=["status"]
        )
        counts = dict(messages.values_list("status").annotate(n=Count("pk")))
        for status in MessageStatus.values:
            depth.add_metric([status], counts.get(status, 0))
        yield depth
        # How long the oldest message waiting to be sent has waited (0: none waiting).
        # A planned reminder waits from its time to send (not_before), others from creation.
        age = GaugeMetricFamily(
            "mppdesk_outbox_oldest_age_seconds",
            "Age of the oldest message waiting in a status (planned: past its send time).",
            labels=["status"],
        )
        oldest = dict(
            messages.filter(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING])
            .values_list("status")
            .annotate(oldest=Min("created_at"))
        )
        oldest[MessageStatus.PLANNED] = messages.filter(
            status=MessageStatus.PLANNED, not_before__lte=now
        ).aggregate(oldest=Min("not_before"))["oldest"]
        for status in (MessageStatus.PLANNED, MessageStatus.QUEUED, MessageStatus.SENDING):
            when = oldest.get(status)
            age.add_metric([status], max(0.0, (now - when).total_seconds()) if when else 0.0)
        yield age
        failures = GaugeMetricFamily(
            "mppdesk_outbox_send_failures",
            "Messages that failed or were undeliverable, by provider and provider error code.",
            labels=["provider", "error_code"],
        )
        for provider, code, n in (
            messages.filter(status__in=[MessageStatus.FAILED, MessageStatus.UNDELIVERABLE])
            .values_list("provider", "error_code")
            .annotate(n=Count("pk"))
        ):
            failures.add_metric([provider or "none", code or "none"], n)
        yield failures
        due = GaugeMetricFamily(
            "mppdesk_reminders_due_24h_not_queued",
            "Planned reminders whose time to send falls within the next 24 hours.",
        )
        due.add_metric(
            [],
            messages.filter(
                status=MessageStatus.PLANNED, not_before__lte=now + dt.timedelta(hours=24)
            ).count(),
        )
        yield due

    def _lookups(self, now: dt.datetime) -> Iterator[Metric]:
        from mppdesk.audit.models import AuditEntry
        from mppdesk.selfservice.services import AUDIT_OBJECT, OUTCOMES

        tally: Tally[str] = Tally()
        for fields in AuditEntry.objects.filter(
            object_type=AUDIT_OBJECT, at__gt=now - dt.timedelta(hours=24)
        ).values_list("fields", flat=True):
            for field in fields or ():
                if isinstance(field, str) and field.startswith("outcome:"):
                    tally[field.removeprefix("outcome:")] += 1
        lookups = GaugeMetricFamily(
            "mppdesk_selfservice_lookups_24h",
            "Self-service lookups (web page and text line) in the last 24 hours, by outcome.",
            labels=["outcome"],
        )
        for outcome in [*OUTCOMES, *sorted(set(tally) - set(OUTCOMES))]:
            lookups.add_metric([outcome], tally.get(outcome, 0))
        yield lookups

    def _tasks(self) -> Iterator[Metric]:
        from django_tasks_db.models import DBTaskResult

        depth = GaugeMetricFamily(
            "mppdesk_task_queue_depth",
            "Background tasks waiting or running (django-tasks-db), by queue and status.",
            labels=["queue", "status"],
        )
        for queue, status, n in (
            DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
            .order_by()
            .values_list("queue_name", "status")
            .annotate(n=Count("pk"))
        ):
            depth.add_metric([queue, status.lower()], n)
        yield depth

    def _jobs(self) -> Iterator[Metric]:
        from mppdesk.ops.models import JobRun, Outcome
        from mppdesk.ops.services import AUDIT_VERIFY, SCHEDULE

        last = GaugeMetricFamily(
            "mppdesk_job_last_success_timestamp_seconds",
            "When each periodic job last finished without error (0: never).",
            labels=["job"],
        )
        done = dict(
            JobRun.objects.filter(outcome=Outcome.OK)
            .order_by()
            .values_list("job")
            .annotate(at=Max("finished_at"))
        )
        for item in SCHEDULE:
            last.add_metric([item.name], _epoch(done.get(item.name)))
        yield last
        failed = GaugeMetricFamily(
            "mppdesk_job_last_run_failed",
            "1 when the latest run of a periodic job failed.",
            labels=["job"],
        )
        for item in SCHEDULE:
            latest = (
                JobRun.objects.filter(job=item.name)
                .exclude(outcome=Outcome.RUNNING)
                .order_by("-started_at")
                .values_list("outcome", flat=True)
                .first()
            )
            failed.add_metric([item.name], 1 if latest == Outcome.FAILED else 0)
        yield failed
        audit = GaugeMetricFamily(
            "mppdesk_audit_chain_last_verified_timestamp_seconds",
            "When the audit chain was last verified intact (0: never).",
        )
        audit.add_metric([], _epoch(done.get(AUDIT_VERIFY)))
        yield audit


def registry(now: dt.datetime | None = None) -> CollectorRegistry:
    """A registry for one scrape: request metrics (all processes) and database gauges."""
    reg = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(reg)
    else:
        reg.register(_ThisProcess())
    reg.register(DatabaseCollector(now))
    return reg


def authorized(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text format. No token configured: 404 (the endpoint does not exist);
    a missing or wrong token: 401."""
    token = settings.MPPDESK_METRICS_TOKEN
    if not token:
        raise Http404
    if not authorized(request, token):
        response = HttpResponse("401 Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
