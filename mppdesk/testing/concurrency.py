"""A harness for tests that run the same work in several threads at once."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection, connections


def run_threads(count: int, work: Callable[[int], str]) -> list[str]:
    """Run ``work(i)`` in ``count`` threads started together; return their results
    (in the order they finished; an exception becomes ``"error: <type>: <message>"``).

    PostgreSQL runs them truly at once (each thread has its own connection). SQLite
    allows one writer at a time and an in-memory test database is shared between
    threads, so there the threads take turns: the invariant checked is the same.
    Use it from a ``django_db(transaction=True)`` test: the threads' connections do not
    see the test's open transaction.
    """
    barrier = threading.Barrier(count)
    serial = threading.Lock() if connection.vendor == "sqlite" else None
    results: list[str] = []
    record = threading.Lock()

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            if serial is not None:
                with serial:
                    outcome = work(index)
            else:
                outcome = work(index)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with record:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    join_all(threads, 120)
    return results


def join_all(threads: list[threading.Thread], timeout: float) -> None:
    """Join each thread for up to ``timeout`` seconds; fail if one is still running (it
    would go on writing while the test checks, or during its teardown)."""
    for thread in threads:
        thread.join(timeout=timeout)
    if any(thread.is_alive() for thread in threads):
        raise AssertionError(f"a thread was still running after {timeout:g} s")
