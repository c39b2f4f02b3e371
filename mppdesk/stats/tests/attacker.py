"""The attacker's tools: read published tables, take them apart into groups, and work out
exactly which true counts are consistent with everything published.

The attacker knows the method (docs/statistics.md) but not the key. What they can prove
about a base cell — the count of one row of one table in one group (organization, port,
month) — is the set of true values for which some key would have published what they
see. ``GroupModel`` writes that down as an integer program over one group, with every
relation between figures the method documents:

- a published value ``r`` comes from a true count in ``[max(0, r - 4), r + 4]``;
- the rows of a partition add up to the group's count of those records, and all tables
  of the same records (people: nationality, sex, year of birth / border city, month;
  households; cases) share that count's rounded value;
- the tables of nationality, sex and year of birth count people not erased plus the
  erased ones' de-identified rows, the others every person: two counts under the same
  name, so when their rounded values differ the true ones do too;
- each language's speakers split into those who need an interpreter and those who do
  not; every language, vulnerability and the people needing an interpreter are among
  the people not erased (people minus erased ones), and the people needing an
  interpreter number at least those of any one language and at most those of all.

``bounds`` then asks a MILP solver (HiGHS through SciPy) for the smallest and largest
value of a cell: if they are equal, the cell is worked out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from mppdesk.stats.queries import Table
from mppdesk.stats.rounding import BASE, Group
from mppdesk.stats.suppression import SMALL_DISPLAY

# What a table shows: (row key, column) -> value; the total row is "total".
Figures = dict[str, dict[tuple[str, int], int]]

POPULATIONS = {
    "stat": ["nationality", "sex", "birth_decade"],
    "people": ["border_city", "intake_month"],
    "households": ["household_size"],
    "cases": ["case_status", "case_venue"],
}
OVERVIEW_TOTALS = {"people": "people", "households": "households", "cases": "cases"}
BIG = 10**6


def read(tables: Iterable[Table]) -> Figures:
    """What an analyst reads: the displays ("<5" is a rounded 0)."""
    figures: Figures = {}
    for table in tables:
        values = figures.setdefault(table.name, {})
        for row in [*table.rows, *([table.total] if table.total else [])]:
            for i, cell in enumerate(row.cells):
                values[(row.key, i)] = 0 if cell.display == SMALL_DISPLAY else int(cell.display)
    return figures


def add(into: Figures, figures: Mapping[str, Mapping[tuple[str, int], int]], sign: int) -> None:
    for table, values in figures.items():
        target = into.setdefault(table, {})
        for key, value in values.items():
            target[key] = target.get(key, 0) + sign * value


def inverse(published: int) -> tuple[int, int]:
    """The true counts that can be rounded to ``published``."""
    if published % BASE or published < 0:
        raise ValueError(published)
    return max(0, published - (BASE - 1)), published + BASE - 1


def in_support(published: int, true: int) -> bool:
    low, high = inverse(published)
    return low <= true <= high


@dataclass
class Model:
    """A small integer program: variables with bounds and linear constraints."""

    names: list[str] = field(default_factory=list)
    low: list[int] = field(default_factory=list)
    high: list[int] = field(default_factory=list)
    rows: list[tuple[dict[int, int], float, float]] = field(default_factory=list)
    _built: tuple[tuple[int, int], list[LinearConstraint]] | None = None

    def var(self, name: str, low: int, high: int) -> int:
        self.names.append(name)
        self.low.append(low)
        self.high.append(high)
        return len(self.names) - 1

    def constrain(self, coefficients: dict[int, int], low: float, high: float) -> None:
        self.rows.append((coefficients, low, high))

    def sum_equals(self, parts: list[int], total: int) -> None:
        coefficients = {i: 1 for i in parts}
        coefficients[total] = coefficients.get(total, 0) - 1
        self.constrain(coefficients, 0, 0)

    def at_most(self, small: int, large: int) -> None:
        self.constrain({small: 1, large: -1}, -np.inf, 0)

    def differ(self, a: int, b: int) -> None:
        """``a != b``, with a binary choosing which is larger."""
        larger = self.var(f"{a}>{b}", 0, 1)
        self.constrain({a: 1, b: -1, larger: -BIG}, 1 - BIG, np.inf)
        self.constrain({b: 1, a: -1, larger: BIG}, 1, np.inf)

    def _constraints(self) -> list[LinearConstraint]:
        n = len(self.names)
        if self._built is None or self._built[0] != (n, len(self.rows)):
            matrix = np.zeros((len(self.rows), n))
            for r, (coefficients, _low, _high) in enumerate(self.rows):
                for i, c in coefficients.items():
                    matrix[r, i] = c
            lows = [low for _c, low, _h in self.rows]
            highs = [high for _c, _l, high in self.rows]
            constraints = [LinearConstraint(matrix, lows, highs)] if self.rows else []
            self._built = ((n, len(self.rows)), constraints)
        return self._built[1]

    def _solve(self, objective: np.ndarray, low: list[int], high: list[int]) -> np.ndarray | None:
        result = milp(
            objective,
            integrality=np.ones(len(self.names)),
            bounds=Bounds(low, high),
            constraints=self._constraints(),
        )
        return result.x if result.success else None

    def solution(self, index: int, sign: int) -> list[int]:
        """A solution with the smallest (``sign`` 1) or largest (-1) value of ``index``."""
        objective = np.zeros(len(self.names))
        objective[index] = sign
        found = self._solve(objective, self.low, self.high)
        if found is None:
            raise AssertionError("no data set fits what was published")
        return [round(x) for x in found]

    def extreme(self, index: int, sign: int) -> int:
        return self.solution(index, sign)[index]

    def bounds(self, index: int) -> tuple[int, int]:
        return self.extreme(index, 1), self.extreme(index, -1)

    def fits(self, values: Mapping[int, int]) -> bool:
        """Whether these values of some variables fit every constraint (the others free)."""
        low, high = list(self.low), list(self.high)
        for index, value in values.items():
            if not low[index] <= value <= high[index]:
                return False
            low[index] = high[index] = value
        return self._solve(np.zeros(len(self.names)), low, high) is not None

    def pinned(self, index: int, true: int, known: list[list[int]] | None = None) -> bool:
        """Whether everything known leaves ``true`` as the only value (``true`` must fit).

        ``known`` collects solutions found so far: one where the variable is not ``true``
        settles it without solving again."""
        known = [] if known is None else known
        if any(solution[index] != true for solution in known):
            return False
        for sign in (-1, 1):
            known.append(self.solution(index, sign))
            if known[-1][index] != true:
                return False
        return True


@dataclass
class GroupModel:
    """What the attacker can prove about one group, from its published figures."""

    model: Model
    cells: dict[tuple[str, str, int], int]  # (table, row, column) -> variable
    totals: dict[str, int]  # population -> variable


def group_model(known: Figures, universe: Mapping[str, Iterable[str]], group: Group) -> GroupModel:
    """``known``: the published figures of ``group``; ``universe``: the rows each table can
    have (the attacker is granted every category that exists anywhere)."""
    model = Model()
    cells: dict[tuple[str, str, int], int] = {}

    def published(table: str, row: str, column: int = 0) -> int:
        return known.get(table, {}).get((row, column), 0)

    def cell(table: str, row: str, column: int = 0) -> int:
        index = model.var(f"{table}:{row}:{column}", *inverse(published(table, row, column)))
        cells[(table, row, column)] = index
        return index

    def rows_of(table: str) -> list[str]:
        # A group is one port and one month: the border city and month tables have one row.
        if table == "border_city":
            return [group[1]]
        if table == "intake_month":
            return [group[2]]
        return sorted(universe.get(table, ()))

    totals: dict[str, int] = {}
    rounded_totals: dict[str, int] = {}
    for population, names in POPULATIONS.items():
        rounded_totals[population] = published(names[0], "total")
        totals[population] = model.var(population, *inverse(rounded_totals[population]))
        for table in names:
            model.sum_equals([cell(table, row) for row in rows_of(table)], totals[population])
    if rounded_totals["stat"] != rounded_totals["people"]:
        model.differ(totals["stat"], totals["people"])

    erased = cell("overview", "erased")
    live = model.var("live", 0, BIG)
    model.constrain({live: 1, totals["people"]: -1, erased: 1}, 0, 0)
    model.at_most(live, totals["stat"])
    interpreter = cell("overview", "interpreter")
    model.at_most(interpreter, live)
    needing = []
    for code in sorted(universe.get("languages", ())):
        speakers, needs, needs_not = (cell("languages", code, c) for c in (0, 1, 2))
        model.sum_equals([needs, needs_not], speakers)
        model.at_most(speakers, live)
        model.at_most(needs, interpreter)
        needing.append(needs)
    model.constrain({interpreter: 1, **{n: -1 for n in needing}}, -np.inf, 0)
    for code in sorted(universe.get("vulnerabilities", ())):
        model.at_most(cell("vulnerabilities", code), live)
    return GroupModel(model, cells, totals)


def assert_nothing_pinned(found: GroupModel, truth: Mapping[tuple[str, str, int], int]) -> int:
    """Check a group: the truth fits what was published (so the model is sound), and no
    cell or total has only one value that fits. Returns the number of cells checked."""
    totals = {
        population: sum(n for (table, _r, c), n in truth.items() if table == names[0] and c == 0)
        for population, names in POPULATIONS.items()
    }
    values = {index: truth.get(cell, 0) for cell, index in found.cells.items()}
    values.update({found.totals[p]: n for p, n in totals.items()})
    assert found.model.fits(values), "the truth does not fit the model"
    known: list[list[int]] = []
    for cell, index in found.cells.items():
        assert not found.model.pinned(index, truth.get(cell, 0), known), (cell, truth.get(cell))
    for population, index in found.totals.items():
        assert not found.model.pinned(index, totals[population], known), population
    return len(found.cells)
