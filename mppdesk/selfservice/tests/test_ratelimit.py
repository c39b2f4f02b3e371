"""Counters: one upsert per call, windows that expire, locks at the threshold."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mppdesk.selfservice.models import LookupCounter
from mppdesk.selfservice.ratelimit import (
    EMPTY,
    anumber_keys,
    bump,
    counter_digest,
    ip_network,
    locked_until,
    read,
    reset,
)

pytestmark = pytest.mark.django_db


def test_bump_counts_within_the_window_and_restarts_after_it(db: Any) -> None:
    key = counter_digest("sender", "+526561112222")
    assert bump(scope="sender", digest=key, now=1000, window=3600).hits == 1
    assert bump(scope="sender", digest=key, now=2000, window=3600).hits == 2
    assert bump(scope="sender", digest=key, now=4601, window=3600).hits == 1  # expired
    assert LookupCounter.objects.get().window_start == 4601


def test_bump_is_one_statement_with_or_without_a_row(db: Any) -> None:
    key = counter_digest("anumber", "012345678")
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            bump(scope="anumber", digest=key, now=1000, window=60)
        assert len(queries) == 1


def test_lock_at_threshold_and_not_extended_while_locked(db: Any) -> None:
    key = counter_digest("anumber", "012345678")
    for second in range(4):
        assert (
            bump(
                scope="anumber", digest=key, now=second, window=86400, lock_at=5, lock_for=100
            ).locked_until
            == 0
        )
    fifth = bump(scope="anumber", digest=key, now=10, window=86400, lock_at=5, lock_for=100)
    assert (fifth.hits, fifth.locked_until) == (5, 110)
    sixth = bump(scope="anumber", digest=key, now=20, window=86400, lock_at=5, lock_for=100)
    assert sixth.locked_until == 110
    assert locked_until(scope="anumber", digest=key) == 110
    # A successful lookup adds nothing.
    assert (
        bump(scope="anumber", digest=key, now=30, window=86400, add=0, lock_at=5, lock_for=100).hits
        == 6
    )


def test_digests_hide_the_value_and_separate_scopes(db: Any) -> None:
    a = counter_digest("anumber", "012345678")
    assert "012345678" not in a
    assert a != counter_digest("sender", "012345678")
    assert locked_until(scope="anumber", digest=a) == 0


@pytest.mark.parametrize(
    ("address", "counted"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", "unknown"),
        ("garbage", "unknown"),
    ],
)
def test_ip_network(address: str, counted: str) -> None:
    assert ip_network(address) == counted


def test_bump_returns_its_window_start(db: Any) -> None:
    key = counter_digest("ip", "203.0.113.9")
    assert bump(scope="ip", digest=key, now=1000, window=3600).window_start == 1000
    assert bump(scope="ip", digest=key, now=2000, window=3600).window_start == 1000
    assert bump(scope="ip", digest=key, now=4601, window=3600).window_start == 4601


def test_read_is_one_statement_whatever_the_rows(db: Any) -> None:
    held = ("anumber", counter_digest("anumber", "012345678"))
    missing = ("onfile", counter_digest("onfile", "012345678"))
    bump(scope=held[0], digest=held[1], now=10, window=60, lock_at=1, lock_for=100)
    with CaptureQueriesContext(connection) as queries:
        states = read([held, missing])
    assert len(queries) == 1
    assert (states[held].hits, states[held].locked_until) == (1, 110)
    assert states[missing] == EMPTY
    assert states[held].locked(109) and not states[held].locked(110)
    assert states[held].hits_within(69, 60) == 1 and states[held].hits_within(70, 60) == 0


def test_reset_forgets_only_the_keys_given(db: Any) -> None:
    keys = anumber_keys("012345678")
    other = anumber_keys("098765432")
    for scope, digest in [*keys.values(), *other.values()]:
        bump(scope=scope, digest=digest, now=10, window=60)
    assert reset(keys.values()) == 2
    assert reset(keys.values()) == 0
    assert set(read(other.values()).values()) != {EMPTY}
    assert set(read(keys.values()).values()) == {EMPTY}
