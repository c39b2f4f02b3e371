"""How a published figure is shown: a multiple of 5, or ``"<5"``.

Figures arrive here already rounded (``rounding``): every one is a sum of rounded base
cells, so a multiple of 5. A figure rounded to 0 is shown as ``"<5"`` — none, or a few —
and carries no count. Whether a figure shows ``"<5"`` depends on the rounded figure only,
never on the true count: showing ``"0"`` for true zeros and ``"<5"`` for 1 to 4 would tell
an analyst that four ``"<5"`` months of a ``"<5"`` year hold exactly one person each.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mppdesk.stats.rounding import BASE

THRESHOLD = BASE
SMALL_DISPLAY = f"<{THRESHOLD}"


class Hidden(StrEnum):
    SMALL = "small"  # rounded to 0: none, or fewer than 5


@dataclass(frozen=True)
class Cell:
    """One published figure: the rounded count, or ``None`` and why it is hidden."""

    count: int | None
    hidden: Hidden | None = None

    @property
    def display(self) -> str:
        return SMALL_DISPLAY if self.hidden is Hidden.SMALL else str(self.count)

    @property
    def suppressed(self) -> bool:
        return self.hidden is not None

    @property
    def value(self) -> int:
        """The rounded figure, 0 for ``"<5"`` (for ordering and bars)."""
        return self.count or 0


def published(rounded: int) -> Cell:
    """The cell of a rounded figure."""
    if rounded < 0 or rounded % BASE:
        raise ValueError("a published figure is a rounded count: a multiple of 5")
    return Cell(None, Hidden.SMALL) if rounded == 0 else Cell(rounded)
