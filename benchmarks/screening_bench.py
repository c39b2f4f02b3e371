"""Screening: evaluate 100,000 people against the 2021 rules, and screen from the database.

Pure part (no database): builds N synthetic ``engine.Facts`` (seeded ``random``) and
times ``engine.evaluate`` with the 2021 rules compiled once (``engine.rules_for``), then
``engine.evaluate_household`` over the same people grouped in households. Baseline in
the same run, on the same people: a naive screener that re-reads the rules from their
stored JSON for every person (``json.loads`` + ``RuleSet.from_json``, which is what a
service reading the "current" row per screened person would do) before evaluating.
Both must give identical decisions (checked).

Database part (``--db-people N``, run as a child against a scratch database by
``benchmarks.run`` or by hand with ``DATABASE_URL``): bulk-creates N people (with a
language each and screening facts for a third of them), then times
``services.facts_for`` + ``engine.evaluate`` over all of them.

    python -m benchmarks.screening_bench [--people 100000] [--seed 7] [--repeat 3]
    DATABASE_URL=sqlite:////tmp/s.sqlite3 python -m benchmarks.screening_bench --people 0 --db-people 10000

Synthetic population (assumptions, not sources, except where named): nationalities
HND 28 %, GTM 24 %, SLV 10 %, CUB 10 %, VEN 8 %, NIC 6 %, ECU 4 %, HTI 3 %, MEX 3 %,
BRA 2 %, unknown 1 %, outside the Western Hemisphere 1 %; 30 % children (0-17; 1 % of
everyone unaccompanied), 3 % aged 65 or more; vulnerabilities: indigenous 4 %, medical
5 %, mental health 2 %, pregnant 3 %, LGBTQ 2 %; a roster flag on 2 %; languages
Spanish 97 %, Portuguese 1.7 %, otherwise Mam or K'iche' (TRAC April 2021 in
program_rules.md); asked about fear 90 %, fear expressed 15 % of those, an interview
outcome for half of them (positive 20 %).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from typing import Any

from mppdesk.screening import engine

NATIONALITIES = [
    ("HND", 28),
    ("GTM", 24),
    ("SLV", 10),
    ("CUB", 10),
    ("VEN", 8),
    ("NIC", 6),
    ("ECU", 4),
    ("HTI", 3),
    ("MEX", 3),
    ("BRA", 2),
    ("", 1),
    ("CHN", 1),
]
VULNERABILITIES = [
    ("indigenous", 0.04),
    ("medical", 0.05),
    ("mental_health", 0.02),
    ("pregnant", 0.03),
    ("lgbtq", 0.02),
]
FLAGS = sorted(engine.FLAGS)


def synthetic(rng: random.Random) -> dict[str, Any]:
    """One person's attributes (plain values, shared by the pure and database parts)."""
    codes, weights = zip(*NATIONALITIES, strict=True)
    nationality = rng.choices(codes, weights)[0]
    roll = rng.random()
    age = (
        rng.randint(0, 17)
        if roll < 0.30
        else rng.randint(65, 85)
        if roll < 0.33
        else rng.randint(18, 64)
    )
    unaccompanied = age < 18 and rng.random() < 0.033
    vulnerabilities = {v for v, p in VULNERABILITIES if rng.random() < p}
    if unaccompanied:
        vulnerabilities.add("unaccompanied_child")
    flags = {rng.choice(FLAGS)} if rng.random() < 0.02 else set()
    lang = rng.random()
    language = "spa" if lang < 0.97 else "por" if lang < 0.987 else rng.choice(["mam", "quc"])
    asked = rng.random() < 0.90
    expressed = asked and rng.random() < 0.15
    outcome = ""
    if expressed and rng.random() < 0.5:
        outcome = "positive" if rng.random() < 0.2 else "negative"
    return {
        "nationality": nationality,
        "age": age,
        "unaccompanied": unaccompanied,
        "vulnerabilities": vulnerabilities,
        "flags": flags,
        "language": language,
        "fear_asked": asked,
        "fear_expressed": expressed,
        "fear_outcome": outcome,
    }


def to_facts(p: dict[str, Any]) -> engine.Facts:
    return engine.Facts(
        nationality=p["nationality"],
        age=p["age"],
        unaccompanied=p["unaccompanied"],
        vulnerabilities=frozenset(p["vulnerabilities"]),
        flags=frozenset(p["flags"]),
        languages=frozenset({p["language"]}),
        fear_expressed=p["fear_expressed"],
        fear_outcome=p["fear_outcome"],
        fear_asked=p["fear_asked"],
    )


def households(n: int, rng: random.Random) -> list[int]:
    """Household sizes summing to n (1: 40 %, 2: 22 %, 3: 18 %, 4: 12 %, 5: 5 %, 6: 3 %,
    as in schedule_bench)."""
    sizes: list[int] = []
    left = n
    while left > 0:
        size = min(left, rng.choices([1, 2, 3, 4, 5, 6], [40, 22, 18, 12, 5, 3])[0])
        sizes.append(size)
        left -= size
    return sizes


def run(people: int = 100_000, seed: int = 7, repeat: int = 3) -> dict[str, Any]:
    rng = random.Random(seed)
    facts = [to_facts(synthetic(rng)) for _ in range(people)]
    rules = engine.rules_for("2021")
    stored = json.dumps(rules.to_json())

    def compiled() -> list[engine.Decision]:
        return [engine.evaluate(f, rules) for f in facts]

    def naive() -> list[engine.Decision]:
        out = []
        for f in facts:
            each = engine.RuleSet.from_json("2021", json.loads(stored))
            out.append(engine.evaluate(f, each))
        return out

    def timed(fn: Any) -> tuple[float, Any]:
        started = time.perf_counter()
        result = fn()
        return time.perf_counter() - started, result

    compiled_s, naive_s = [], []
    decisions: list[engine.Decision] = []
    for _ in range(max(1, repeat)):
        seconds, decisions = timed(compiled)
        compiled_s.append(seconds)
        seconds, baseline = timed(naive)
        naive_s.append(seconds)
        if [d.result for d in baseline] != [d.result for d in decisions]:
            raise AssertionError("the naive baseline and the engine disagree")
    sizes = households(people, rng)
    groups: list[list[engine.Facts]] = []
    start = 0
    for size in sizes:
        groups.append(facts[start : start + size])
        start += size
    household_s, household_decisions = timed(
        lambda: [engine.evaluate_household(g, rules) for g in groups]
    )
    for household, members in household_decisions:
        split = household.result == "amenable" and any(m.result != "amenable" for m in members)
        if split:
            raise AssertionError("a household decision split its members")
    best, best_naive = min(compiled_s), min(naive_s)
    return {
        "benchmark": "screening",
        "people": people,
        "version": "2021",
        "engine_seconds": [round(s, 3) for s in compiled_s],
        "engine_people_per_s": round(people / best),
        "baseline": "rules re-parsed from their JSON for every person",
        "baseline_seconds": [round(s, 3) for s in naive_s],
        "baseline_people_per_s": round(people / best_naive),
        "speedup_vs_baseline": round(best_naive / best, 2),
        "households": len(groups),
        "household_seconds": round(household_s, 3),
        "household_people_per_s": round(people / household_s),
        "results": dict(Counter(d.result for d in decisions)),
        "household_results": dict(Counter(h.result for h, _m in household_decisions)),
        "median_engine_s": round(statistics.median(compiled_s), 3),
    }


def run_db(people: int, seed: int = 7) -> dict[str, Any]:
    """Bulk-creates ``people`` and times ``facts_for`` + evaluate over all of them."""
    import datetime as dt
    import uuid

    from django.db import transaction

    from mppdesk.accounts.models import Organization
    from mppdesk.people.models import Person, PersonLanguage
    from mppdesk.screening import services
    from mppdesk.screening.models import FearHow, ScreeningFacts

    rng = random.Random(seed)
    org = Organization.objects.create(
        name="Bench screening",
        slug=f"bench-screening-{uuid.uuid4().hex[:6]}",
        kind="legal_services",
    )
    today = dt.date(2026, 1, 15)
    rows, languages, facts_rows = [], [], []
    for i in range(people):
        p = synthetic(rng)
        vulnerabilities = sorted(p["vulnerabilities"])
        person = Person(
            id=uuid.uuid4(),
            organization=org,
            given_names=f"Bench {i}",
            birth_year=today.year - p["age"],
            nationality=p["nationality"],
            vulnerabilities=vulnerabilities,
        )
        rows.append(person)
        languages.append(PersonLanguage(person=person, code=p["language"], preferred=True))
        if i % 3 == 0:
            facts_rows.append(
                ScreeningFacts(
                    organization=org,
                    person=person,
                    flags=sorted(p["flags"]),
                    fear_asked=p["fear_asked"],
                    fear_expressed=p["fear_expressed"],
                    fear_how=FearHow.ASKED if p["fear_expressed"] else "",
                )
            )
    with transaction.atomic():
        Person.objects.bulk_create(rows, batch_size=2000)
        PersonLanguage.objects.bulk_create(languages, batch_size=2000)
        ScreeningFacts.objects.bulk_create(facts_rows, batch_size=2000)
    rules = services.ruleset("2021")
    started = time.perf_counter()
    loaded = list(Person.objects.filter(organization=org))
    load_s = time.perf_counter() - started
    facts = services.facts_for(loaded, on=today)
    facts_s = time.perf_counter() - started - load_s
    decisions = [engine.evaluate(f, rules) for f in facts.values()]
    total_s = time.perf_counter() - started
    return {
        "benchmark": "screening_db",
        "people": people,
        "load_people_s": round(load_s, 3),
        "facts_for_s": round(facts_s, 3),
        "evaluate_s": round(total_s - load_s - facts_s, 3),
        "total_s": round(total_s, 3),
        "people_per_s": round(people / total_s),
        "results": dict(Counter(d.result for d in decisions)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--db-people", type=int, default=0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.people:
        print(json.dumps(run(args.people, args.seed, args.repeat)), flush=True)
    if args.db_people:
        from benchmarks.common import setup_django

        setup_django()
        print(json.dumps(run_db(args.db_people, args.seed)), flush=True)


if __name__ == "__main__":
    main()
