"""The outbox dispatcher: claims due messages, sends them, records what happened.

One pass (``dispatch_once``):

1. promote ``PLANNED`` messages whose ``not_before`` has come to ``QUEUED``;
2. claim a batch in one short transaction: due ``QUEUED`` messages and ``SENDING`` ones
   whose lease expired (their worker died). PostgreSQL locks candidates with ``SELECT
   ... FOR UPDATE SKIP LOCKED``; on both engines the claim itself is a conditional
   ``UPDATE`` (still due -> ``SENDING``, ``claimed_by`` = this pass's token,
   ``lease_until``, ``attempts + 1``), so two workers never hold one message. The claim
   commits before anything is sent;
3. send, in a thread pool (the work is HTTP I/O), each message at its slot of the
   provider's shared rate limit. A message attempted before (a retry, or a lease taken
   over) is first looked up at the provider (``find_sent``): found, it is recorded as
   sent with that id instead of being sent again;
4. record each outcome with an ``UPDATE`` that only applies while this pass still holds
   the claim: ``SENT`` with the provider id; a transient error back to ``QUEUED`` with
   exponential backoff and full jitter (``FAILED`` after ``MESSAGING_MAX_ATTEMPTS``); a
   permanent one ``FAILED``, flagging the contact point for invalid-number codes.

Time, sleeping and randomness are injectable so tests never wait. See docs/messaging.md
for why this neither loses nor duplicates messages.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import Case, CharField, F, Min, Q, Value, When
from django.utils import timezone

from mppdesk.lib.redact import format_exception_safely
from mppdesk.messaging.models import (
    Message,
    MessageEvent,
    MessageStatus,
    ProviderRateBucket,
)
from mppdesk.messaging.providers import (
    LeaseExpired,
    Provider,
    TransportError,
    provider_class,
    provider_for,
    send_deadline,
)
from mppdesk.messaging.services import INVALID_CONTACT_CODES, flag_contact_invalid

logger = logging.getLogger(__name__)

#: How many PLANNED messages one pass promotes at most.
PROMOTE_LIMIT = 1000
#: How far back the search for other messages' provider ids goes (``find_sent``).
RECONCILE_WINDOW = dt.timedelta(days=2)


@dataclass
class Clock:
    """Time for the dispatcher (tests inject one that never sleeps)."""

    now: Callable[[], dt.datetime] = timezone.now
    sleep: Callable[[float], None] = time.sleep
    uniform: Callable[[float, float], float] = random.uniform  # noqa: S311 - jitter


REAL_CLOCK = Clock()


@dataclass
class Outcome:
    sid: str | None = None
    found: bool = False  # the provider had it already (a reconciled retry)
    error: TransportError | None = None


@dataclass
class _Job:
    message: Message
    provider: Provider
    prepared: dict[str, Any] = field(default_factory=dict)
    since: dt.datetime | None = None  # set: look for an earlier copy first
    exclude: frozenset[str] = frozenset()
    slot: dt.datetime | None = None


def _has_for_update() -> bool:
    return bool(connection.features.has_select_for_update_skip_locked)


def backoff(attempts: int, clock: Clock = REAL_CLOCK, retry_after: float | None = None) -> float:
    """Seconds before the next attempt: full jitter over ``base * 2^(n-1)`` up to cap."""
    base = float(settings.MESSAGING_RETRY_BASE_SECONDS)
    cap = float(settings.MESSAGING_RETRY_CAP_SECONDS)
    delay = clock.uniform(0.0, min(cap, base * 2 ** max(attempts - 1, 0)))
    if retry_after:
        delay = max(delay, retry_after)
    return delay


def rate_for(provider_name: str) -> float:
    limits: dict[str, int] = getattr(settings, "MESSAGING_RATE_LIMITS", {}) or {}
    return float(limits.get(provider_name, 0) or 0)


def reserve_slots(provider_name: str, count: int, rate: float, now: dt.datetime) -> dt.datetime:
    """Reserve ``count`` consecutive send slots of a provider; the first slot's time.

    The slots are ``1/rate`` apart and follow every slot any worker reserved before, so
    all workers together send at most ``rate`` messages per second.
    """
    with transaction.atomic():
        query = ProviderRateBucket.objects.filter(pk=provider_name)
        if _has_for_update():
            query = query.select_for_update()
        bucket = query.first()
        if bucket is None:
            try:
                with transaction.atomic():
                    bucket = ProviderRateBucket.objects.create(
                        provider=provider_name, next_free_at=now
                    )
            except IntegrityError:
                bucket = query.get()
        start = max(now, bucket.next_free_at)
        ProviderRateBucket.objects.filter(pk=provider_name).update(
            next_free_at=start + dt.timedelta(seconds=count / rate)
        )
    return start


def promote_due(now: dt.datetime, limit: int = PROMOTE_LIMIT) -> int:
    """``PLANNED`` messages whose time has come become ``QUEUED`` (with an event)."""
    with transaction.atomic():
        query = Message.objects.filter(status=MessageStatus.PLANNED, not_before__lte=now).order_by()
        if _has_for_update():
            query = query.select_for_update(skip_locked=True)
        ids = list(query.values_list("pk", flat=True)[:limit])
        if not ids:
            return 0
        Message.objects.filter(pk__in=ids, status=MessageStatus.PLANNED).update(
            status=MessageStatus.QUEUED, status_at=now
        )
        MessageEvent.objects.bulk_create(
            [
                MessageEvent(message_id=pk, status=MessageStatus.QUEUED, at=now, detail="due")
                for pk in ids
            ]
        )
    return len(ids)


def _due(now: dt.datetime) -> Q:
    queued = Q(status=MessageStatus.QUEUED) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=MessageStatus.SENDING, lease_until__lt=now)
    return queued | abandoned


def claim(worker_id: str, limit: int, now: dt.datetime) -> tuple[str, list[Message]]:
    """Claim up to ``limit`` due messages for this worker (committed on return).

    Returns the claim token (``claimed_by``) and the claimed messages, now ``SENDING``
    with ``attempts`` counting this attempt.
    """
    token = f"{worker_id[:48]}:{uuid.uuid4().hex[:12]}"
    lease_until = now + dt.timedelta(seconds=int(settings.MESSAGING_LEASE_SECONDS))
    with transaction.atomic():
        candidates = Message.objects.filter(_due(now)).order_by()
        if _has_for_update():
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return token, []
        # Conditional: a message another worker claimed meanwhile is no longer due.
        Message.objects.filter(_due(now), pk__in=ids).update(
            status=MessageStatus.SENDING,
            claimed_by=token,
            lease_until=lease_until,
            attempts=F("attempts") + 1,
            status_at=now,
        )
        rows = list(
            Message.objects.filter(claimed_by=token, status=MessageStatus.SENDING).order_by()
        )
        MessageEvent.objects.bulk_create(
            [
                MessageEvent(
                    message=row,
                    status=MessageStatus.SENDING,
                    at=now,
                    attempt=row.attempts,
                    detail=worker_id[:200],
                )
                for row in rows
            ]
        )
    return token, rows


def _first_attempt_times(rows: list[Message]) -> dict[Any, dt.datetime]:
    ids = [row.pk for row in rows]
    found = (
        MessageEvent.objects.filter(message_id__in=ids, status=MessageStatus.SENDING)
        .values("message_id")
        .annotate(first=Min("at"))
        .order_by()
    )
    return {item["message_id"]: item["first"] for item in found}


def _owned_ids(row: Message, provider: Provider, since: dt.datetime) -> frozenset[str]:
    """Provider ids of other messages to the same recipient (never this one's copy)."""
    return frozenset(
        Message.objects.filter(
            recipient_bidx=row.recipient_bidx,
            provider=provider.name,
            sent_at__gte=since - RECONCILE_WINDOW,
        )
        .exclude(pk=row.pk)
        .exclude(provider_id="")
        .values_list("provider_id", flat=True)
    )


def _prepare(
    rows: list[Message], now: dt.datetime
) -> tuple[list[_Job], list[tuple[Message, TransportError]]]:
    jobs: list[_Job] = []
    failed: list[tuple[Message, TransportError]] = []
    retried = [row for row in rows if row.attempts > 1]
    first_times = _first_attempt_times(retried) if retried else {}
    for row in rows:
        try:
            provider = provider_for(row.channel)
            job = _Job(message=row, provider=provider, prepared=provider.prepare(row))
            if row.attempts > 1:
                job.since = first_times.get(row.pk, row.created_at)
                job.exclude = _owned_ids(row, provider, job.since)
        except TransportError as exc:
            failed.append((row, exc))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop the batch
            logger.error("preparing message %s failed: %s", row.pk, format_exception_safely(exc))
            failed.append((row, TransportError("prepare")))
            continue
        jobs.append(job)
    # Rate limits: each provider's messages get consecutive slots of its shared schedule.
    by_provider: dict[str, list[_Job]] = defaultdict(list)
    for job in jobs:
        by_provider[job.provider.name].append(job)
    for name, group in by_provider.items():
        rate = rate_for(name)
        if rate > 0:
            start = reserve_slots(name, len(group), rate, now)
            for index, job in enumerate(group):
                job.slot = start + dt.timedelta(seconds=index / rate)
    return jobs, failed


def send_deadline_of(message: Message) -> dt.datetime | None:
    """The last moment a provider request for this claim may leave: the lease's end
    minus two client timeouts.

    Another worker may take the message over once the lease has expired; a request
    still running then might send a second copy while the other worker finds none yet.
    So a request starts only while the lease outlasts it (the client's timeout bounds
    connect and read, hence two) — checked before each provider call and again inside
    the provider, right before the request leaves (``providers.check_send_deadline``):
    a stall in between (a first import, the first URLconf ``reverse()``, a loaded
    machine) must not send late. Past it the attempt is handed back (``LeaseExpired``).
    """
    lease_until = message.lease_until
    if lease_until is None:
        return None
    margin = dt.timedelta(seconds=2 * float(settings.TWILIO_TIMEOUT_SECONDS))
    return lease_until - margin


def _lease_left(job: _Job, clock: Clock) -> bool:
    """Is there time for one more provider call before this pass's send deadline?"""
    deadline = send_deadline_of(job.message)
    return deadline is None or clock.now() < deadline


def _attempt(job: _Job, clock: Clock) -> Outcome:
    """Runs in a pool thread: no database access here."""
    if job.slot is not None:
        wait = (job.slot - clock.now()).total_seconds()
        if wait > 0:
            clock.sleep(wait)
    try:
        with send_deadline(send_deadline_of(job.message), clock.now):
            if job.since is not None:
                if not _lease_left(job, clock):
                    return Outcome(error=LeaseExpired())
                sid = job.provider.find_sent(job.message, job.since, job.exclude)
                if sid:
                    return Outcome(sid=sid, found=True)
            if not _lease_left(job, clock):
                return Outcome(error=LeaseExpired())
            return Outcome(sid=job.provider.send(job.message, job.prepared))
    except TransportError as exc:
        return Outcome(error=exc)
    except Exception as exc:  # noqa: BLE001 - unknown: transient and ambiguous
        logger.error("sending message %s failed: %s", job.message.pk, format_exception_safely(exc))
        return Outcome(error=TransportError("error"))


#: Rows per UPDATE when recording sent messages (each row adds two parameters).
SENT_CHUNK = 200


def _record_sent(
    token: str, sent: list[tuple[Message, str, Outcome]], now: dt.datetime
) -> list[MessageEvent]:
    """Mark the messages this pass still holds ``SENT``: one UPDATE per provider and
    chunk (their provider ids in a CASE), instead of one per message."""
    events: list[MessageEvent] = []
    by_provider: dict[str, list[tuple[Message, Outcome]]] = defaultdict(list)
    for row, provider_name, outcome in sent:
        by_provider[provider_name].append((row, outcome))
    for provider_name, items in by_provider.items():
        for start in range(0, len(items), SENT_CHUNK):
            chunk = items[start : start + SENT_CHUNK]
            held = Message.objects.filter(
                pk__in=[row.pk for row, _ in chunk],
                claimed_by=token,
                status=MessageStatus.SENDING,
            )
            if _has_for_update():
                held = held.select_for_update()
            # Locked (PostgreSQL) or inside an IMMEDIATE transaction (SQLite): nobody
            # takes these rows over between this read and the UPDATE below.
            still_held = set(held.values_list("pk", flat=True))
            mine = [(row, outcome) for row, outcome in chunk if row.pk in still_held]
            if not mine:
                continue
            sids = Case(
                *[When(pk=row.pk, then=Value(str(outcome.sid)[:64])) for row, outcome in mine],
                output_field=CharField(),
            )
            Message.objects.filter(pk__in=[row.pk for row, _ in mine]).update(
                status=MessageStatus.SENT,
                provider=provider_name,
                provider_id=sids,
                sent_at=now,
                next_attempt_at=None,
                error_code="",
                claimed_by="",
                lease_until=None,
                status_at=now,
            )
            events += [
                MessageEvent(
                    message=row,
                    status=MessageStatus.SENT,
                    at=now,
                    attempt=row.attempts,
                    detail="found" if outcome.found else "",
                )
                for row, outcome in mine
            ]
    return events


def _record(
    token: str,
    results: Iterable[tuple[Message, str, Outcome]],
    clock: Clock,
) -> None:
    now = clock.now()
    max_attempts = int(settings.MESSAGING_MAX_ATTEMPTS)
    results = list(results)
    to_flag: list[tuple[Message, str]] = []
    with transaction.atomic():
        events = _record_sent(token, [r for r in results if r[2].sid], now)
        for row, provider_name, outcome in results:
            if outcome.sid:
                continue
            held = Message.objects.filter(pk=row.pk, claimed_by=token, status=MessageStatus.SENDING)
            release = {"claimed_by": "", "lease_until": None, "status_at": now}
            error = outcome.error or TransportError("error")
            if isinstance(error, LeaseExpired):
                # Nothing was sent: hand the message back, due at once (the next claim
                # asks the provider first, as for any attempt after the first). Never a
                # failure, whatever the attempts.
                changed = held.update(status=MessageStatus.QUEUED, next_attempt_at=None, **release)
                status, detail = MessageStatus.QUEUED, "released lease"
            elif error.permanent or row.attempts >= max_attempts:
                changed = held.update(
                    status=MessageStatus.FAILED,
                    provider=provider_name,
                    error_code=error.code,
                    next_attempt_at=None,
                    **release,
                )
                status, detail = MessageStatus.FAILED, error.code
                if changed and error.permanent and error.code in INVALID_CONTACT_CODES:
                    to_flag.append((row, error.code))
            else:
                delay = backoff(row.attempts, clock, error.retry_after)
                changed = held.update(
                    status=MessageStatus.QUEUED,
                    provider=provider_name,
                    error_code=error.code,
                    next_attempt_at=now + dt.timedelta(seconds=delay),
                    **release,
                )
                status, detail = MessageStatus.QUEUED, f"retry {error.code}"
            if changed:
                events.append(
                    MessageEvent(
                        message=row, status=status, at=now, attempt=row.attempts, detail=detail
                    )
                )
        MessageEvent.objects.bulk_create(events)
        for row, code in to_flag:
            flag_contact_invalid(message=row, code=code)


_warmed = False
_warm_lock = threading.Lock()


def warm_providers() -> None:
    """First-use work of every configured provider (imports, the first ``reverse()``,
    clients), once per process and before the first claim: done after a claim it once
    stalled a restarted dispatcher for 21 s at load 14, past its 10 s lease."""
    global _warmed
    with _warm_lock:
        if _warmed:
            return
        for channel in getattr(settings, "MESSAGING_PROVIDERS", {}) or {}:
            try:
                provider_class(channel).warm()
            except Exception as exc:  # noqa: BLE001 - a broken provider fails its messages
                logger.error(
                    "warming the %s provider failed: %s", channel, format_exception_safely(exc)
                )
        _warmed = True


def dispatch_once(
    worker_id: str,
    *,
    batch: int | None = None,
    threads: int | None = None,
    clock: Clock = REAL_CLOCK,
    executor: Executor | None = None,
) -> int:
    """One pass over the outbox; returns how many messages it claimed."""
    warm_providers()
    now = clock.now()
    promote_due(now)
    limit = int(batch or settings.MESSAGING_DISPATCH_BATCH)
    token, rows = claim(worker_id, limit, now)
    if not rows:
        return 0
    jobs, failed = _prepare(rows, now)
    results: list[tuple[Message, str, Outcome]] = [
        (row, "", Outcome(error=error)) for row, error in failed
    ]
    workers = int(threads or settings.MESSAGING_DISPATCH_THREADS)
    if executor is not None:
        outcomes = list(executor.map(lambda job: _attempt(job, clock), jobs))
    elif workers > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            outcomes = list(pool.map(lambda job: _attempt(job, clock), jobs))
    else:
        outcomes = [_attempt(job, clock) for job in jobs]
    results.extend(
        (job.message, job.provider.name, outcome)
        for job, outcome in zip(jobs, outcomes, strict=True)
    )
    _record(token, results, clock)
    return len(rows)


def drain(worker_id: str, *, max_passes: int = 100, clock: Clock = REAL_CLOCK) -> int:
    """Passes until nothing is due (the task's way in); returns messages claimed."""
    total = 0
    for _ in range(max_passes):
        done = dispatch_once(worker_id, clock=clock)
        total += done
        if not done:
            break
    return total


def outbox_busy() -> bool:
    """Messages queued (maybe waiting for a retry) or held by a worker."""
    return Message.objects.filter(status__in=(MessageStatus.QUEUED, MessageStatus.SENDING)).exists()


def run_dispatcher(
    worker_id: str,
    *,
    stop: threading.Event | None = None,
    batch: int | None = None,
    threads: int | None = None,
    idle_exit: bool = False,
    poll_seconds: float = 1.0,
    clock: Clock = REAL_CLOCK,
) -> int:
    """Dispatch until ``stop`` is set (with ``idle_exit``: until no message is queued
    or held, i.e. only planned ones remain; retries and expired leases are waited for).

    Safe to run in several threads or processes at once. Returns messages claimed.
    """
    stop = stop or threading.Event()
    workers = int(threads or settings.MESSAGING_DISPATCH_THREADS)
    total = 0
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    done = dispatch_once(
                        worker_id, batch=batch, threads=workers, clock=clock, executor=pool
                    )
                except Exception as exc:  # noqa: BLE001 - keep the dispatcher alive
                    logger.error("dispatch pass failed: %s", format_exception_safely(exc))
                    done = 0
                    stop.wait(poll_seconds)
                total += done
                if not done:
                    if idle_exit and not outbox_busy():
                        break
                    stop.wait(poll_seconds)
        finally:
            if threading.current_thread() is not threading.main_thread():
                connection.close()
    return total
