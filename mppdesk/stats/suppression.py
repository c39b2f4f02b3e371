"""Small-cell suppression of the published figures.

Rules (docs/security.md, "De-identified statistics"):

1. **Primary.** A count from 1 to ``THRESHOLD - 1`` (1–4) is shown as ``"<5"``. Zero is
   shown: an empty category says nothing about anyone.
2. **Secondary.** Within a group of cells that adds up to a shown total (a table's rows,
   or one row split in columns), a reader who subtracts the shown cells from the total
   learns the sum of the hidden ones. Knowing that a ``"<5"`` cell is 1–4 and a ``"*"``
   cell at least 5, that sum must leave every hidden cell at least two possible values.
   While it does not (a single hidden cell; two ``"<5"`` adding up to 8 or 2; ``"<5"``
   and ``"*"`` adding up to 6), another non-zero cell is hidden and shown as ``"*"``;
   when none is left, the total is hidden (``"*"``).
3. A total from 1 to 4 is shown as ``"<5"`` like any other count.

Suppressed cells carry no count at all (``count is None``): the numbers never leave this
module for the templates, the CSV, the API or the command line.

Not covered (documented in docs/security.md): the rules hold within one table. Two
tables about the same records share their total, and two filtered views can be
subtracted (all ports minus one port), which can still narrow a hidden count in small
populations; rounding or a statistical disclosure control tool would be needed for that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

THRESHOLD = 5
SMALL_DISPLAY = f"<{THRESHOLD}"
SECONDARY_DISPLAY = "*"


class Hidden(StrEnum):
    SMALL = "small"  # 1 to 4
    SECONDARY = "secondary"  # hidden so that a small cell cannot be worked out


@dataclass(frozen=True)
class Cell:
    """One published figure: the count, or ``None`` and why it is hidden."""

    count: int | None
    hidden: Hidden | None = None

    @property
    def display(self) -> str:
        if self.hidden is Hidden.SMALL:
            return SMALL_DISPLAY
        if self.hidden is Hidden.SECONDARY:
            return SECONDARY_DISPLAY
        return str(self.count)

    @property
    def suppressed(self) -> bool:
        return self.hidden is not None


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def primary(count: int) -> Cell:
    """A figure that no total adds up from: only the 1–4 rule applies."""
    if count < 0:
        raise ValueError("counts are never negative")
    return Cell(None, Hidden.SMALL) if is_small(count) else Cell(count)


def _bounds(hidden: Hidden, total: int) -> tuple[int, int]:
    """What a reader knows of a hidden cell: a small one is 1–4; a secondary one was a
    shown, non-zero cell, so at least 5 (and at most the total)."""
    return (1, THRESHOLD - 1) if hidden is Hidden.SMALL else (THRESHOLD, total)


def recoverable(counts: Sequence[int], cells: Sequence[Cell], total: int) -> list[int]:
    """Indexes of hidden cells whose value follows from the shown total and the bounds
    of the other hidden cells (an interval of one value)."""
    bounds = {i: _bounds(c.hidden, total) for i, c in enumerate(cells) if c.hidden is not None}
    hidden = list(bounds)
    remainder = sum(counts[i] for i in hidden)  # the total minus every shown cell
    found = []
    for i in hidden:
        low, high = bounds[i]
        others_low = sum(bounds[j][0] for j in hidden if j != i)
        others_high = sum(bounds[j][1] for j in hidden if j != i)
        if min(high, remainder - others_low) <= max(low, remainder - others_high):
            found.append(i)
    return found


def suppress_group(counts: Sequence[int], total: int | None) -> tuple[list[Cell], Cell | None]:
    """Suppress ``counts``, cells that add up to ``total`` (``None``: no total is shown).

    Returns the cells in the same order and the total cell. After the primary rule,
    while some hidden cell could be worked out from the total (one hidden cell alone;
    two hidden cells of 4 that must add up to 8; "<5" and "*" that must add up to 6),
    another cell is hidden: the smallest shown non-zero one that makes every hidden
    cell uncertain, else the smallest. When no cell is left to hide, the total is hidden.
    """
    if total is not None and total != sum(counts):
        raise ValueError("the cells of a group must add up to its total")
    cells = [primary(c) for c in counts]
    total_cell = primary(total) if total is not None else None
    if total is None or total_cell is None or total_cell.suppressed:
        # Without a shown total nothing can be subtracted; a small total means every
        # cell is 0 or small already.
        return cells, total_cell
    while recoverable(counts, cells, total):
        candidates = sorted(
            (counts[i], i) for i, cell in enumerate(cells) if not cell.suppressed and counts[i]
        )
        if not candidates:
            total_cell = Cell(None, Hidden.SECONDARY)
            break
        choice = candidates[0][1]
        for _count, i in candidates:
            trial = [*cells[:i], Cell(None, Hidden.SECONDARY), *cells[i + 1 :]]
            if not recoverable(counts, trial, total):
                choice = i
                break
        cells[choice] = Cell(None, Hidden.SECONDARY)
    return cells, total_cell
