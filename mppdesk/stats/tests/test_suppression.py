"""Small-cell suppression: 1–4 hidden, and no hidden cell recoverable from a total."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mppdesk.stats.suppression import Cell, Hidden, primary, suppress_group


def displays(cells: Sequence[Cell | None]) -> list[str]:
    return [c.display if c is not None else "-" for c in cells]


@pytest.mark.parametrize(
    ("count", "shown"), [(0, "0"), (1, "<5"), (2, "<5"), (4, "<5"), (5, "5"), (123, "123")]
)
def test_counts_from_1_to_4_are_shown_as_under_5(count: int, shown: str) -> None:
    cell = primary(count)
    assert cell.display == shown
    assert cell.count == (None if shown == "<5" else count)


def test_a_single_small_cell_hides_the_smallest_other_one_too() -> None:
    cells, total = suppress_group([12, 6, 2], 20)
    assert displays(cells) == ["12", "*", "<5"]
    assert cells[1].hidden is Hidden.SECONDARY and cells[1].count is None
    assert total is not None and total.display == "20"


def test_two_small_cells_that_leave_room_need_no_secondary() -> None:
    cells, total = suppress_group([3, 3, 20], 26)
    assert displays(cells) == ["<5", "<5", "20"]
    assert total is not None and total.display == "26"


def test_two_small_cells_adding_up_to_8_or_2_are_protected() -> None:
    # 4 + 4 = 8 and 1 + 1 = 2 leave one possibility each: another cell goes.
    cells, _total = suppress_group([4, 4, 30], 38)
    assert displays(cells) == ["<5", "<5", "*"]
    cells, _total = suppress_group([1, 1, 9, 30], 41)
    assert displays(cells) == ["<5", "<5", "*", "30"]


def test_a_secondary_of_5_that_would_give_the_small_cell_away_is_skipped() -> None:
    # "<5" and "*" adding up to 6 can only be 1 and 5: hide the 100 instead.
    cells, total = suppress_group([1, 5, 100], 106)
    assert displays(cells) == ["<5", "5", "*"]
    assert total is not None and total.display == "106"


def test_the_total_is_hidden_when_no_cell_is_left_to_hide() -> None:
    cells, total = suppress_group([4, 4], 8)
    assert displays(cells) == ["<5", "<5"]
    assert total is not None and total.display == "*" and total.count is None


def test_a_small_total_is_hidden_like_any_count() -> None:
    cells, total = suppress_group([3, 0, 0], 3)
    assert displays(cells) == ["<5", "0", "0"]
    assert total is not None and total.display == "<5"


def test_without_a_total_only_the_primary_rule_applies() -> None:
    cells, total = suppress_group([2, 50], None)
    assert displays(cells) == ["<5", "50"]
    assert total is None


def test_cells_must_add_up_to_the_total() -> None:
    with pytest.raises(ValueError, match="add up"):
        suppress_group([1, 2], 4)


def _possible_values(bounds: list[tuple[int, int]], remainder: int) -> list[set[int]]:
    """Brute force: for each hidden cell, every value it takes in some assignment of
    values within the bounds that adds up to ``remainder``."""
    seen: list[set[int]] = [set() for _ in bounds]

    def walk(i: int, left: int, chosen: list[int]) -> None:
        if i == len(bounds):
            if left == 0:
                for k, value in enumerate(chosen):
                    seen[k].add(value)
            return
        low, high = bounds[i]
        rest_low = sum(b[0] for b in bounds[i + 1 :])
        for value in range(low, min(high, left - rest_low) + 1):
            walk(i + 1, left - value, [*chosen, value])

    walk(0, remainder, [])
    return seen


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5))
def test_no_hidden_cell_can_be_worked_out_from_the_total(counts: list[int]) -> None:
    total = sum(counts)
    cells, total_cell = suppress_group(counts, total)
    assert total_cell is not None
    for count, cell in zip(counts, cells, strict=True):
        # Shown cells are exact; hidden ones carry no number; 1-4 is never shown.
        assert cell.count == (None if cell.suppressed else count)
        assert not (0 < count < 5) or cell.hidden is Hidden.SMALL
    if total_cell.suppressed:
        return  # nothing to subtract from
    hidden = [i for i, c in enumerate(cells) if c.suppressed]
    if not hidden:
        return
    # What a reader knows: "<5" is 1-4, "*" was a shown non-zero cell (>= 5), and the
    # hidden cells add up to the total minus the shown ones.
    bounds = [(1, 4) if cells[i].hidden is Hidden.SMALL else (5, total) for i in hidden]
    remainder = total - sum(counts[i] for i, c in enumerate(cells) if not c.suppressed)
    for values in _possible_values(bounds, remainder):
        assert len(values) >= 2, (counts, displays(cells))
