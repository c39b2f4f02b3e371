"""The exact integer program of the scheduling problem, solved with HiGHS (``scipy.optimize.milp``).

Lexicographic, as the proposal is judged: first the most **people placed**, then the
least objective (``solver``'s formula: weighted waiting + judges' spread + the penalty of
the placeable units left out). Two solves: the first maximizes people placed; the second
minimizes the objective with at least that many people placed.

Variables: a binary ``x[u, s, w]`` per unit ``u``, docket ``s`` that may take it (venue,
interpreter, not before its earliest date, seats) and reporting window ``w`` of the
docket at the unit's port (``w`` is absent for a unit without a port); the judges'
deviations from their venue mean are continuous. Rows: a unit at most once, seats per
docket, people per port window, and the judges' loads. The variables of one unit share
one docket and one window, so a household is never split.

Used for a whole instance (``exact_schedule``: tests and the benchmark's reference
optimum) and, inside ``solver.schedule``, for a *neighbourhood*: some units are freed
and everything else stays where it is (``solve_subproblem``); the seats and windows the
fixed units use are taken off first, so any answer keeps every hard constraint.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import coo_array

from mppdesk.lib.scheduling.common import Instance, finish, prepare
from mppdesk.lib.scheduling.lp_bound import components
from mppdesk.lib.scheduling.model import (
    Assignment,
    PortInfo,
    Reason,
    ScheduleResult,
    Slot,
    Unit,
    Weights,
)

#: HiGHS's relative MIP gap: the second solve stops within this of its optimum.
MIP_REL_GAP = 1e-6

Window = tuple[str, dt.datetime]  # port code, window start (UTC)


@dataclass
class SubResult:
    """Where the freed units go: ``unit id -> (slot index, window start or None)``.

    ``proven``: both solves finished (not stopped by the time limit), so the placement
    is optimal for the neighbourhood (within ``MIP_REL_GAP`` for the objective)."""

    placed: dict[str, tuple[int, dt.datetime | None]]
    people: int
    proven: bool


def candidates(inst: Instance, unit: Unit, room: Sequence[int]) -> list[int]:
    """Slot indexes that could take ``unit`` on their own: venue, interpreter, date, seats."""
    earliest = inst.earliest[unit.id]
    return [
        i
        for i, slot in enumerate(inst.slots)
        if slot.venue == unit.venue
        and slot.date >= earliest
        and room[i] >= unit.size
        and slot.serves(unit.language)
    ]


def solve_subproblem(
    inst: Instance,
    units: Sequence[Unit],
    room: Sequence[int],
    window_room: Mapping[Window, int],
    loads: Mapping[tuple[str, str], float],
    *,
    allowed: Mapping[str, Iterable[int]] | None = None,
    start: Mapping[str, tuple[int, dt.datetime | None]] | None = None,
    time_limit: float = 60.0,
    relax: bool = False,
    gap: float = MIP_REL_GAP,
) -> SubResult | None:
    """Place ``units`` optimally (lexicographic: people, then objective) given the seats
    ``room[slot index]`` and port windows ``window_room`` left by everybody else, and the
    judges' ``loads`` (people per (venue, judge)) of everybody else.

    ``allowed`` restricts each unit to some slot indexes (default: every candidate).
    ``start``: a known placement of (some of) the units, ``unit id -> (slot index,
    window)``, handed to HiGHS as its first solution, so the answer is never worse.
    Returns ``None`` when HiGHS found no solution in ``time_limit`` seconds. ``gap``:
    the relative MIP gap at which the second solve stops.
    ``relax``: solve only the LP relaxation of the first step; ``people`` is then an
    upper bound of the people that can be placed (rounded down) and nothing is placed.
    """
    started = time.perf_counter()
    w = inst.weights
    var_unit: list[int] = []
    var_slot: list[int] = []
    var_window: list[Window | None] = []
    for k, unit in enumerate(units):
        options = allowed.get(unit.id) if allowed is not None else None
        slot_idxs = candidates(inst, unit, room) if options is None else options
        for i in slot_idxs:
            slot = inst.slots[i]
            if room[i] < unit.size or slot.venue != unit.venue or not slot.serves(unit.language):
                continue
            if slot.date < inst.earliest[unit.id]:
                continue
            if unit.port is None:
                var_unit.append(k)
                var_slot.append(i)
                var_window.append(None)
                continue
            for opening in inst.windows(i, unit.port):
                if window_room.get((unit.port, opening), 0) >= unit.size:
                    var_unit.append(k)
                    var_slot.append(i)
                    var_window.append((unit.port, opening))
    n_x = len(var_unit)
    if n_x == 0:
        return SubResult({}, 0, True)
    vu = np.array(var_unit, dtype=np.int64)
    vs = np.array(var_slot, dtype=np.int64)
    size = np.array([u.size for u in units], dtype=float)[vu]
    # Judges of the slots the variables use; the others' spread is a constant here.
    judge_keys = sorted({(inst.slots[i].venue, inst.slots[i].judge) for i in set(var_slot)})
    judge_row = {key: r for r, key in enumerate(judge_keys)}
    n_j = len(judge_keys)
    n_var = n_x + 2 * n_j
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    r = 0
    xs = np.arange(n_x)

    def add(block_rows: np.ndarray, block_cols: np.ndarray, block_vals: np.ndarray) -> None:
        rows.append(block_rows)
        cols.append(block_cols)
        vals.append(block_vals)

    # Each unit at most once.
    used_units, unit_row = np.unique(vu, return_inverse=True)
    add(r + unit_row, xs, np.ones(n_x))
    lower.append(np.zeros(len(used_units)))
    upper.append(np.ones(len(used_units)))
    r += len(used_units)
    # Seats per docket.
    used_slots, slot_row = np.unique(vs, return_inverse=True)
    add(r + slot_row, xs, size)
    lower.append(np.full(len(used_slots), -np.inf))
    upper.append(np.array([room[i] for i in used_slots.tolist()], dtype=float))
    r += len(used_slots)
    # People per port window.
    windows = sorted({v for v in var_window if v is not None})
    if windows:
        index = {v: k for k, v in enumerate(windows)}
        with_window = np.array([k for k, v in enumerate(var_window) if v is not None])
        window_row = np.array([index[v] for v in var_window if v is not None], dtype=np.int64)
        add(r + window_row, with_window, size[with_window])
        lower.append(np.full(len(windows), -np.inf))
        upper.append(np.array([window_room.get(v, 0) for v in windows], dtype=float))
        r += len(windows)
    # Judges: load - target = dp - dm, i.e. sum(size x) - dp + dm = target - fixed load.
    x_judge = np.zeros(n_x, dtype=np.int64)
    rhs = np.zeros(n_j)
    if n_j:
        x_judge = np.array(
            [judge_row[(inst.slots[i].venue, inst.slots[i].judge)] for i in var_slot],
            dtype=np.int64,
        )
        js = np.arange(n_j)
        add(r + x_judge, xs, size)
        add(r + js, n_x + js, -np.ones(n_j))
        add(r + js, n_x + n_j + js, np.ones(n_j))
        rhs = np.array([inst.judge_targets[key] - loads.get(key, 0.0) for key in judge_keys])
        lower.append(rhs)
        upper.append(rhs)
        r += n_j
    matrix = coo_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, n_var)
    ).tocsc()
    rho = np.array([inst.rho[u.id] for u in units])[vu]
    days = np.array([inst.days(inst.slots[i]) for i in var_slot], dtype=float)
    penalty = np.array([inst.penalty(u) for u in units])[vu]
    cost = np.concatenate([size * rho * days - penalty, np.full(2 * n_j, w.judge_weight)])

    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_var, r
    lp.col_cost_ = np.concatenate([-size, np.zeros(2 * n_j)])
    lp.col_lower_ = np.zeros(n_var)
    lp.col_upper_ = np.concatenate([np.ones(n_x), np.full(2 * n_j, highspy.kHighsInf)])
    lp.row_lower_ = np.maximum(np.concatenate(lower), -highspy.kHighsInf)
    lp.row_upper_ = np.minimum(np.concatenate(upper), highspy.kHighsInf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    kind = highspy.HighsVarType.kContinuous if relax else highspy.HighsVarType.kInteger
    lp.integrality_ = [kind] * n_x + [highspy.HighsVarType.kContinuous] * (2 * n_j)
    highs.passModel(lp)
    if relax:
        highs.setOptionValue("time_limit", max(time_limit, 1.0))
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return SubResult({}, int(np.floor(-highs.getInfo().objective_function_value + 1e-6)), True)

    def with_judges(x: np.ndarray) -> np.ndarray:
        """A full start vector: the judges' deviations that go with placement ``x``."""
        load = np.zeros(n_j)
        if n_j:
            np.add.at(load, x_judge, size * x)
            diff = load - rhs
            return np.concatenate([x, np.maximum(diff, 0.0), np.maximum(-diff, 0.0)])
        return x

    start_x = np.zeros(n_x)
    if start is not None:
        for k in range(n_x):
            spot = start.get(units[var_unit[k]].id)
            window = var_window[k]
            if spot is not None and spot == (var_slot[k], None if window is None else window[1]):
                start_x[k] = 1.0

    def run(x0: np.ndarray, rel_gap: float) -> tuple[np.ndarray, bool]:
        left = time_limit - (time.perf_counter() - started)
        if left <= 0.05:
            return np.zeros(0), False
        highs.setOptionValue("time_limit", left)
        highs.setOptionValue("mip_rel_gap", rel_gap)
        solution = highspy.HighsSolution()
        solution.col_value = with_judges(x0)
        highs.setSolution(solution)
        highs.run()
        status = highs.getModelStatus()
        if highs.getInfo().primal_solution_status != 2:  # no feasible solution
            return np.zeros(0), False
        x = np.round(np.asarray(highs.getSolution().col_value)[:n_x])
        return x, status == highspy.HighsModelStatus.kOptimal

    # 1. The most people (whole people: a solution within one of the bound is optimal).
    highs.setOptionValue("mip_abs_gap", 0.99)
    first, proven_first = run(start_x, 0.0)
    if not len(first):
        return None
    people = int(round(float(size @ first)))
    # 2. The least objective with that many people, from the better known start.
    highs.setOptionValue("mip_abs_gap", 1e-6)
    highs.changeColsCost(n_var, np.arange(n_var, dtype=np.int32), cost)
    # The penalties of all these units as a constant: the MIP's objective is then their
    # share of the proposal's objective, and the relative gap is relative to that.
    highs.changeObjectiveOffset(float(sum(inst.penalty(u) for u in units)))
    highs.addRow(people - 0.5, highspy.kHighsInf, n_x, xs.astype(np.int32), size)
    x0 = start_x if float(size @ start_x) >= people - 0.5 else first
    second, proven_second = run(x0, gap)
    chosen = second if len(second) else first
    placed: dict[str, tuple[int, dt.datetime | None]] = {}
    for k in np.nonzero(chosen > 0.5)[0].tolist():
        window = var_window[k]
        placed[units[var_unit[k]].id] = (var_slot[k], None if window is None else window[1])
    return SubResult(
        placed,
        sum(u.size for u in units if u.id in placed),
        proven_first and proven_second and bool(len(second)),
    )


def exact_schedule(
    units: Sequence[Unit],
    slots: Sequence[Slot],
    *,
    today: dt.date,
    ports: Mapping[str, PortInfo] | Iterable[PortInfo] = (),
    lead_days: int = 10,
    weights: Weights | None = None,
    port_booked: Mapping[tuple[str, dt.datetime], int] | None = None,
    time_limit: float = 600.0,
) -> ScheduleResult:
    """The optimum of the whole instance (same arguments as ``solver.schedule``).

    ``stats["proven"]`` is 1 when HiGHS proved it within ``time_limit``; otherwise the
    result is the best placement it found. Meant for small instances: tests and the
    benchmark compare the heuristic with it."""
    started = time.perf_counter()
    inst = prepare(
        units,
        slots,
        today=today,
        ports=ports,
        lead_days=lead_days,
        weights=weights,
        port_booked=port_booked,
    )
    room = [s.room for s in inst.slots]
    window_room = free_windows(inst, {})
    loads = booked_loads(inst)
    assignments: dict[str, Assignment] = {}
    unassigned: dict[str, Reason] = dict(inst.structural)
    proven = True
    # Components (venues linked by a port) share no seat, window or judge: one MILP each.
    for _venues, members in components(inst):
        left = time_limit - (time.perf_counter() - started)
        sub = solve_subproblem(inst, members, room, window_room, loads, time_limit=left)
        proven = proven and sub is not None and sub.proven
        for unit in members:
            spot = None if sub is None else sub.placed.get(unit.id)
            if spot is None:
                unassigned[unit.id] = Reason.DOCKETS_FULL
                continue
            slot = inst.slots[spot[0]]
            assignments[unit.id] = Assignment(slot.id, spot[1], inst.days(slot))
    return finish(
        inst,
        assignments,
        unassigned,
        "exact MILP (HiGHS)",
        started,
        lp_bound=None,
        stats={"proven": float(proven)},
    )


def people_bound(inst: Instance, *, time_limit: float = 600.0) -> int | None:
    """At most this many people can be placed (the LP relaxation of the first step, per
    component, rounded down); ``None`` if an LP was not solved."""
    room = [s.room for s in inst.slots]
    window_room = free_windows(inst, {})
    loads = booked_loads(inst)
    total = 0
    for _venues, members in components(inst):
        sub = solve_subproblem(
            inst, members, room, window_room, loads, time_limit=time_limit, relax=True
        )
        if sub is None:
            return None
        total += sub.people
    return total


def free_windows(
    inst: Instance, used: Mapping[Window, int], ports: Iterable[str] | None = None
) -> dict[Window, int]:
    """People each port window can still take: its hourly capacity less the hearings
    booked before and ``used`` (people of units not freed)."""
    out: dict[Window, int] = defaultdict(int)
    codes = set(inst.ports) if ports is None else set(ports)
    for i in range(len(inst.slots)):
        for code in codes:
            for start in inst.windows(i, code):
                key = (code, start)
                if key not in out:
                    cap = inst.ports[code].hourly_capacity
                    out[key] = cap - inst.port_booked.get(key, 0) - used.get(key, 0)
    return dict(out)


def booked_loads(inst: Instance) -> dict[tuple[str, str], float]:
    """People per (venue, judge) booked before the proposal."""
    loads: dict[tuple[str, str], float] = defaultdict(float)
    for slot in inst.slots:
        loads[(slot.venue, slot.judge)] += min(slot.booked, slot.capacity)
    return dict(loads)
