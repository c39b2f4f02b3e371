"""Fault: ``kill -9`` of a task worker (``mppdesk worker``, django-tasks-db) mid-task.

    python -m benchmarks.faults --only worker_kill

Tasks earlier scenarios left queued are removed first. ``messages`` reminders are
enqueued with no worker running (each transaction of 500
enqueues one ``dispatch_outbox`` task), then one ``mppdesk worker`` runs them, sending
to the fake Twilio server on 127.0.0.1. Once 30 % are sent, at a moment its task holds
claimed (``SENDING``) messages, the worker gets ``kill -9``; a new worker is started, as a supervisor would. Then:

- the messages the killed task had claimed stay ``SENDING`` until their lease
  (``lease`` seconds here) expires; the tasks left in the queue send the rest;
- whether anything sends the claimed ones once the lease has expired with task workers
  alone (nothing enqueues a task by itself), and, after a new ``dispatch_outbox`` task
  is enqueued (as the next message queued or a ``mppdesk dispatch`` process would
  do), the seconds until every message is sent;
- the django-tasks row of the killed task (``RUNNING`` for ever: nothing reaps it).

Expected: every message sent exactly once (0 duplicates, 0 lost), ``audit verify``
passes, ``/readyz`` answers throughout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, kill_while_holding


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "mppdesk", "worker", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
    )  # fmt: skip
    handle.close()
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _tasks() -> dict[str, int]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


def scenario_worker_kill(
    env: dict[str, str], web: Any, messages: int = 2000, lease: int = 15
) -> dict[str, Any]:
    from django.db import close_old_connections, connection

    from benchmarks import messaging_bench as mb
    from benchmarks.faults import _mppdesk
    from mppdesk.accounts.models import Organization
    from mppdesk.messaging.models import MessageStatus
    from mppdesk.messaging.tasks import dispatch_outbox

    org = Organization.objects.create(name="Faults worker", slug="faults-worker",
                                      kind="legal_services")  # fmt: skip
    from django_tasks_db.models import DBTaskResult

    # Tasks the earlier scenarios queued with no worker running (their messages are
    # sent) would drain this scenario's outbox too and hide what the kill leaves.
    stale = DBTaskResult.objects.filter(status="READY").delete()[0]
    tasks_before = _tasks()
    mb.enqueue(org, mb.reminders(messages, "worker"))
    tasks_enqueued = sum(_tasks().values()) - sum(tasks_before.values())
    connection.close()
    fake = mb.start_fake(timeout_sleep=1.5, retry_after=1)
    wenv = {
        **mb.dispatcher_env(fake, lease),
        **{k: env[k] for k in ("DATABASE_URL", "MPPDESK_VAR_DIR")},
    }
    log = Path(env["MPPDESK_VAR_DIR"]) / "worker.log"
    first = _worker(wenv, log)
    second: subprocess.Popen[bytes] | None = None
    result: dict[str, Any] = {"messages": messages, "tasks_enqueued": tasks_enqueued,
                              "lease_s": lease, "stale_tasks_removed": stale}  # fmt: skip
    web_answers: list[str] = []

    def sent() -> int:
        close_old_connections()
        return mb._status_counts(org)[MessageStatus.SENT]

    try:
        started = time.perf_counter()
        # kill while the task holds a claim (messages SENDING), after 30 % are sent
        while time.perf_counter() - started < 600 and sent() < messages * 0.3:
            time.sleep(0.02)
        holding = kill_while_holding(
            first.pid, lambda: mb._status_counts(org)[MessageStatus.SENDING]
        )
        if not holding:  # it held nothing for two minutes: kill it anyway
            os.kill(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = time.perf_counter()
        counts = mb._status_counts(org)
        result["sent_at_kill"] = counts[MessageStatus.SENT]
        result["sending_at_kill"] = counts[MessageStatus.SENDING]
        result["tasks_at_kill"] = _tasks()
        web_answers.append(web.answer())
        second = _worker(wenv, log)
        # the queue's remaining tasks run; the killed task's claims wait for their lease
        idle_since = time.perf_counter()
        last = -1
        while time.perf_counter() - killed_at < 300:
            done = sent()
            if done != last:
                last, idle_since = done, time.perf_counter()
            if done >= messages or time.perf_counter() - idle_since > lease + 10:
                break
            time.sleep(0.2)
        counts = mb._status_counts(org)
        result["after_new_worker"] = {
            "sent": counts[MessageStatus.SENT],
            "sending": counts[MessageStatus.SENDING],
            "queued": counts[MessageStatus.QUEUED],
            "seconds_since_kill": round(time.perf_counter() - killed_at, 1),
            "tasks": _tasks(),
        }
        web_answers.append(web.answer())
        nudged_at = None
        if counts[MessageStatus.SENT] < messages:
            # Nothing else will run: the next message queued (or a dispatcher) enqueues
            # a pass; do that now, as the supervisor's periodic pass would.
            dispatch_outbox.enqueue()
            nudged_at = time.perf_counter()
            while sent() < messages and time.perf_counter() - nudged_at < 300:
                time.sleep(0.2)
        done_at = time.perf_counter()
        result["all_sent_after_kill_s"] = round(done_at - killed_at, 1)
        result["next_pass_needed"] = nudged_at is not None
        if nudged_at is not None:
            result["all_sent_after_next_pass_s"] = round(done_at - nudged_at, 1)
        result["status"] = dict(mb._status_counts(org))
        result["tasks_after"] = _tasks()
    finally:
        _stop(first)
        if second is not None:
            _stop(second)
        fake.stop()
    connection.close()
    result.update(mb.verify(org, fake))
    web_answers.append(web.answer())
    verify = _mppdesk(env, "audit", "verify")
    result["readyz_answers"] = web_answers
    result["audit_verify_ok"] = verify.returncode == 0
    result["tasks_left_running"] = result["tasks_after"].get("RUNNING", 0)
    result["ok"] = (
        result["duplicates"] == 0 and result["lost"] == 0 and result["unexpected"] == 0
        and result["audit_verify_ok"] and all(a == "ok" for a in web_answers)
    )  # fmt: skip
    return result
