"""A-number lookup latency with N people (default 1,000,000) on the configured database.

Rows are generated with set-based SQL so the setup takes seconds, then a random sample
of A-numbers is looked up (a) through the access-checked query the web UI and API use
(``search_people``) and (b) as the baseline, a bare indexed SELECT on the case table.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from benchmarks.common import setup_django, summarize_ms


def populate(n: int, org_id: int) -> None:
    from django.db import connection

    from mppdesk.cases.models import Case, CaseMember
    from mppdesk.people.models import Person

    person, case, member = Person._meta.db_table, Case._meta.db_table, CaseMember._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO {person} (id, organization_id, given_names, family_names, other_names, birth_date,
                birth_year, sex, nationality, vulnerabilities, notes, search_key, dedupe_key, created_at, updated_at)
            SELECT md5('p' || i)::uuid, %s, 'Nombre' || i, 'Apellido' || (i %% 5000), '[]'::jsonb,
                DATE '1970-01-01' + (i %% 15000), 1970 + (i %% 15000) / 365, 'U', 'HND', '[]'::jsonb, '',
                'nombre' || i || ' apellido' || (i %% 5000), 'k' || i, now(), now()
            FROM generate_series(1, %s) AS i
            """,
            [org_id, n],
        )
        cur.execute(
            f"""
            INSERT INTO {case} (id, organization_id, a_number, lead_id, program_version, status, opened_on,
                created_at, updated_at)
            SELECT md5('c' || i)::uuid, %s, lpad((100000000 + i)::text, 9, '0'), md5('p' || i)::uuid,
                'current', 'active', CURRENT_DATE, now(), now()
            FROM generate_series(1, %s) AS i
            """,
            [org_id, n],
        )
        cur.execute(
            f"""
            INSERT INTO {member} (case_id, person_id, role)
            SELECT md5('c' || i)::uuid, md5('p' || i)::uuid, 'lead' FROM generate_series(1, %s) AS i
            """,
            [n],
        )
        cur.execute(f"ANALYZE {person}; ANALYZE {case}; ANALYZE {member};")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from mppdesk.accounts.models import Membership, Organization, User
    from mppdesk.cases.models import Case
    from mppdesk.lib.anumber import format_anumber
    from mppdesk.people.queries import search_people

    if connection.vendor != "postgresql":
        raise SystemExit("the A-number lookup benchmark runs on PostgreSQL (set DATABASE_URL)")
    org = Organization.objects.create(name="Bench", slug="bench", kind="legal_services")
    user = User.objects.create(username="bench")
    Membership.objects.create(user=user, organization=org, role="caseworker")
    started = time.perf_counter()
    populate(args.people, org.pk)
    setup_s = time.perf_counter() - started

    rng = random.Random(7)
    wanted = [f"{100000000 + rng.randint(1, args.people):09d}" for _ in range(args.lookups)]
    # Warm both paths once so neither pays for first-query planning.
    list(search_people(user, format_anumber(wanted[0])))
    Case.objects.filter(a_number=wanted[0]).first()

    full: list[float] = []
    for digits in wanted:
        user = User.objects.get(pk=user.pk)  # a fresh request: no cached memberships
        t0 = time.perf_counter()
        found = list(search_people(user, format_anumber(digits)))
        full.append(time.perf_counter() - t0)
        assert len(found) == 1
    raw: list[float] = []
    with connection.cursor() as cur:
        for digits in wanted:
            t0 = time.perf_counter()
            cur.execute(f"SELECT lead_id FROM {Case._meta.db_table} WHERE a_number = %s", [digits])
            cur.fetchall()
            raw.append(time.perf_counter() - t0)
    print(
        json.dumps(
            {
                "benchmark": "anumber_lookup",
                "database": connection.vendor,
                "people": args.people,
                "setup_s": round(setup_s, 1),
                "access_checked_search": summarize_ms(full),
                "baseline_raw_indexed_select": summarize_ms(raw),
            }
        )
    )


if __name__ == "__main__":
    main()
