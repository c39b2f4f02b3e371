"""Transfer planner: plan a 400-person group from a detained roster of 5,000 people.

    DATABASE_URL=sqlite:////tmp/t.sqlite3 python -m benchmarks.transfers_bench [--people 5000] [--size 400]

Run through ``benchmarks.common.run_child`` (``python -m benchmarks.run --only transfers``)
or by hand against a scratch database: it migrates the database it is given, builds the
roster with ``transfers.demo.build_roster`` (households of 1-6, about 8 % of people with
a fact an amenability rule catches, 5 % who expressed fear; all at El Paso SPC; the
Ciudad Juárez shelters of the reference list, 4,020 places a night), then measures:

- ``plan_s``: ``transfers.services.plan_group`` for 400 people — candidates, screening
  of every household (facts in bulk: ``screening.services.facts_for``), packing, and
  writing every member row, the ``screened`` movements and their audit entries (best of
  ``--repeat`` runs; each run's group is cancelled before the next).
- baseline ``naive_s``: the same selection, screening and packing done the obvious way,
  person by person: one ``facts_for([person])``, one ``decisions_for([person])`` and one
  household lookup per person (several queries each), and nothing written. It does less
  work than the planner (no writes), so the ratio understates the difference.

Prints one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections import defaultdict
from typing import Any

from benchmarks.common import setup_django


def naive_plan(org: Any, facility: Any, port: Any, date: dt.date, size: int) -> int:
    """Person-by-person planning (the baseline); returns the people it would include."""
    from mppdesk.people.models import HouseholdMember
    from mppdesk.places import services as places
    from mppdesk.places.models import Shelter
    from mppdesk.screening import engine
    from mppdesk.screening import services as screening
    from mppdesk.transfers import planning
    from mppdesk.transfers.models import Detention

    rules = screening.ruleset("2021")
    units: dict[Any, list[Any]] = defaultdict(list)
    facts: dict[Any, Any] = {}
    for detention in Detention.objects.filter(
        organization=org, facility=facility, released_on__isnull=True
    ).select_related("person"):
        person = detention.person
        facts.update(screening.facts_for([person], on=date))
        screening.decisions_for([person.pk])
        member = HouseholdMember.objects.filter(person=person).first()
        units[member.household_id if member else person.pk].append((person, detention))
    eligible = []
    for key, members in units.items():
        decision, _each = engine.evaluate_household([facts[p.pk] for p, _d in members], rules)
        if decision.result == engine.AMENABLE:
            eligible.append(
                planning.Unit(
                    key=key,
                    size=len(members),
                    since=min(d.since for _p, d in members),
                    order=str(key),
                )  # fmt: skip
            )
    shelters = list(Shelter.objects.filter(city=port.mexican_city, active=True))
    free = places.free_places(shelters, date, 30)
    return planning.pack(eligible, free, [s.pk for s in shelters], size).included_people


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--size", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from mppdesk.accounts.models import Organization
    from mppdesk.places.models import DetentionFacility, Port
    from mppdesk.transfers import demo, services

    org, _ = Organization.objects.get_or_create(
        slug="bench-coordinator", defaults={"name": "Bench coordinator", "kind": "coordinator"}
    )
    demo.seed_places()
    facility = DetentionFacility.objects.get(code=demo.DEMO_FACILITY)
    port = Port.objects.get(code="el-paso")
    started = time.perf_counter()
    roster = demo.build_roster(organization=org, facility=facility, people=args.people)
    build_s = time.perf_counter() - started
    date = timezone.localdate() + dt.timedelta(days=7)

    plan_runs: list[float] = []
    summary: dict[str, Any] = {}
    for _ in range(args.repeat):
        started = time.perf_counter()
        group = services.plan_group(
            actor=None, organization=org, facilities=[facility], port=port, date=date,
            target_size=args.size,
        )  # fmt: skip
        plan_runs.append(time.perf_counter() - started)
        summary = group.summary
        services.cancel_group(actor=None, group=group)

    naive_runs: list[float] = []
    included_naive = 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        included_naive = naive_plan(org, facility, port, date, args.size)
        naive_runs.append(time.perf_counter() - started)

    plan_s, naive_s = min(plan_runs), min(naive_runs)
    print(
        json.dumps(
            {
                "benchmark": "transfer_plan",
                "engine": connection.vendor,
                "roster_people": len(roster.people),
                "roster_households": roster.households,
                "target_size": args.size,
                "included": summary.get("included"),
                "households_included": summary.get("households_included"),
                "excluded_by_rule": summary.get("excluded_by_rule"),
                "roster_build_s": round(build_s, 2),
                "plan_s": round(plan_s, 3),
                "baseline": "person-by-person screening, no writes",
                "baseline_included": included_naive,
                "naive_s": round(naive_s, 3),
                "speedup": round(naive_s / plan_s, 2) if plan_s else None,
            }
        )
    )
    return 0


def run_all(engines: list[str], quick: bool = False) -> list[dict[str, Any]]:
    """One run per database engine in a scratch database (for ``benchmarks.run``)."""
    from benchmarks.common import run_child, scratch_database

    results = []
    for engine in engines:
        with scratch_database(engine) as (url, var):
            people = "1000" if quick else "5000"
            results.append(run_child("benchmarks.transfers_bench", url, var, "--people", people))
            print(json.dumps(results[-1]), flush=True)
    return results


if __name__ == "__main__":
    raise SystemExit(main())
