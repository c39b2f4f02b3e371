"""The improvement step after rounding: exact integer programs on neighbourhoods.

Rounding the LP leaves seats scattered: a family of four stays out while four dockets
have one free seat each, though moving one person a docket later would seat them all.
This step re-solves parts of the proposal exactly (``exact.solve_subproblem``: first the
most people placed, then the least objective), each from the current placement as
HiGHS's first solution, so a neighbourhood never gets worse:

- a component small enough (``FULL_VARS`` variables) is solved whole: its proposal is
  then the exact optimum (unless ``WHOLE_SECONDS`` stop HiGHS first);
- a larger one by *windows* of consecutive court days (about ``WINDOW_VARS`` variables
  each, half overlapping, in time order): the units booked in the window and every
  unit still left out that may be heard by then are freed and placed again on the
  window's dockets; everything else stays. Passes repeat while they improve and time
  is left. Only components with someone left out for lack of seats or reporting
  windows, or further than ``LNS_GAP`` from their LP bound, are searched.
"""

from __future__ import annotations

import bisect
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Sequence

from mppdesk.lib.scheduling.common import Instance, Ledger, need
from mppdesk.lib.scheduling.exact import SubResult, Window, solve_subproblem
from mppdesk.lib.scheduling.model import Unit

#: A component with at most this many (unit, docket, window) variables is solved whole.
FULL_VARS = 3_000
#: Variables of one window of the local search.
WINDOW_VARS = 2_000
#: Each neighbourhood's MILP stops within this relative gap of its optimum (HiGHS's
#: default): far below the 1 % the proposal is held to, and much faster to prove.
IMPROVE_GAP = 1e-4
#: Seconds at most for one window, and for a whole component (HiGHS keeps the best
#: placement found by then, never worse than the one it started from).
WINDOW_SECONDS = 5.0
WHOLE_SECONDS = 10.0
#: Search a large component only when its proposal is this far above its LP bound.
LNS_GAP = 0.001
#: Passes over the windows of a component at most.
MAX_PASSES = 3


def component_cost(inst: Instance, ledger: Ledger, members: Sequence[Unit]) -> float:
    """The objective's share of one component: its units' waiting and penalties and the
    spread of the judges of its venues (judges are per venue, venues per component)."""
    venues = {u.venue for u in members}
    cost = 0.0
    for unit in members:
        placed = ledger.assignments.get(unit.id)
        if placed is None:
            cost += inst.penalty(unit)
        else:
            cost += unit.size * inst.rho[unit.id] * placed.days
    loads = _loads(inst, ledger, venues)
    spread = sum(
        abs(loads.get(key, 0.0) - target)
        for key, target in inst.judge_targets.items()
        if key[0] in venues
    )
    return cost + inst.weights.judge_weight * spread


def _loads(inst: Instance, ledger: Ledger, venues: set[str]) -> dict[tuple[str, str], float]:
    by_id = {u.id: u for u in inst.placeable}
    loads: dict[tuple[str, str], float] = defaultdict(float)
    for slot in inst.slots:
        if slot.venue in venues:
            loads[(slot.venue, slot.judge)] += min(slot.booked, slot.capacity)
    for unit_id, placed in ledger.assignments.items():
        unit = by_id.get(unit_id)
        if unit is None or unit.venue not in venues:
            continue
        slot = inst.slots[inst.slot_index[placed.docket_id]]
        loads[(slot.venue, slot.judge)] += unit.size
    return loads


class Improver:
    """Improves one component's placement in ``ledger`` in place."""

    def __init__(self, inst: Instance, ledger: Ledger, members: Sequence[Unit]) -> None:
        self.inst = inst
        self.ledger = ledger
        self.members = list(members)
        self.venues = {u.venue for u in members}
        self.slot_idxs = [i for i, s in enumerate(inst.slots) if s.venue in self.venues]
        # Per (venue, language): the component's slot indexes serving it, in time order.
        self.serving: dict[tuple[str, str], list[dt.date]] = {}
        for unit in members:
            key = (unit.venue, need(unit.language))
            if key not in self.serving:
                self.serving[key] = [
                    inst.slots[i].date
                    for i in self.slot_idxs
                    if inst.slots[i].venue == unit.venue and inst.slots[i].serves(unit.language)
                ]
        self.days = sorted({inst.slots[i].date for i in self.slot_idxs})
        self.stats: dict[str, float] = defaultdict(float)

    # -- estimates -----------------------------------------------------------------------

    def _options(self, unit: Unit, lo: dt.date, hi: dt.date) -> int:
        """Dockets in [lo, hi] that serve the unit from its earliest date (an estimate of
        its variables: times the port's windows)."""
        dates = self.serving[(unit.venue, need(unit.language))]
        first = bisect.bisect_left(dates, max(lo, self.inst.earliest[unit.id]))
        last = bisect.bisect_right(dates, hi)
        n = max(0, last - first)
        return n * (self.inst.ports[unit.port].report_windows if unit.port else 1)

    def variables(self) -> int:
        if not self.slot_idxs:
            return 0
        lo = self.inst.slots[self.slot_idxs[0]].date
        hi = self.inst.slots[self.slot_idxs[-1]].date
        return sum(self._options(u, lo, hi) for u in self.members)

    # -- moves ---------------------------------------------------------------------------

    def _apply(self, freed: list[Unit], sub: SubResult) -> bool:
        """Take the neighbourhood's answer when it is better (lexicographic)."""
        before = (self.ledger.people(freed), -component_cost(self.inst, self.ledger, self.members))
        old = {
            u.id: self.ledger.assignments[u.id] for u in freed if u.id in self.ledger.assignments
        }
        for unit in freed:
            if unit.id in old:
                self.ledger.remove(unit)
        for unit in freed:
            spot = sub.placed.get(unit.id)
            if spot is not None:
                self.ledger.put(unit, spot[0], spot[1])
        after = (self.ledger.people(freed), -component_cost(self.inst, self.ledger, self.members))
        if after[0] > before[0] or (after[0] == before[0] and after[1] > before[1] + 1e-7):
            return True
        # Not better (HiGHS stopped early, or rounding noise): put everything back.
        for unit in freed:
            if unit.id in self.ledger.assignments:
                self.ledger.remove(unit)
        for unit in freed:
            if unit.id in old:
                placed = old[unit.id]
                idx = self.inst.slot_index[placed.docket_id]
                self.ledger.put(unit, idx, placed.report_at)
        return False

    def _solve(
        self,
        freed: list[Unit],
        allowed: dict[str, list[int]] | None,
        time_limit: float,
    ) -> SubResult | None:
        ledger, inst = self.ledger, self.inst
        room = list(ledger.room)
        used: dict[Window, int] = dict(ledger.window_used)
        start: dict[str, tuple[int, dt.datetime | None]] = {}
        for unit in freed:
            placed = ledger.assignments.get(unit.id)
            if placed is None:
                continue
            idx = inst.slot_index[placed.docket_id]
            room[idx] += unit.size
            if placed.report_at is not None and unit.port is not None:
                used[(unit.port, placed.report_at)] -= unit.size
            start[unit.id] = (idx, placed.report_at)
        window_room: dict[Window, int] = {}
        for code in {u.port for u in freed if u.port is not None}:
            cap = inst.ports[code].hourly_capacity
            for i in self.slot_idxs:
                for opening in inst.windows(i, code):
                    window_room[(code, opening)] = cap - used.get((code, opening), 0)
        loads = _loads(inst, ledger, self.venues)
        for unit in freed:
            placed = ledger.assignments.get(unit.id)
            if placed is not None:
                slot = inst.slots[inst.slot_index[placed.docket_id]]
                loads[(slot.venue, slot.judge)] -= unit.size
        self.stats["subproblems"] += 1
        return solve_subproblem(
            inst, freed, room, window_room, loads, allowed=allowed, start=start,
            time_limit=time_limit, gap=IMPROVE_GAP,
        )  # fmt: skip

    def whole(self, deadline: float) -> bool:
        """Solve the component exactly (from the current placement)."""
        left = min(deadline - time.perf_counter(), WHOLE_SECONDS)
        sub = self._solve(self.members, None, left)
        if sub is None:
            return False
        self.stats["whole_proven"] += float(sub.proven)
        return self._apply(self.members, sub)

    def _booked_by_day(self) -> dict[dt.date, list[Unit]]:
        inst = self.inst
        by_day: dict[dt.date, list[Unit]] = defaultdict(list)
        for unit in self.members:
            placed = self.ledger.assignments.get(unit.id)
            if placed is not None:
                by_day[inst.slots[inst.slot_index[placed.docket_id]].date].append(unit)
        return by_day

    def _left_out(self, lo: dt.date, hi: dt.date, budget: int) -> list[Unit]:
        """Units without a docket that may be heard by ``hi``, heaviest first, within a
        budget of variables."""
        inst = self.inst
        waiting = sorted(
            (u for u in self.members if u.id not in self.ledger.assignments),
            key=lambda u: (-inst.penalty(u), u.id),
        )
        out: list[Unit] = []
        for unit in waiting:
            n = self._options(unit, lo, hi)
            if n == 0:
                continue
            if budget - n < 0 and out:
                break
            budget -= n
            out.append(unit)
        return out

    def windows(self) -> list[tuple[int, int]]:
        """Windows ``(first, last)`` of indexes into the component's court days, each about
        ``WINDOW_VARS`` variables for the units booked in it, half overlapping."""
        days, by_day = self.days, self._booked_by_day()
        out: list[tuple[int, int]] = []
        i = 0
        while i < len(days):
            j = i
            while j + 1 < len(days):
                hi = days[j + 1]
                n = sum(self._options(u, days[i], hi) for d in days[i : j + 2] for u in by_day[d])
                if n > WINDOW_VARS // 2:
                    break
                j += 1
            out.append((i, j))
            if j + 1 >= len(days):
                break
            i = max(i + 1, (i + j + 1) // 2)
        return out

    def local_search(self, deadline: float) -> None:
        inst = self.inst
        for _pass in range(MAX_PASSES):
            improved = False
            for first, last in self.windows():
                left = deadline - time.perf_counter()
                if left <= 0.1:
                    return
                lo, hi = self.days[first], self.days[last]
                window_slots = [i for i in self.slot_idxs if lo <= inst.slots[i].date <= hi]
                inside = set(window_slots)
                booked = [
                    u
                    for u in self.members
                    if (placed := self.ledger.assignments.get(u.id)) is not None
                    and inst.slot_index[placed.docket_id] in inside
                ]
                freed = booked + self._left_out(lo, hi, WINDOW_VARS // 2)
                if not freed:
                    continue
                sub = self._solve(
                    freed, {u.id: window_slots for u in freed}, min(left, WINDOW_SECONDS)
                )
                if sub is not None and self._apply(freed, sub):
                    improved = True
                    self.stats["windows_improved"] += 1
            self.stats["passes"] += 1
            if not improved:
                return


def improve(
    inst: Instance,
    ledger: Ledger,
    members: Sequence[Unit],
    *,
    lp_bound: float | None,
    deadline: float,
) -> dict[str, float]:
    """Improve the placement of ``members`` (one component) in ``ledger``; return counts
    of what was done."""
    improver = Improver(inst, ledger, members)
    if time.perf_counter() >= deadline or not members:
        return dict(improver.stats)
    n_vars = improver.variables()
    if n_vars <= FULL_VARS:
        improver.whole(deadline)
        improver.stats["whole"] += 1
        return dict(improver.stats)
    left_out = any(u.id not in ledger.assignments for u in members)
    cost = component_cost(inst, ledger, members)
    far = lp_bound is not None and lp_bound > 0 and cost > lp_bound * (1 + LNS_GAP)
    if left_out or far:
        improver.local_search(deadline)
        improver.stats["searched"] += 1
    return dict(improver.stats)
