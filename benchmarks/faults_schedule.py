"""Fault: PostgreSQL restarted during a schedule commit (``mppdesk schedule --commit``).

    python -m benchmarks.faults --only schedule

``cases`` pending cases (Faker data, El Paso venue) and ``dockets`` dockets (capacity
``capacity`` people each, fewer places than people so every docket fills) are created;
``mppdesk schedule --venue ... --commit`` saves a proposal (its own transaction) and
commits it (one transaction). The server is restarted with ``pg_ctl restart -m
immediate`` once the commit's transaction has inserted hearings (a backend holds a
``RowExclusiveLock`` on ``hearings_hearing``). Expected: exit status 3 and one line, and
the commit wholly applied or not at all: no hearing and every docket ``booked`` 0 with
the proposal still open, or every placed item with its hearing. In both cases no docket
is booked over capacity and each docket's ``booked`` equals the people of its hearings.
A proposal left uncommitted is then committed again (``scheduling.commit_proposal``) to show
the service works without a human fixing data.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from typing import Any

from benchmarks.common import ROOT

EL_PASO = "el-paso-immigration-court"


def _wait_commit(cluster: Any, proc: subprocess.Popen[str], limit: float = 600) -> bool:
    """Until another backend holds a RowExclusiveLock on hearings_hearing: the commit's
    transaction has inserted hearings and not committed."""
    import psycopg

    from benchmarks.faults import DB

    deadline = time.perf_counter() + limit
    sql = (
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE c.relname = 'hearings_hearing' "
        "AND l.mode = 'RowExclusiveLock' AND a.datname = %s AND l.pid <> pg_backend_pid()"
    )
    while time.perf_counter() < deadline and proc.poll() is None:
        try:
            with psycopg.connect(cluster.url, autocommit=True, connect_timeout=3) as conn:
                while time.perf_counter() < deadline and proc.poll() is None:
                    row = conn.execute(sql, (DB,)).fetchone()
                    if row and row[0]:
                        return True
                    time.sleep(0.02)
        except Exception:  # noqa: BLE001, S110 - the server may be starting
            pass
        time.sleep(0.1)
    return False


def _state(venue_code: str) -> dict[str, Any]:
    from django.db.models import Sum

    from mppdesk.hearings.models import Docket, Hearing

    dockets = list(Docket.objects.filter(venue__code=venue_code))
    over = [d.pk for d in dockets if d.booked > d.capacity]
    mismatched = []
    for d in dockets:
        seats = Hearing.objects.filter(docket=d).aggregate(n=Sum("seats"))["n"] or 0
        if seats != d.booked:
            mismatched.append(d.pk)
    return {
        "hearings": Hearing.objects.filter(docket__venue__code=venue_code).count(),
        "booked": sum(d.booked for d in dockets),
        "capacity": sum(d.capacity for d in dockets),
        "dockets_over_capacity": len(over),
        "dockets_booked_not_hearings": len(mismatched),
    }


def scenario_schedule(
    cluster: Any, env: dict[str, str], web: Any, cases: int = 600, dockets: int = 20,
    capacity: int = 40,
) -> dict[str, Any]:  # fmt: skip
    from django.db import close_old_connections, connection

    from benchmarks.faults import _after
    from mppdesk.accounts.models import Organization
    from mppdesk.hearings.models_scheduling import ProposalStatus, ScheduleProposal
    from mppdesk.hearings.scheduling import commit_proposal
    from mppdesk.hearings.tests.conftest import future_day, make_case, make_docket
    from mppdesk.places.models import Port, Venue

    venue = Venue.objects.get(code=EL_PASO)
    port = Port.objects.get(code="el-paso")
    org = Organization.objects.get(slug="faults")
    first = future_day(weeks=3)
    day, made = first, 0
    while made < dockets:
        if day.weekday() < 5 and day == future_day_from(day):
            for session in ("am", "pm"):
                if made < dockets:
                    make_docket(venue, day, session=session, capacity=capacity)
                    made += 1
        day += dt.timedelta(days=1)
    last = day
    for index in range(cases):
        make_case(org, venue=venue, port=port, riders=index % 2)
    connection.close()
    before = _state(EL_PASO)
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "mppdesk", "schedule", "--venue", EL_PASO, "--from",
         first.isoformat(), "--to", last.isoformat(), "--commit", "--time-limit", "60"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    started = time.perf_counter()
    caught = _wait_commit(cluster, proc)
    restarted_at = time.perf_counter()
    restart_s = cluster.restart()
    out, err = proc.communicate(timeout=600)
    close_old_connections()
    connection.close()
    after = _state(EL_PASO)
    proposal = ScheduleProposal.objects.order_by("-pk").first()
    placed = proposal.items.filter(docket__isnull=False) if proposal else None
    placed_count = placed.count() if placed is not None else 0
    with_hearing = placed.filter(hearing__isnull=False).count() if placed is not None else 0
    status = proposal.status if proposal else None
    none_applied = (
        after["hearings"] == 0 and after["booked"] == 0 and with_hearing == 0
        and status == ProposalStatus.PROPOSED
    )  # fmt: skip
    all_applied = (
        status == ProposalStatus.COMMITTED and with_hearing == placed_count
        and after["hearings"] == placed_count
    )  # fmt: skip
    result: dict[str, Any] = {
        "pending_cases": cases,
        "dockets": dockets,
        "places": before["capacity"],
        "placed_in_proposal": placed_count,
        "restarted_during_commit": caught,
        "restart_after_start_s": round(restarted_at - started, 2),
        "restart_s": round(restart_s, 2),
        "exit_status": proc.returncode,
        "stderr_lines": len(err.strip().splitlines()),
        "stderr": err.strip()[:200],
        "proposal_status_after": status,
        "after_restart": after,
        "commit_none_applied": none_applied,
        "commit_all_applied": all_applied,
    }
    result.update(_after(env, web, restarted_at))
    if proposal is not None and status == ProposalStatus.PROPOSED:
        again_started = time.perf_counter()
        commit_proposal(actor=None, proposal=proposal)
        result["commit_again_s"] = round(time.perf_counter() - again_started, 2)
        result["after_commit_again"] = _state(EL_PASO)
    final = result.get("after_commit_again", after)
    result["ok"] = (
        caught and proc.returncode == 3 and result["stderr_lines"] == 1
        and (none_applied or all_applied)
        and after["dockets_over_capacity"] == 0 and after["dockets_booked_not_hearings"] == 0
        and final["dockets_over_capacity"] == 0 and final["dockets_booked_not_hearings"] == 0
        and final["hearings"] == placed_count
        and result["audit_verify_ok"] and result["readyz_within_30_s"]
        and result["search_arrays_ok"]
    )  # fmt: skip
    return result


def future_day_from(day: dt.date) -> dt.date:
    """``day`` itself unless it is a US federal holiday (then the next day)."""
    from mppdesk.hearings.calendar import federal_holiday

    while federal_holiday(day) is not None:
        day += dt.timedelta(days=1)
    return day
