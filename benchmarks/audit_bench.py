"""Per-entry cost of writing the audit log: ``record`` (one entry per call, each in its
own transaction, as a service writes it) and ``record_many`` (one batch, as an import
writes it). Prints one JSON line.

    DATABASE_URL=sqlite:////tmp/a.sqlite3 python -m benchmarks.audit_bench [--single N] [--bulk N]

Run through ``benchmarks.common.run_child`` (or by hand against a scratch database): it
migrates the database it is given and appends to its audit log.

``concurrent``: page views from many threads at once (``--threads``, each with its own
connection and no transaction of its own, as the web workers' threads write them), half
of the threads also doing Python work between writes as a page render does. Measured
twice in the same run: the path every writer takes (on PostgreSQL the ``audit_append``
function, the chain head locked inside one statement), and as a baseline the Python path
(lock, insert, move the head: four round trips with the lock held), which is what
PostgreSQL writers did before and SQLite writers still do.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import uuid

from benchmarks.common import setup_django


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--single", type=int, default=2000)
    parser.add_argument("--bulk", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--per-thread", type=int, default=100)
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

    concurrent = {
        "server_side" if connection.vendor == "postgresql" else "python": _concurrent(
            args.threads, args.per_thread
        )
    }
    if connection.vendor == "postgresql":
        real = services._append_in_database
        services._append_in_database = lambda *args, **kwargs: []  # type: ignore[assignment]
        try:
            concurrent["python_baseline"] = _concurrent(args.threads, args.per_thread)
        finally:
            services._append_in_database = real  # type: ignore[assignment]
    from mppdesk.audit.verify import verify_chain

    assert verify_chain().ok

    print(
        json.dumps(
            {
                "benchmark": "audit_write",
                "concurrent_page_views": concurrent,
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


def _concurrent(threads: int, per_thread: int) -> dict:
    """Entries per second and the time of one write (p50, p99) with ``threads`` writers."""
    from django.db import connections

    from mppdesk.audit import services
    from mppdesk.testing.concurrency import join_all

    barrier = threading.Barrier(threads)
    times: list[float] = []
    errors: list[BaseException] = []

    def writer(busy: bool) -> None:
        try:
            barrier.wait(60)
            for _ in range(per_thread):
                started = time.perf_counter()
                services.record(actor=None, organization=None, action="view",
                                object_type="person", object_id=uuid.uuid4(),
                                fields=["name"])  # fmt: skip
                times.append(time.perf_counter() - started)
                if busy:  # a page's rendering: Python holding the GIL for ~5 ms
                    until = time.perf_counter() + 0.005
                    while time.perf_counter() < until:
                        pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=writer, args=(n % 2 == 1,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    join_all(workers, 600)
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    times.sort()
    return {
        "threads": threads,
        "entries": len(times),
        "entries_per_s": round(len(times) / wall, 1),
        "write_p50_ms": round(times[len(times) // 2] * 1000, 2),
        "write_p99_ms": round(times[int(len(times) * 0.99)] * 1000, 2),
    }


if __name__ == "__main__":
    raise SystemExit(main())
