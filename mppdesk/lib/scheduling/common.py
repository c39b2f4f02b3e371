"""What the solver and the greedy baseline share: checking the input, earliest dates,
reporting windows, the seat/window ledger and the objective."""

from __future__ import annotations

import bisect
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from mppdesk.lib.scheduling.model import (
    NO_INTERPRETER_LANGUAGES,
    Assignment,
    PortInfo,
    Reason,
    ScheduleResult,
    Slot,
    Unit,
    Weights,
    priority,
)

HOUR = dt.timedelta(hours=1)


def need(language: str) -> str:
    """The interpreter language a unit needs ("" for none)."""
    return "" if language in NO_INTERPRETER_LANGUAGES else language


def report_windows(slot: Slot, port: PortInfo) -> tuple[dt.datetime, ...]:
    """Starts of the one-hour reporting windows at ``port`` for ``slot``, earliest first.

    The last window ends ``report_lead_minutes`` before the session (rounded down to a
    whole hour in UTC, so windows of different dockets at one port coincide).
    """
    end = (slot.start() - dt.timedelta(minutes=port.report_lead_minutes)).astimezone(dt.UTC)
    end = end.replace(minute=0, second=0, microsecond=0)
    n = max(1, port.report_windows)
    return tuple(end - (n - i) * HOUR for i in range(n))


@dataclass
class Instance:
    """A checked problem: slots sorted by time, every unit's earliest date and weight,
    and the units no docket could ever take (with the reason)."""

    today: dt.date
    weights: Weights
    units: list[Unit]
    slots: list[Slot]
    ports: dict[str, PortInfo]
    earliest: dict[str, dt.date]
    rho: dict[str, float]
    structural: dict[str, Reason]
    placeable: list[Unit]
    horizon_days: int
    judge_targets: dict[tuple[str, str], float]
    slot_index: dict[str, int] = field(default_factory=dict)
    port_booked: dict[tuple[str, dt.datetime], int] = field(default_factory=dict)
    _windows: dict[tuple[int, str], tuple[dt.datetime, ...]] = field(default_factory=dict)

    def days(self, slot: Slot) -> int:
        return (slot.date - self.today).days

    def windows(self, slot_idx: int, port: str | None) -> tuple[dt.datetime, ...]:
        if port is None:
            return ()
        key = (slot_idx, port)
        found = self._windows.get(key)
        if found is None:
            found = report_windows(self.slots[slot_idx], self.ports[port])
            self._windows[key] = found
        return found

    def penalty(self, unit: Unit) -> float:
        """Cost of leaving a placeable unit out: more than any docket would cost."""
        days = self.horizon_days + self.weights.unassigned_penalty_days
        return unit.size * self.rho[unit.id] * days


def prepare(
    units: Sequence[Unit],
    slots: Sequence[Slot],
    *,
    today: dt.date,
    ports: Mapping[str, PortInfo] | Iterable[PortInfo] = (),
    lead_days: int = 10,
    weights: Weights | None = None,
    port_booked: Mapping[tuple[str, dt.datetime], int] | None = None,
) -> Instance:
    """Check the input and work out what every method needs. Raises ``ValueError`` on
    malformed input (duplicate ids, sizes below 1, negative capacities).

    ``port_booked``: people already reporting at (port code, window start) from
    hearings scheduled before (the window starts as ``report_windows`` gives them)."""
    weights = weights or Weights()
    port_map = dict(ports) if isinstance(ports, Mapping) else {p.code: p for p in ports}
    _check(units, slots)
    ordered = sorted(slots, key=lambda s: (s.date, s.start(), s.id))
    inst = Instance(
        today=today,
        weights=weights,
        units=list(units),
        slots=ordered,
        ports=port_map,
        earliest={},
        rho={},
        structural={},
        placeable=[],
        horizon_days=max([(s.date - today).days for s in ordered] + [0]),
        judge_targets={},
        slot_index={s.id: i for i, s in enumerate(ordered)},
        port_booked={
            (port, start.astimezone(dt.UTC)): n for (port, start), n in (port_booked or {}).items()
        },
    )
    # Per (venue, language): slot dates and the largest capacity from each one on.
    by_venue: dict[str, list[int]] = defaultdict(list)
    for i, slot in enumerate(ordered):
        by_venue[slot.venue].append(i)
    reach: dict[tuple[str, str], tuple[list[dt.date], list[int]]] = {}

    def reachable(venue: str, language: str) -> tuple[list[dt.date], list[int]]:
        key = (venue, language)
        if key not in reach:
            chosen = [ordered[i] for i in by_venue[venue] if ordered[i].serves(language)]
            suffix = [0] * (len(chosen) + 1)
            for k in range(len(chosen) - 1, -1, -1):
                suffix[k] = max(suffix[k + 1], chosen[k].capacity)
            reach[key] = ([s.date for s in chosen], suffix)
        return reach[key]

    for unit in units:
        inst.rho[unit.id] = priority(unit, weights)
        port = port_map.get(unit.port) if unit.port is not None else None
        if unit.port is not None and port is None:
            inst.structural[unit.id] = Reason.UNKNOWN_PORT
            continue
        travel = port.travel_days if port else 0
        earliest = unit.earliest_date or today + dt.timedelta(days=lead_days + travel)
        earliest = max(earliest, today)
        inst.earliest[unit.id] = earliest
        if not by_venue.get(unit.venue):
            inst.structural[unit.id] = Reason.NO_DOCKET_AT_VENUE
            continue
        dates, suffix = reachable(unit.venue, need(unit.language))
        if not dates:
            inst.structural[unit.id] = Reason.NO_INTERPRETER
            continue
        first = bisect.bisect_left(dates, earliest)
        if first == len(dates):
            inst.structural[unit.id] = Reason.NO_DOCKET_AFTER_EARLIEST_DATE
            continue
        if suffix[first] < unit.size or (port is not None and port.hourly_capacity < unit.size):
            inst.structural[unit.id] = Reason.UNIT_TOO_LARGE
            continue
        inst.placeable.append(unit)

    people: dict[str, int] = defaultdict(int)
    for unit in inst.placeable:
        people[unit.venue] += unit.size
    judges: dict[str, set[str]] = defaultdict(set)
    for slot in ordered:
        judges[slot.venue].add(slot.judge)
        people[slot.venue] += min(slot.booked, slot.capacity)
    for venue, names in judges.items():
        mean = people[venue] / len(names)
        for name in names:
            inst.judge_targets[(venue, name)] = mean
    return inst


def _check(units: Sequence[Unit], slots: Sequence[Slot]) -> None:
    if len({u.id for u in units}) != len(units):
        raise ValueError("duplicate unit id")
    if len({s.id for s in slots}) != len(slots):
        raise ValueError("duplicate slot id")
    cases = [c for u in units for c in u.case_ids]
    if len(set(cases)) != len(cases):
        raise ValueError("a case is in more than one unit")
    for u in units:
        if u.size < 1:
            raise ValueError(f"unit {u.id}: size must be at least 1")
    for s in slots:
        if s.capacity < 0 or s.booked < 0:
            raise ValueError(f"slot {s.id}: capacity and booked must be >= 0")


class Ledger:
    """Seats left per slot and people per reporting window, as units are placed."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.room = [s.room for s in inst.slots]
        self.window_used: dict[tuple[str, dt.datetime], int] = defaultdict(int, inst.port_booked)
        self.assignments: dict[str, Assignment] = {}

    def window_for(self, unit: Unit, slot_idx: int) -> dt.datetime | None | bool:
        """The latest window at the unit's port with room for it; ``None`` when the unit
        has no port; ``False`` when every window is full."""
        if unit.port is None:
            return None
        cap = self.inst.ports[unit.port].hourly_capacity
        for start in reversed(self.inst.windows(slot_idx, unit.port)):
            if self.window_used[(unit.port, start)] + unit.size <= cap:
                return start
        return False

    def place(self, unit: Unit, slot_idx: int) -> bool:
        """Book ``unit`` on the slot if seats and a reporting window are free."""
        if self.room[slot_idx] < unit.size:
            return False
        window = self.window_for(unit, slot_idx)
        if window is False:
            return False
        self.room[slot_idx] -= unit.size
        if isinstance(window, dt.datetime):
            self.window_used[(unit.port or "", window)] += unit.size
        slot = self.inst.slots[slot_idx]
        self.assignments[unit.id] = Assignment(
            docket_id=slot.id,
            report_at=window if isinstance(window, dt.datetime) else None,
            days=self.inst.days(slot),
        )
        return True

    def remove(self, unit: Unit) -> Assignment:
        """Take ``unit`` off its docket (its seats and reporting window are free again)."""
        assignment = self.assignments.pop(unit.id)
        self.room[self.inst.slot_index[assignment.docket_id]] += unit.size
        if assignment.report_at is not None and unit.port is not None:
            self.window_used[(unit.port, assignment.report_at)] -= unit.size
        return assignment

    def put(self, unit: Unit, slot_idx: int, window: dt.datetime | None) -> None:
        """Book ``unit`` on the slot in the given window (the caller checked both)."""
        self.room[slot_idx] -= unit.size
        if window is not None and unit.port is not None:
            self.window_used[(unit.port, window)] += unit.size
        slot = self.inst.slots[slot_idx]
        self.assignments[unit.id] = Assignment(slot.id, window, self.inst.days(slot))

    def people(self, units: Iterable[Unit]) -> int:
        return sum(u.size for u in units if u.id in self.assignments)


@dataclass
class Evaluation:
    objective: float
    weighted_waiting: float
    judge_spread: float
    unassigned_penalty: float
    judge_loads: dict[tuple[str, str], int]


def evaluate(
    inst: Instance, assignments: Mapping[str, Assignment], unassigned: Mapping[str, Reason]
) -> Evaluation:
    """The objective of a proposal (see ``solver`` for the formula)."""
    by_id = {u.id: u for u in inst.units}
    waiting = 0.0
    loads: dict[tuple[str, str], int] = defaultdict(int)
    for slot in inst.slots:
        loads[(slot.venue, slot.judge)] += min(slot.booked, slot.capacity)
    for unit_id, assignment in assignments.items():
        unit = by_id[unit_id]
        waiting += unit.size * inst.rho[unit_id] * assignment.days
        slot = inst.slots[inst.slot_index[assignment.docket_id]]
        loads[(slot.venue, slot.judge)] += unit.size
    spread = sum(abs(loads[key] - target) for key, target in inst.judge_targets.items())
    penalty = sum(
        inst.penalty(by_id[unit_id]) for unit_id, why in unassigned.items() if not why.structural
    )
    objective = waiting + inst.weights.judge_weight * spread + penalty
    return Evaluation(objective, waiting, spread, penalty, dict(loads))


def verify(inst: Instance, assignments: Mapping[str, Assignment]) -> list[str]:
    """Every hard constraint a proposal breaks (empty when it is valid)."""
    problems: list[str] = []
    by_id = {u.id: u for u in inst.units}
    used = [0] * len(inst.slots)
    windows: dict[tuple[str, dt.datetime], int] = defaultdict(int)
    for unit_id, assignment in assignments.items():
        unit = by_id.get(unit_id)
        idx = inst.slot_index.get(assignment.docket_id)
        if unit is None or idx is None:
            problems.append(f"{unit_id}: unknown unit or docket")
            continue
        slot = inst.slots[idx]
        used[idx] += unit.size
        if slot.venue != unit.venue:
            problems.append(f"{unit_id}: venue")
        if not slot.serves(unit.language):
            problems.append(f"{unit_id}: no interpreter")
        if unit_id not in inst.earliest or slot.date < inst.earliest[unit_id]:
            problems.append(f"{unit_id}: before its earliest date")
        if unit.port is None:
            continue
        if assignment.report_at not in inst.windows(idx, unit.port):
            problems.append(f"{unit_id}: reporting time outside the docket's windows")
            continue
        windows[(unit.port, assignment.report_at)] += unit.size
    for idx, slot in enumerate(inst.slots):
        if used[idx] > slot.room:
            problems.append(f"{slot.id}: over capacity")
    for (port, start), n in windows.items():
        if n + inst.port_booked.get((port, start), 0) > inst.ports[port].hourly_capacity:
            problems.append(f"{port} {start.isoformat()}: reporting window over capacity")
    return problems


def slot_lists(inst: Instance) -> dict[tuple[str, str], tuple[list[int], list[dt.date]]]:
    """Per (venue, needed language): indexes of the slots that serve it, in time order."""
    lists: dict[tuple[str, str], tuple[list[int], list[dt.date]]] = defaultdict(lambda: ([], []))
    wanted = {(u.venue, need(u.language)) for u in inst.placeable}
    for idx, slot in enumerate(inst.slots):
        for venue, language in wanted:
            if venue == slot.venue and slot.serves(language):
                lists[(venue, language)][0].append(idx)
                lists[(venue, language)][1].append(slot.date)
    return lists


def full_reason(inst: Instance, ledger: Ledger, unit: Unit, idxs: Sequence[int]) -> Reason:
    """Why a placeable unit found no docket: seats, or only the port's windows."""
    earliest = inst.earliest[unit.id]
    seats = any(ledger.room[i] >= unit.size and inst.slots[i].date >= earliest for i in idxs)
    return Reason.PORT_REPORTING_FULL if seats else Reason.DOCKETS_FULL


def earliest_feasible(
    inst: Instance,
    ledger: Ledger,
    lists: dict[tuple[str, str], tuple[list[int], list[dt.date]]],
    unit: Unit,
    unassigned: dict[str, Reason],
) -> bool:
    """Place ``unit`` on the earliest docket that takes it, or record why none does."""
    idxs, dates = lists[(unit.venue, need(unit.language))]
    first = bisect.bisect_left(dates, inst.earliest[unit.id])
    for k in range(first, len(idxs)):
        if ledger.place(unit, idxs[k]):
            return True
    unassigned[unit.id] = full_reason(inst, ledger, unit, idxs[first:])
    return False


def finish(
    inst: Instance,
    assignments: dict[str, Assignment],
    unassigned: dict[str, Reason],
    method: str,
    started: float,
    *,
    lp_bound: float | None,
    stats: dict[str, float] | None = None,
) -> ScheduleResult:
    ev = evaluate(inst, assignments, unassigned)
    gap = None
    if lp_bound is not None and lp_bound > 0:
        gap = (ev.objective - lp_bound) / lp_bound
    elif lp_bound is not None and ev.objective <= 1e-9:
        gap = 0.0
    placed_people = sum(u.size for u in inst.placeable if u.id in assignments)
    base: dict[str, float] = {
        "units": len(inst.units),
        "units_placed": len(assignments),
        "units_unplaceable": len(inst.structural),
        "people_placed": placed_people,
    }
    return ScheduleResult(
        method=method,
        assignments=assignments,
        unassigned=unassigned,
        objective=ev.objective,
        weighted_waiting=ev.weighted_waiting,
        judge_spread=ev.judge_spread,
        unassigned_penalty=ev.unassigned_penalty,
        lp_bound=lp_bound,
        gap=gap,
        solve_seconds=time.perf_counter() - started,
        judge_loads=ev.judge_loads,
        stats=base | (stats or {}),
    )
