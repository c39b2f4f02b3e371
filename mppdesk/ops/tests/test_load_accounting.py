"""The load benchmark's CPU accounting (``benchmarks.load_bench.cpu_by_group``): a process
that ended during a level is counted once, through the parent that reaped it."""

from __future__ import annotations

from benchmarks.load_bench import _REAPING_GROUPS, cpu_by_group


def test_a_backend_that_ended_counts_once_through_its_parent() -> None:
    # Postmaster 10 (0.5 s of its own, 2.0 s of reaped backends); backend 11 had used 1.0 s
    # and used 3.0 s more before it ended: the postmaster's reaped time grows by all 4.0 s.
    before = {10: ("postgresql", 2.5), 11: ("postgresql", 1.0), 20: ("web", 5.0)}
    after = {10: ("postgresql", 6.5), 20: ("web", 7.0)}
    assert cpu_by_group(before, after) == {"postgresql": 3.0, "web": 2.0}


def test_a_backend_born_and_ended_during_the_level_counts_whole() -> None:
    before = {10: ("postgresql", 2.5)}
    after = {10: ("postgresql", 4.0)}  # a backend that lived 1.5 s within the level
    assert cpu_by_group(before, after) == {"postgresql": 1.5}


def test_a_process_of_another_group_that_ended_is_not_taken_off() -> None:
    # Its parent does not count reaped children: nothing of it was added, nothing is taken.
    assert "other" not in _REAPING_GROUPS
    before = {30: ("other", 9.0), 31: ("other", 1.0)}
    after = {30: ("other", 9.5)}
    assert cpu_by_group(before, after) == {"other": 0.5}


def test_a_backend_whose_pid_another_group_took_counts_once() -> None:
    # Backend 11 (1.0 s before) ended within the level, all 1.5 s of it reaped by the
    # postmaster; its pid went to a web worker that used 0.25 s.
    before = {10: ("postgresql", 2.5), 11: ("postgresql", 1.0)}
    after = {10: ("postgresql", 4.0), 11: ("web", 0.25)}
    assert cpu_by_group(before, after) == {"postgresql": 0.5, "web": 0.25}


def test_a_pid_reused_by_another_group_counts_from_zero() -> None:
    before = {40: ("worker", 8.0)}
    after = {40: ("postgresql", 0.25)}
    assert cpu_by_group(before, after) == {"postgresql": 0.25}
