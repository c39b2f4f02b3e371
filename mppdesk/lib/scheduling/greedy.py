"""First come, first served: the baseline the optimizer is measured against.

Units in order of ``waiting_days`` (longest first; ties by id), each to the earliest
docket that has the seats, the interpreter and a reporting window at its port.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence

from mppdesk.lib.scheduling.common import (
    Instance,
    Ledger,
    earliest_feasible,
    finish,
    prepare,
    slot_lists,
)
from mppdesk.lib.scheduling.model import PortInfo, Reason, ScheduleResult, Slot, Unit, Weights


def greedy_schedule(
    units: Sequence[Unit],
    slots: Sequence[Slot],
    *,
    today: dt.date,
    ports: Mapping[str, PortInfo] | Iterable[PortInfo] = (),
    lead_days: int = 10,
    weights: Weights | None = None,
    port_booked: Mapping[tuple[str, dt.datetime], int] | None = None,
) -> ScheduleResult:
    """Schedule first come, first served (same arguments as ``solver.schedule``)."""
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
    ledger = Ledger(inst)
    unassigned = dict(inst.structural)
    first_come_first_served(inst, ledger, inst.placeable, unassigned)
    return finish(inst, ledger.assignments, unassigned, "greedy-fcfs", started, lp_bound=None)


def first_come_first_served(
    inst: Instance, ledger: Ledger, units: Sequence[Unit], unassigned: dict[str, Reason]
) -> None:
    """Place ``units`` longest-waiting first, each on its earliest feasible docket."""
    lists = slot_lists(inst)
    for unit in sorted(units, key=lambda u: (-u.waiting_days, u.id)):
        earliest_feasible(inst, ledger, lists, unit, unassigned)
