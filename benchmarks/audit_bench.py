"""Per-entry cost of writing the audit log: ``record`` (one entry per call, each in its
own transaction, as a service writes it) and ``record_many`` (one batch, as an import
writes it). Prints one JSON line.

    DATABASE_URL=sqlite:////tmp/a.sqlite3 python -m benchmarks.audit_bench [--single N] [--bulk N]

Run through ``benchmarks.common.run_child`` (or by hand against a scratch database): it
migrates the database it is given and appends to its audit log.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid

from benchmarks.common import setup_django


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--single", type=int, default=2000)
    parser.add_argument("--bulk", type=int, default=100_000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection, transaction

    from mppdesk.audit import services

    # Warm up (connection, first statement preparation, chain head creation).
    with transaction.atomic():
        services.record(actor=None, organization=None, action="view", object_type="person",
                        object_id=uuid.uuid4(), fields=["name"])  # fmt: skip

    ids = [uuid.uuid4() for _ in range(args.single)]
    started = time.perf_counter()
    for oid in ids:
        with transaction.atomic():
            services.record(actor=None, organization=None, action="view", object_type="person",
                            object_id=oid, fields=["name", "a_number"])  # fmt: skip
    single_s = time.perf_counter() - started

    # The same calls inside one transaction, as a service makes them: the cost the audit
    # write adds to a service's work, without a commit per call.
    started = time.perf_counter()
    with transaction.atomic():
        for oid in ids:
            services.record(actor=None, organization=None, action="view", object_type="person",
                            object_id=oid, fields=["name", "a_number"])  # fmt: skip
    in_txn_s = time.perf_counter() - started

    bulk_ids = [uuid.uuid4() for _ in range(args.bulk)]
    started = time.perf_counter()
    with transaction.atomic():
        services.record_many(actor=None, organization=None, action="import",
                             object_type="person", object_ids=bulk_ids, fields=["name"])  # fmt: skip
    bulk_s = time.perf_counter() - started

    print(
        json.dumps(
            {
                "benchmark": "audit_write",
                "engine": connection.vendor,
                "record_calls": args.single,
                "record_us_per_entry": round(single_s / args.single * 1e6, 1),
                "record_in_one_txn_us_per_entry": round(in_txn_s / args.single * 1e6, 1),
                "record_many_entries": args.bulk,
                "record_many_us_per_entry": round(bulk_s / args.bulk * 1e6, 2),
                "record_many_total_s": round(bulk_s, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
