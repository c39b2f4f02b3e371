"""The optimizing scheduler: LP relaxation (HiGHS), rounding guided by it, then exact
integer programs on neighbourhoods.

Proposals are compared lexicographically: first the most **people placed** (nobody is
left out whom some placement could seat), then the least objective. Objective (all
terms in weighted person-days; ``Weights`` holds the parameters)::

    sum over placed units u:          size_u * rho_u * days(today -> docket date)
  + judge_weight * sum over (venue, judge):  |people of the judge - mean of the venue|
  + sum over placeable units left out: size_u * rho_u * (H + unassigned_penalty_days)

with ``rho_u = (1 + 0.25 * whole weeks waited) * (1.5 if vulnerable)`` and ``H`` the
days to the last docket. The mean is over the venue's judges, of everybody booked or
placeable at the venue (the mean when everybody placeable is placed). Units no docket
could ever take (no interpreter, no docket after the earliest date, too large) are
reported and left out of the objective.

Method, per component of venues that share a port (usually one venue):
1. ``lp_bound.solve_component``: the LP relaxation (units divisible), by column
   generation with HiGHS; its Lagrangian bound (within 0.02 % of the LP optimum) is
   the lower bound reported as ``lp_bound``, summed over the components.
2. Rounding, session by session in time order: every group of interchangeable units
   (venue, port, language, earliest date) takes its units, highest weight first and
   longest waiting first within a weight, until the people it has taken reach the LP's
   cumulative plan for the group up to that session (rounded to the nearest unit).
   Scarce languages go first. Each unit goes to the docket of the session where the LP
   planned people of its language, else where it takes no seat the LP planned for
   another language, then to the judge furthest below the mean. Seats the rounding
   left free in a session are then filled with the heaviest units that fit.
3. Units left over get the earliest docket with room, else a reason.
4. First come, first served is run on the same component and kept instead when it is
   better (more people, or as many at a lower objective), so the proposal is never worse.
5. Improvement (``improve``): the component is solved exactly by HiGHS when it is small
   (``improve.FULL_VARS``), else window by window of court days, each an exact MILP
   that starts from the current placement (so never worse); this is what seats a family
   of four by moving one person a docket later. ``improve_seconds`` bounds it.
Reporting windows are assigned as units are placed: the latest window at the port
with room for the whole unit (the LP holds the total per port and session).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from mppdesk.lib.scheduling.common import (
    Instance,
    Ledger,
    earliest_feasible,
    finish,
    full_reason,
    need,
    prepare,
    slot_lists,
)
from mppdesk.lib.scheduling.greedy import first_come_first_served
from mppdesk.lib.scheduling.improve import component_cost, improve
from mppdesk.lib.scheduling.lp_bound import (
    ComponentLP,
    GroupKey,
    Session,
    components,
    group_key,
    solve_component,
)
from mppdesk.lib.scheduling.model import (
    Assignment,
    PortInfo,
    Reason,
    ScheduleResult,
    Slot,
    Unit,
    Weights,
)

#: How many units past one that does not fit a group looks at before giving up.
LOOKAHEAD = 12


def schedule(
    units: Sequence[Unit],
    slots: Sequence[Slot],
    *,
    today: dt.date,
    ports: Mapping[str, PortInfo] | Iterable[PortInfo] = (),
    lead_days: int = 10,
    weights: Weights | None = None,
    port_booked: Mapping[tuple[str, dt.datetime], int] | None = None,
    time_limit: float = 120.0,
    improve_seconds: float = 30.0,
) -> ScheduleResult:
    """Propose dockets for ``units`` (see the module docstring for the objective).

    ``improve_seconds`` bounds the improvement step of each component (within
    ``time_limit`` for the whole run).
    ``ports`` gives hourly capacity, travel days and reporting windows per port code;
    a unit whose port is not in it is reported as ``Reason.UNKNOWN_PORT``. A unit
    without ``earliest_date`` may not be heard before ``today + lead_days + travel``.
    """
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
    assignments: dict[str, Assignment] = {}
    unassigned: dict[str, Reason] = dict(inst.structural)
    booked: dict[tuple[str, str], float] = defaultdict(float)
    for slot in inst.slots:
        booked[(slot.venue, slot.judge)] += min(slot.booked, slot.capacity)
    bound = lp_value = lp_seconds = 0.0
    covered: set[tuple[str, str]] = set()
    arcs = fallback = lp_failed = 0
    improved: dict[str, float] = defaultdict(float)
    parts = components(inst)
    for venues, members in parts:
        # The baseline on the same component: kept if it happens to be better, so the
        # proposal is never worse than first come, first served.
        baseline, lost_fcfs = Ledger(inst), dict[str, Reason]()
        first_come_first_served(inst, baseline, members, lost_fcfs)
        t0 = time.perf_counter()
        remaining = max(1.0, time_limit - (t0 - started))
        try:
            comp = solve_component(inst, venues, members, time_limit=remaining)
        except RuntimeError:  # time limit or a numerical failure: no bound to claim
            lp_failed += 1
            assignments.update(baseline.assignments)
            unassigned.update(lost_fcfs)
            continue
        finally:
            lp_seconds += time.perf_counter() - t0
        bound += comp.objective
        lp_value += comp.lp_value
        covered |= comp.judges
        arcs += comp.arcs
        rounded, lost = Ledger(inst), dict[str, Reason]()
        _round(inst, comp, rounded, defaultdict(float, booked))
        leftovers = [u for u in members if u.id not in rounded.assignments]
        _repair(inst, rounded, leftovers, lost)
        if _key(inst, baseline, members) > _key(inst, rounded, members):
            fallback += 1
            rounded, lost = baseline, lost_fcfs
        before = _key(inst, rounded, members)
        done = improve(
            inst,
            rounded,
            members,
            lp_bound=comp.objective,
            deadline=min(started + time_limit, time.perf_counter() + improve_seconds),
        )
        for name, value in done.items():
            improved[name] += value
        if _key(inst, rounded, members) > before:
            improved["components_improved"] += 1
            lost = _reasons(inst, rounded, members)
        assignments.update(rounded.assignments)
        unassigned.update(lost)
    # Judges the LPs did not see keep their booked load: a constant in both.
    for key, target in inst.judge_targets.items():
        if key not in covered:
            bound += inst.weights.judge_weight * abs(booked[key] - target)
            lp_value += inst.weights.judge_weight * abs(booked[key] - target)
    method = "lp-relaxation+rounding (HiGHS)"
    if fallback:
        method += f"; first-come-first-served kept in {fallback} component(s)"
    if lp_failed:
        method += f"; LP failed in {lp_failed} component(s): first-come-first-served there"
    return finish(
        inst,
        assignments,
        unassigned,
        method,
        started,
        lp_bound=None if lp_failed else bound,
        stats={
            "lp_seconds": round(lp_seconds, 3),
            "lp_arcs": arcs,
            "lp_value": lp_value,
            "components": len(parts),
            "components_fcfs_kept": fallback,
            "components_lp_failed": lp_failed,
        }
        | {f"improve_{name}": value for name, value in improved.items()},
    )


def _key(inst: Instance, ledger: Ledger, members: list[Unit]) -> tuple[int, float]:
    """Better is larger: the most people placed, then the least objective."""
    return (ledger.people(members), -component_cost(inst, ledger, members))


def _reasons(inst: Instance, ledger: Ledger, members: list[Unit]) -> dict[str, Reason]:
    """Why each unit of ``members`` still without a docket has none."""
    lists = slot_lists(inst)
    out: dict[str, Reason] = {}
    for unit in members:
        if unit.id not in ledger.assignments:
            idxs, dates = lists[(unit.venue, need(unit.language))]
            first = bisect.bisect_left(dates, inst.earliest[unit.id])
            out[unit.id] = full_reason(inst, ledger, unit, idxs[first:])
    return out


def _order(inst: Instance, unit: Unit) -> tuple[float, int, str]:
    return (-inst.rho[unit.id], -unit.waiting_days, unit.id)


def _round(
    inst: Instance, comp: ComponentLP, ledger: Ledger, loads: dict[tuple[str, str], float]
) -> None:
    queues: dict[GroupKey, list[Unit]] = defaultdict(list)
    for unit in comp.units:
        queues[group_key(inst, unit)].append(unit)
    for queue in queues.values():
        queue.sort(key=lambda u: _order(inst, u))
    scarcity: dict[tuple[str, str], int] = defaultdict(int)
    for sess_slots in comp.session_slots.values():
        for i in sess_slots:
            for g in queues:
                if g[0] == inst.slots[i].venue and inst.slots[i].serves(g[2]):
                    scarcity[(g[0], g[2])] += 1
    planned: dict[int, dict[str, float]] = defaultdict(dict)
    for (language, slot_idx), people in comp.slot_flow.items():
        planned[slot_idx][language] = people
    cumulative: dict[GroupKey, float] = defaultdict(float)
    taken: dict[GroupKey, int] = defaultdict(int)

    def place(unit: Unit, slot_idxs: list[int]) -> bool:
        language = need(unit.language)
        best: tuple[float, bool, float, int] | None = None
        choice = -1
        for i in slot_idxs:
            slot = inst.slots[i]
            if ledger.room[i] < unit.size or not slot.serves(language):
                continue
            if ledger.window_for(unit, i) is False:
                continue
            plan = planned[i]
            mine = min(float(unit.size), plan.get(language, 0.0))
            others = sum(max(0.0, v) for k, v in plan.items() if k != language)
            judge = (slot.venue, slot.judge)
            key = (
                mine,
                ledger.room[i] - others >= unit.size,
                -(loads[judge] - inst.judge_targets[judge]),
                ledger.room[i],
            )
            if best is None or key > best:
                best, choice = key, i
        if choice < 0 or not ledger.place(unit, choice):
            return False
        slot = inst.slots[choice]
        planned[choice][language] = planned[choice].get(language, 0.0) - unit.size
        loads[(slot.venue, slot.judge)] += unit.size
        return True

    def take(g: GroupKey, budget: float, slot_idxs: list[int]) -> None:
        queue = queues[g]
        i = misses = 0
        while i < len(queue) and misses < LOOKAHEAD:
            left = budget - taken[g]
            if left < 0.5:
                return
            unit = queue[i]
            if unit.size <= 2 * left and place(unit, slot_idxs):
                queue.pop(i)
                taken[g] += unit.size
                misses = 0
            else:
                i += 1
                misses += 1

    by_date: dict[dt.date, list[Session]] = defaultdict(list)
    for sess in comp.sessions:
        by_date[sess[1]].append(sess)
    for date in sorted(by_date):
        # Every session of the day to its plan first, then the seats the rounding left
        # free: the fill must not take port windows planned for another venue's session.
        for sess in by_date[date]:
            active = []
            for g, queue in queues.items():
                cumulative[g] += comp.group_flow.get(g, {}).get(sess, 0.0)
                if g[0] == sess[0] and g[3] <= date and queue:
                    active.append(g)
            active.sort(key=lambda g: (scarcity[(g[0], g[2])], _order(inst, queues[g][0])))
            for g in active:
                take(g, cumulative[g], comp.session_slots[sess])
        for sess in by_date[date]:
            active = [g for g in queues if g[0] == sess[0] and g[3] <= date and queues[g]]
            active.sort(key=lambda g: _order(inst, queues[g][0]))
            for g in active:
                take(g, math.inf, comp.session_slots[sess])


def _repair(
    inst: Instance, ledger: Ledger, leftovers: list[Unit], unassigned: dict[str, Reason]
) -> None:
    lists = slot_lists(inst)
    for unit in sorted(leftovers, key=lambda u: _order(inst, u)):
        earliest_feasible(inst, ledger, lists, unit, unassigned)
