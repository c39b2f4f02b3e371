"""Hearing scheduler core: which pending cases go to which docket (pure Python).

``schedule`` (LP relaxation with HiGHS, rounding guided by it, then exact integer
programs on neighbourhoods), ``exact_schedule`` (the exact MILP, for small instances)
and ``greedy_schedule`` (first come, first served) take the same input and return a
``ScheduleResult``; ``verify`` lists the hard constraints a proposal breaks. No Django
here: the hearings app builds the dataclasses from its models.
"""

from mppdesk.lib.scheduling.common import prepare, verify
from mppdesk.lib.scheduling.exact import exact_schedule
from mppdesk.lib.scheduling.greedy import greedy_schedule
from mppdesk.lib.scheduling.model import (
    Assignment,
    Docket,
    PortInfo,
    Reason,
    ScheduleResult,
    Slot,
    Unit,
    Weights,
    priority,
    unit_weight,
)
from mppdesk.lib.scheduling.solver import schedule

__all__ = [
    "Assignment",
    "Docket",
    "PortInfo",
    "Reason",
    "ScheduleResult",
    "Slot",
    "Unit",
    "Weights",
    "exact_schedule",
    "greedy_schedule",
    "prepare",
    "priority",
    "schedule",
    "unit_weight",
    "verify",
]
