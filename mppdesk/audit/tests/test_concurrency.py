"""Several writers at once still make one unbroken chain.

Ten threads, each with its own database connection, append single entries and batches
at the same time. PostgreSQL serializes them on the chain head's row lock; SQLite admits
one writer at a time (``BEGIN IMMEDIATE``), and its in-memory test database reports a
busy table instead of waiting, so there a writer retries. The test runs on both and
expects the same: every entry written, one line, ``verify`` intact.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction

from mppdesk.audit import chain, services
from mppdesk.audit.models import AuditChainHead, AuditEntry
from mppdesk.audit.verify import verify_chain
from mppdesk.testing.concurrency import join_all

THREADS = 10
SINGLES = 8
BATCH = 25


def _write(worker: int, barrier: threading.Barrier, errors: list[BaseException]) -> None:
    def attempt(fn) -> None:  # type: ignore[no-untyped-def]
        # Retry for a time, not a number of times: on a loaded machine the writer holding
        # the table can be descheduled for longer than a fixed count of short sleeps.
        deadline = time.monotonic() + 60
        while True:
            try:
                with transaction.atomic():
                    fn()
                return
            except OperationalError as exc:
                # SQLite's shared-cache in-memory database: "database table is locked".
                if connection.vendor != "sqlite" or "locked" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise AssertionError("SQLite stayed locked for 60 s") from exc
                time.sleep(0.005)

    try:
        barrier.wait(timeout=30)
        for n in range(SINGLES):
            attempt(lambda n=n: services.record(
                actor=None, organization=None, action="view", object_type="person",
                object_id=f"w{worker}-{n}"))  # fmt: skip
            if n == SINGLES // 2:
                attempt(lambda: services.record_many(
                    actor=None, organization=None, action="import", object_type="person",
                    object_ids=[f"w{worker}-b{i}" for i in range(BATCH)]))  # fmt: skip
    except BaseException as exc:  # noqa: BLE001 - reported by the main thread
        errors.append(exc)
    finally:
        connections.close_all()


# serialized_rollback: the flush after this test then leaves content types to the data
# restored for the next serialized test (the browser test), instead of re-creating them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_concurrent_writers_keep_one_unbroken_chain():
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    threads = [threading.Thread(target=_write, args=(n, barrier, errors)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    join_all(threads, 300)
    assert not errors, errors
    total = THREADS * (SINGLES + BATCH)
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert [s for s, _, _ in seqs] == list(range(1, total + 1))
    prev = chain.GENESIS
    for _seq, prev_hash, digest in seqs:
        assert prev_hash == prev
        prev = digest
    assert AuditChainHead.objects.get().seq == total
    times = list(AuditEntry.objects.order_by("seq").values_list("at", flat=True))
    assert times == sorted(times), "an entry's time is before the entry it follows"
    result = verify_chain()
    assert result.ok, result.message
    assert result.count == total
    # Each batch stayed contiguous: nothing was interleaved into it.
    for worker in range(THREADS):
        batch = list(
            AuditEntry.objects.filter(object_id__startswith=f"w{worker}-b")
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        assert batch == list(range(batch[0], batch[0] + BATCH))
