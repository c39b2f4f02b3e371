"""``/metrics``: the token (404 without one configured, 401 for a wrong or missing
one), every gauge with the right value after rows are created, and request metrics
labelled by route name, never by path."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from mppdesk.audit import services as audit
from mppdesk.messaging.models import Message, MessageStatus
from mppdesk.ops import metrics
from mppdesk.ops.models import JobRun, Outcome
from mppdesk.ops.services import AUDIT_VERIFY, run_job, verify_audit
from mppdesk.selfservice.services import AUDIT_OBJECT
from mppdesk.testing.factories import OrganizationFactory, PersonFactory

TOKEN = "m3tr1cs-" + "t" * 40


@pytest.fixture
def scrape(settings, client):
    settings.MPPDESK_METRICS_TOKEN = TOKEN

    def get() -> dict[str, float]:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"].startswith("text/plain")
        return parse(response.content.decode())

    return get


def parse(text: str) -> dict[str, float]:
    """``{'name{label="v"}': value}`` for every sample line."""
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            samples[key] = float(value)
    return samples


@pytest.mark.django_db
def test_no_token_configured_means_no_endpoint(settings, client):
    settings.MPPDESK_METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}",
     "Bearer " + TOKEN.upper(), f"Token {TOKEN}"],
)  # fmt: skip
def test_a_missing_or_wrong_token_gets_401(settings, client, header):
    settings.MPPDESK_METRICS_TOKEN = TOKEN
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"mppdesk_" not in response.content


@pytest.mark.django_db
def test_the_token_is_compared_in_constant_time(settings, client, monkeypatch):
    calls = []
    real = metrics.hmac.compare_digest

    def spy(a, b):  # type: ignore[no-untyped-def]
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(metrics.hmac, "compare_digest", spy)
    settings.MPPDESK_METRICS_TOKEN = TOKEN
    client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert calls == [(b"nope", TOKEN.encode())]


@pytest.mark.django_db
def test_only_get(settings, client):
    settings.MPPDESK_METRICS_TOKEN = TOKEN
    response = client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 405


def _message(org, person, status, **extra):  # type: ignore[no-untyped-def]
    return Message.objects.create(
        organization=org,
        person=person,
        channel="sms",
        recipient="+526561234567",
        template="manual",
        language="es",
        body="Recordatorio",
        status=status,
        idempotency_key=uuid.uuid4().hex,
        **extra,
    )


@pytest.mark.django_db
def test_outbox_gauges(scrape):
    org = OrganizationFactory()
    person = PersonFactory(organization=org)
    now = timezone.now()
    for _ in range(3):
        _message(org, person, MessageStatus.QUEUED)
    old = _message(org, person, MessageStatus.QUEUED)
    Message.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(minutes=10))
    _message(org, person, MessageStatus.SENDING)
    _message(org, person, MessageStatus.SENT)
    # Planned reminders: one overdue by an hour, two due within 24 h, one in three days.
    _message(org, person, MessageStatus.PLANNED, not_before=now - dt.timedelta(hours=1))
    _message(org, person, MessageStatus.PLANNED, not_before=now + dt.timedelta(hours=2))
    _message(org, person, MessageStatus.PLANNED, not_before=now + dt.timedelta(hours=23))
    _message(org, person, MessageStatus.PLANNED, not_before=now + dt.timedelta(days=3))
    for code in ("21610", "21610", "30003"):
        _message(org, person, MessageStatus.FAILED, provider="twilio_sms", error_code=code)
    _message(org, person, MessageStatus.UNDELIVERABLE, provider="twilio_sms", error_code="30005")

    m = scrape()
    assert m['mppdesk_outbox_messages{status="queued"}'] == 4
    assert m['mppdesk_outbox_messages{status="sending"}'] == 1
    assert m['mppdesk_outbox_messages{status="sent"}'] == 1
    assert m['mppdesk_outbox_messages{status="planned"}'] == 4
    assert m['mppdesk_outbox_messages{status="failed"}'] == 3
    assert m['mppdesk_outbox_messages{status="cancelled"}'] == 0
    assert 600 <= m['mppdesk_outbox_oldest_age_seconds{status="queued"}'] < 660
    assert 3600 <= m['mppdesk_outbox_oldest_age_seconds{status="planned"}'] < 3660
    assert m['mppdesk_outbox_oldest_age_seconds{status="sending"}'] < 60
    assert m['mppdesk_outbox_send_failures{error_code="21610",provider="twilio_sms"}'] == 2
    assert m['mppdesk_outbox_send_failures{error_code="30003",provider="twilio_sms"}'] == 1
    assert m['mppdesk_outbox_send_failures{error_code="30005",provider="twilio_sms"}'] == 1
    # Overdue and the two within 24 h; not the one in three days.
    assert m["mppdesk_reminders_due_24h_not_queued"] == 3


@pytest.mark.django_db
def test_empty_outbox_reads_zero(scrape):
    m = scrape()
    assert m['mppdesk_outbox_oldest_age_seconds{status="queued"}'] == 0
    assert m["mppdesk_reminders_due_24h_not_queued"] == 0
    assert m["mppdesk_audit_chain_last_verified_timestamp_seconds"] == 0
    assert not any(k.startswith("mppdesk_outbox_send_failures{") for k in m)


@pytest.mark.django_db
def test_lookups_by_outcome_in_the_last_24_hours(scrape):
    for outcome, n in (("matched", 2), ("no_match", 3), ("rate_limited", 1)):
        for _ in range(n):
            audit.record(
                actor=None,
                organization=None,
                action="view",
                object_type=AUDIT_OBJECT,
                object_id="",
                fields=[f"outcome:{outcome}", "requester:phone_on_file"],
            )
    m = scrape()
    assert m['mppdesk_selfservice_lookups_24h{outcome="matched"}'] == 2
    assert m['mppdesk_selfservice_lookups_24h{outcome="no_match"}'] == 3
    assert m['mppdesk_selfservice_lookups_24h{outcome="rate_limited"}'] == 1
    assert m['mppdesk_selfservice_lookups_24h{outcome="locked"}'] == 0
    assert m['mppdesk_selfservice_lookups_24h{outcome="no_hearing"}'] == 0
    # A day later they have left the window.
    later = metrics.DatabaseCollector(now=timezone.now() + dt.timedelta(hours=25))
    values = {
        sample.labels["outcome"]: sample.value
        for family in later.collect()
        if family.name == "mppdesk_selfservice_lookups_24h"
        for sample in family.samples
    }
    assert set(values.values()) == {0}


@pytest.mark.django_db
def test_task_queue_depth(scrape):
    def task(status: str, queue: str = "default") -> None:
        DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="mppdesk.example.task",
            queue_name=queue,
            backend_name="default",
            run_after=timezone.now(),
            exception_class_path="",
            traceback="",
        )

    for _ in range(4):
        task("READY")
    task("RUNNING")
    task("READY", queue="exports")
    task("SUCCESSFUL")
    m = scrape()
    assert m['mppdesk_task_queue_depth{queue="default",status="ready"}'] == 4
    assert m['mppdesk_task_queue_depth{queue="default",status="running"}'] == 1
    assert m['mppdesk_task_queue_depth{queue="exports",status="ready"}'] == 1
    assert not any("successful" in k for k in m)


@pytest.mark.django_db
def test_audit_chain_last_verified_and_job_runs(scrape):
    audit.record(actor=None, organization=None, action="view", object_type="x", object_id="1")
    run = run_job(AUDIT_VERIFY, verify_audit)
    assert run.outcome == Outcome.OK
    failing = run_job("purge", lambda now: 1 / 0)  # type: ignore[arg-type,return-value]
    assert failing.outcome == Outcome.FAILED and failing.detail == "ZeroDivisionError"
    m = scrape()
    assert m["mppdesk_audit_chain_last_verified_timestamp_seconds"] == pytest.approx(
        run.finished_at.timestamp()
    )
    assert m['mppdesk_job_last_success_timestamp_seconds{job="audit-verify"}'] > 0
    assert m['mppdesk_job_last_success_timestamp_seconds{job="purge"}'] == 0
    assert m['mppdesk_job_last_run_failed{job="purge"}'] == 1
    assert m['mppdesk_job_last_run_failed{job="audit-verify"}'] == 0
    assert JobRun.objects.count() == 2


@pytest.mark.django_db
def test_requests_are_counted_by_route_name_never_by_path(scrape, client):
    org = OrganizationFactory()
    person = PersonFactory(organization=org)
    client.get("/healthz")
    client.get(f"/people/{person.pk}/?q=Hern%C3%A1ndez")  # anonymous: a redirect to login
    client.get("/no/such/page/12345")
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'mppdesk_http_requests_total{method="GET",route="healthz",status="200"}' in text
    assert re.search(r'route="people:detail",status="302"', text)
    assert 'route="unmatched",status="404"' in text
    assert 'mppdesk_http_request_duration_seconds_bucket{le="0.3",route="healthz"}' in text
    # Paths could only leak through a series' name or labels; its value is a number, and
    # a timing such as 0.0123456 once held "12345" by chance (a flaky failure).
    series = "\n".join(
        line.rsplit(" ", 1)[0] for line in text.splitlines() if line and not line.startswith("#")
    )
    assert str(person.pk) not in series and "Hern" not in series and "12345" not in series


@pytest.mark.django_db
def test_each_lookup_counts_once_by_outcome_in_the_answering_process(scrape):
    from mppdesk.selfservice import services as selfservice
    from mppdesk.selfservice.models import Scope

    def count(outcome: str) -> float:
        return scrape().get(f'mppdesk_selfservice_lookups_total{{outcome="{outcome}"}}', 0.0)

    before = count("no_match")
    for _ in range(3):
        result = selfservice.lookup_hearing(
            a_number="012345678",
            birth_date=dt.date(1990, 12, 31),
            requester_scope=Scope.SENDER,
            requester="+526561239999",
        )
        assert result.outcome == "no_match"
    assert count("no_match") == before + 3
    m = scrape()
    assert m['mppdesk_selfservice_lookups_24h{outcome="no_match"}'] == 3
