"""Rounding of base cells: multiples of 5, right on average, the rows of a partition adding
up to its rounded total, the same answer every time the same figure is asked for."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, permutations, product

import hypothesis
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.stats.rounding import BASE, Group, Rounder, pivotal, support
from mppdesk.stats.suppression import SMALL_DISPLAY, Hidden, published

KEY = b"k" * 32
GROUP: Group = (1, "BRO", "2025-01")


class _Decide(Exception):
    def __init__(self, numerator: int, denominator: int) -> None:
        self.chance = Fraction(numerator, denominator)


def outcomes(residues: list[int]) -> list[tuple[Fraction, set[str]]]:
    """Every way the pivotal method can end for these residues in this order, with its
    exact probability (each duel explored both ways; the last unit's coin too)."""
    units = [(f"u{i}", r) for i, r in enumerate(residues)]
    fraction = Fraction(sum(residues) % BASE, BASE)
    found: list[tuple[Fraction, set[str]]] = []

    def explore(path: list[bool], chance: Fraction) -> None:
        calls = [0]

        def choose(_step: int, numerator: int, denominator: int) -> bool:
            calls[0] += 1
            if calls[0] <= len(path):
                return path[calls[0] - 1]
            raise _Decide(numerator, denominator)

        for last_up, last_chance in ((True, fraction), (False, 1 - fraction)):
            if not last_chance:
                continue
            calls[0] = 0
            try:
                selected = pivotal(units, choose, last_up)
            except _Decide as decide:
                explore([*path, True], chance * decide.chance)
                explore([*path, False], chance * (1 - decide.chance))
                return
            found.append((chance * last_chance, selected))

    explore([], Fraction(1))
    return found


RESIDUE_VECTORS = [list(v) for n in range(1, 5) for v in product(range(1, BASE), repeat=n)]


def test_each_row_goes_up_with_probability_residue_over_5() -> None:
    """Exactly, for every residue vector of up to 4 rows, by enumerating every duel."""
    for residues in RESIDUE_VECTORS:
        ways = outcomes(residues)
        assert sum(chance for chance, _selected in ways) == 1
        for i, residue in enumerate(residues):
            up = sum(chance for chance, selected in ways if f"u{i}" in selected)
            assert up == Fraction(residue, BASE), (residues, i)
        # As many rows go up as make them add up to the total rounded down or up.
        for _chance, selected in ways:
            assert len(selected) in {sum(residues) // BASE, -(-sum(residues) // BASE)}


def test_any_set_of_rows_of_the_right_size_can_go_up() -> None:
    """The order is random, so every set of rows that adds up can come out: seeing which
    rows went up rules out no set of true counts that the totals allow."""
    for residues in RESIDUE_VECTORS:
        reachable: set[frozenset[str]] = set()
        for order in set(permutations(range(len(residues)))):
            ordered = [residues[i] for i in order]
            for _chance, selected in outcomes(ordered):
                # Names follow the position in ``ordered``; map them back.
                reachable.add(frozenset(f"u{order[int(name[1:])]}" for name in selected))
        names = [f"u{i}" for i in range(len(residues))]
        sizes = {sum(residues) // BASE, -(-sum(residues) // BASE)}
        expected = {frozenset(c) for k in sizes for c in combinations(names, k)}
        assert reachable == expected, residues


@pytest.mark.parametrize(
    ("count", "values"), [(0, (0,)), (1, (0, 5)), (4, (0, 5)), (5, (5,)), (12, (10, 15))]
)
def test_a_count_rounds_to_the_multiples_of_5_around_it(count: int, values: tuple[int]) -> None:
    assert support(count) == values
    assert Rounder(KEY).count("x", GROUP, count) in values


def test_counts_are_right_on_average() -> None:
    rounder = Rounder(KEY)
    groups = [(org, "", "2025-01") for org in range(4000)]
    for count in (1, 3, 7):
        mean = sum(rounder.count("x", g, count) for g in groups) / len(groups)
        assert abs(mean - count) < 0.25, (count, mean)


def test_the_same_figure_is_rounded_the_same_way_every_time() -> None:
    first, again = Rounder(KEY), Rounder(KEY)
    rows = {"HND": 12, "GTM": 6, "CUB": 2}
    for org in range(50):
        group = (org, "BRO", "2025-03")
        assert first.count("x", group, 3) == again.count("x", group, 3)
        assert first.partition("t", "people", group, rows) == again.partition(
            "t", "people", group, rows
        )


def test_another_key_rounds_otherwise() -> None:
    ours, theirs = Rounder(KEY), Rounder(b"other key" * 4)
    groups = [(org, "", "2025-01") for org in range(200)]
    assert [ours.count("x", g, 3) for g in groups] != [theirs.count("x", g, 3) for g in groups]


def test_the_key_comes_from_the_secret_key(settings: object) -> None:
    settings.SECRET_KEY = "a" * 50  # type: ignore[attr-defined]
    a = [Rounder.from_settings().count("x", (org, "", ""), 2) for org in range(200)]
    settings.SECRET_KEY = "b" * 50  # type: ignore[attr-defined]
    b = [Rounder.from_settings().count("x", (org, "", ""), 2) for org in range(200)]
    assert a != b


@hypothesis.settings(max_examples=300, deadline=None)
@given(
    rows=st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(0, 40), min_size=1),
    org=st.integers(0, 10**6),
    key=st.binary(min_size=16, max_size=32),
)
def test_rows_add_up_to_the_rounded_total_of_the_same_records(
    rows: dict[str, int], org: int, key: bytes
) -> None:
    rounder = Rounder(key)
    group = (org, "P1", "2025-02")
    total, rounded = rounder.partition("nationality", "people", group, rows)
    assert sum(rounded.values()) == total
    # The total is the count of the same records, in any table about them.
    assert total == rounder.count("people", group, sum(rows.values()))
    assert total == rounder.partition("sex", "people", group, {"all": sum(rows.values())})[0]
    for name, count in rows.items():
        assert rounded[name] in support(count)


def test_a_count_below_5_never_shows_as_itself() -> None:
    assert published(0).display == SMALL_DISPLAY and published(0).hidden is Hidden.SMALL
    assert published(0).count is None
    assert published(5).display == "5" and published(5).count == 5
    for bad in (-5, 1, 4, 12):
        with pytest.raises(ValueError, match="multiple of 5"):
            published(bad)
