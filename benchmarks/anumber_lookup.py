"""A-number lookup latency with N people (default 1,000,000) on the configured database.

Rows are generated in Python and written with COPY (``core.bulk.BulkRows``), encrypted
as the application stores them, then a random sample
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


def populate(n: int, org_id: int, chunk: int = 50_000) -> None:
    """Write n people, each the lead of one case, through ``BulkRows`` (COPY).

    The names and A-numbers are encrypted per row as the application stores them, so the
    rows are generated in Python (a set-based INSERT cannot encrypt); the A-number blind
    index is what the lookup uses. Name search tokens are not written: this benchmark
    looks up A-numbers only.
    """
    import datetime as dt
    import uuid

    from django.db import connection, transaction

    from mppdesk.cases.models import Case, CaseMember, anumber_index
    from mppdesk.core.bulk import BulkRows
    from mppdesk.people.models import Person

    now = dt.datetime.now(dt.UTC)
    today = now.date()
    for start in range(1, n + 1, chunk):
        people = BulkRows(Person, [
            "id", "created_at", "updated_at", "organization", "given_names", "family_names",
            "other_names", "birth_year", "sex", "nationality", "vulnerabilities", "notes",
            "dedupe_bidx",
        ])  # fmt: skip
        cases = BulkRows(Case, [
            "id", "created_at", "updated_at", "organization", "a_number", "a_number_bidx",
            "lead", "program_version", "status", "opened_on",
        ])  # fmt: skip
        members = BulkRows(CaseMember, ["case", "person", "role"])
        for i in range(start, min(n, start + chunk - 1) + 1):
            pid, cid = uuid.uuid4(), uuid.uuid4()
            digits = f"{100000000 + i:09d}"
            people.add(
                pid, now, now, org_id, f"Nombre{i}", f"Apellido{i % 5000}", [],
                1970 + i % 40, "U", "HND", [], "", "",
            )  # fmt: skip
            cases.add(
                cid, now, now, org_id, digits, anumber_index(digits), pid, "current", "active",
                today,
            )  # fmt: skip
            members.add(cid, pid, "lead")
        with transaction.atomic():
            for rows in (people, cases, members):
                rows.insert(5000)
    with connection.cursor() as cur:
        for model in (Person, Case, CaseMember):
            cur.execute(f"ANALYZE {model._meta.db_table}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from mppdesk.accounts.models import Membership, Organization, User
    from mppdesk.cases.models import Case, anumber_index
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
    Case.objects.filter(a_number_bidx=anumber_index(wanted[0])).first()

    full: list[float] = []
    for digits in wanted:
        user = User.objects.get(pk=user.pk)  # a fresh request: no cached memberships
        t0 = time.perf_counter()
        found = list(search_people(user, format_anumber(digits)))
        full.append(time.perf_counter() - t0)
        assert len(found) == 1
    raw: list[float] = []
    digests = [anumber_index(digits) for digits in wanted]
    with connection.cursor() as cur:
        for digest in digests:
            t0 = time.perf_counter()
            cur.execute(
                f"SELECT lead_id FROM {Case._meta.db_table} WHERE a_number_bidx = %s",  # noqa: S608
                [digest],
            )
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
