"""Cost of encryption at rest: person list, person detail and import, on vs off.

One child process runs per mode (``MPPDESK_FIELD_ENCRYPTION`` 1 or 0) against its own
fresh database; ``benchmarks.run --only encryption`` runs both and reports the ratios.
Each child:

- imports a synthetic N-row CSV (default 20,000) through ``import_people``, end to end;
- person list: ``search_people`` (no query, newest first, and a two-word name query)
  for a page of 50 people with languages, contacts and case memberships, serialized with
  the API's ``person_out`` (no template rendering: we measure data access);
- person detail: ``get_person`` + languages, contacts, household, cases and the case
  timeline, serialized as plain data.

"Off" stores plaintext through exactly the same code path (the fields skip only the
AES-GCM call and the blind-index fields still hash), so the difference is the cost of
encryption itself. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.common import setup_django, summarize_ms


def _timed(samples: list[float], fn: Any, *args: Any) -> Any:
    t0 = time.perf_counter()
    result = fn(*args)
    samples.append(time.perf_counter() - t0)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection

    from benchmarks.import_bench import write_csv
    from mppdesk.accounts.models import Membership, Organization, User
    from mppdesk.api.routers.people import _with_relations, person_out
    from mppdesk.cases.models import CaseEvent
    from mppdesk.cases.queries import cases_of
    from mppdesk.people import queries
    from mppdesk.people.importer import import_people

    org = Organization.objects.create(name="Bench", slug="bench-enc", kind="legal_services")
    user = User.objects.create(username="bench-enc")
    Membership.objects.create(user=user, organization=org, role="caseworker")

    csv_path = Path(tempfile.gettempdir()) / f"bench-enc-{uuid.uuid4().hex[:6]}.csv"
    write_csv(csv_path, args.rows)
    t0 = time.perf_counter()
    report = import_people(csv_path, actor=user, organization=org)
    import_s = time.perf_counter() - t0
    csv_path.unlink()
    if not report.written:
        raise SystemExit(f"import failed: {report.as_dict()['errors'][:3]}")

    def page(query: str) -> list[dict[str, Any]]:
        people = _with_relations(queries.search_people(user, query).order_by("-created_at", "id"))
        return [person_out(p).model_dump() for p in people[:50]]

    def detail(pk: Any) -> dict[str, Any]:
        person = queries.get_person(user, pk)
        out = person_out(
            _with_relations(queries.people_for(user).filter(pk=person.pk)).get()
        ).model_dump()
        out["cases"] = [
            {
                "a_number": case.a_number_display,
                "events": [
                    (e.kind, e.summary)
                    for e in CaseEvent.objects.filter(case=case).order_by("-occurred_at")[:20]
                ],
            }
            for case in cases_of(person)
        ]
        return out

    rng = random.Random(5)
    ids = list(queries.people_for(user).values_list("pk", flat=True))
    sample = [rng.choice(ids) for _ in range(args.repeat)]
    # Warm up caches and query plans for every path once.
    page("")
    page("maria hernandez")
    detail(sample[0])

    list_all: list[float] = []
    list_search: list[float] = []
    details: list[float] = []
    for pk in sample:
        user = User.objects.get(pk=user.pk)  # a fresh request: no cached memberships
        _timed(list_all, page, "")
        _timed(list_search, page, "maria hernandez")
        _timed(details, detail, pk)
    print(
        json.dumps(
            {
                "benchmark": "encryption",
                "database": connection.vendor,
                "encryption": settings.FIELD_ENCRYPTION,
                "rows": args.rows,
                "import_s": round(import_s, 2),
                "import_rows_per_s": round(args.rows / import_s),
                "person_list_page50": summarize_ms(list_all),
                "person_search_page50": summarize_ms(list_search),
                "person_detail": summarize_ms(details),
            }
        )
    )


def compare(on: dict[str, Any], off: dict[str, Any]) -> dict[str, Any]:
    """Ratios on/off (1.10 = 10% slower with encryption); target at most 1.25."""
    ratios = {"import": round(on["import_s"] / off["import_s"], 3)}
    for key in ("person_list_page50", "person_search_page50", "person_detail"):
        ratios[key] = round(on[key]["p50_ms"] / off[key]["p50_ms"], 3)
    return {
        "benchmark": "encryption_overhead",
        "database": on["database"],
        "ratios_on_over_off": ratios,
        "target_max_ratio": 1.25,
        "meets_target": all(r <= 1.25 for r in ratios.values()),
        "on": on,
        "off": off,
    }


if __name__ == "__main__":
    main()
