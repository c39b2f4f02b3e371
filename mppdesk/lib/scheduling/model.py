"""Input and output of the hearing scheduler: plain dataclasses, no Django.

A Django adapter builds them from the hearings models: one ``Unit`` per case, or per
group of cases of one household that must share a session; one ``Slot`` per ``Docket``
(``capacity``/``booked`` as in the table, ``languages`` = ``interpreter_languages``,
``starts_at`` = the docket's date and start time in the venue's zone, made aware); one
``PortInfo`` per ``places.Port`` (``hourly_capacity``, ``report_lead_minutes``).

Identifiers are strings (``str(pk)``): the scheduler only compares them.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

#: Languages for which nobody needs an interpreter (the court's own language).
NO_INTERPRETER_LANGUAGES = frozenset({"", "eng"})

#: Session start when a slot gives no ``starts_at`` (as in ``hearings.models.SESSION_STARTS``).
DEFAULT_SESSION_STARTS = {"am": dt.time(8, 0), "pm": dt.time(13, 0)}


@dataclass(frozen=True)
class PortInfo:
    """A port of entry where people report on the hearing day.

    People report in ``report_windows`` consecutive one-hour windows, the last ending
    ``report_lead_minutes`` before the session starts (3 windows and 60 minutes: 04:00,
    05:00 and 06:00 for an 08:00 session). At most ``hourly_capacity`` people per window.
    """

    code: str
    hourly_capacity: int = 60
    travel_days: int = 0
    report_lead_minutes: int = 60
    report_windows: int = 3


@dataclass(frozen=True)
class Unit:
    """What is scheduled together: one case, or the cases of a household.

    ``language`` is the ISO 639-3 code the hearing needs an interpreter for ("eng" or
    "" for none). ``earliest_date`` is the first allowed hearing date; when ``None`` the
    scheduler uses ``today + lead_days + port.travel_days``. ``port`` is where the
    people report on the hearing day (``None``: no reporting window, e.g. in the US).
    """

    id: str
    case_ids: tuple[str, ...]
    venue: str
    language: str
    size: int
    waiting_days: int
    vulnerable: bool = False
    port: str | None = None
    earliest_date: dt.date | None = None


@dataclass(frozen=True)
class Slot:
    """One docket: a courtroom's session on one day (``hearings.Docket``).

    ``starts_at`` should be aware (the adapter builds it in the venue's zone); when
    ``None`` the session's default start on ``date`` is used, read as UTC, which is only
    right when every slot is given that way (the windows are then on that clock).
    """

    id: str
    venue: str
    date: dt.date
    session: str
    judge: str
    capacity: int
    booked: int = 0
    languages: frozenset[str] = frozenset()
    starts_at: dt.datetime | None = None

    @property
    def room(self) -> int:
        return max(0, self.capacity - self.booked)

    def start(self) -> dt.datetime:
        if self.starts_at is not None:
            return self.starts_at
        at = DEFAULT_SESSION_STARTS.get(self.session, dt.time(8, 0))
        return dt.datetime.combine(self.date, at, tzinfo=dt.UTC)

    def serves(self, language: str) -> bool:
        return language in NO_INTERPRETER_LANGUAGES or language in self.languages


#: The design calls a slot a docket; both names work.
Docket = Slot


@dataclass(frozen=True)
class Weights:
    """The objective's parameters (see ``priority`` and ``solver`` for the formula).

    - ``per_week``: a person's weight grows by this much per full week waited (1 at 0).
    - ``vulnerable_multiplier``: multiplies the weight of a vulnerable unit.
    - ``judge_weight``: cost of one person of deviation of a judge's load from the
      venue's mean, in weighted person-days; below 1 so that balancing never delays
      anybody by a day (secondary).
    - ``unassigned_penalty_days``: an unplaced (but placeable) unit costs its weight
      times (days to the last docket + this), more than any placement.

    Above the objective comes the number of people placed: a proposal that places more
    people is better whatever its objective (``solver``); the penalty then decides who
    is left out when not everybody fits (the lightest weights).
    """

    per_week: float = 0.25
    vulnerable_multiplier: float = 1.5
    judge_weight: float = 0.1
    unassigned_penalty_days: int = 365


def priority(unit: Unit, weights: Weights) -> float:
    """Per-person weight: ``(1 + per_week * (waiting_days // 7)) * (1.5 if vulnerable)``.

    Whole weeks (not days) so that the many units that waited about as long form one
    class in the LP; within a class the scheduler still serves the longest wait first.
    """
    rho = 1.0 + weights.per_week * (max(0, unit.waiting_days) // 7)
    return rho * (weights.vulnerable_multiplier if unit.vulnerable else 1.0)


def unit_weight(unit: Unit, weights: Weights) -> float:
    """``weight(u) = size * priority(u)``: a unit costs this per day of waiting."""
    return unit.size * priority(unit, weights)


class Reason(enum.StrEnum):
    """Why a unit was not placed. The first five hold whatever the capacity is."""

    UNKNOWN_PORT = "unknown_port"
    NO_DOCKET_AT_VENUE = "no_docket_at_venue"
    NO_INTERPRETER = "no_interpreter"
    NO_DOCKET_AFTER_EARLIEST_DATE = "no_docket_after_earliest_date"
    UNIT_TOO_LARGE = "unit_too_large"
    DOCKETS_FULL = "dockets_full"
    PORT_REPORTING_FULL = "port_reporting_full"

    @property
    def structural(self) -> bool:
        """No docket could ever take the unit: left out of the objective."""
        return self not in (Reason.DOCKETS_FULL, Reason.PORT_REPORTING_FULL)


@dataclass(frozen=True)
class Assignment:
    docket_id: str
    #: Start of the unit's reporting window at its port (``None`` without a port).
    report_at: dt.datetime | None
    #: Days from ``today`` to the docket's date.
    days: int


@dataclass
class ScheduleResult:
    """A proposal. ``objective = weighted_waiting + judge_spread_cost + penalty``.

    ``lp_bound`` is the optimum of the LP relaxation of the same objective (units
    divisible across dockets), so ``gap = (objective - lp_bound) / lp_bound`` bounds how
    far the proposal can be from the optimum. ``stats["people_placed"]`` counts the
    people placed, the first criterion (proposals are compared on it first). Structurally unplaceable units (a reason
    whose ``structural`` is true) are in ``unassigned`` but not in the objective.
    """

    method: str
    assignments: dict[str, Assignment]
    unassigned: dict[str, Reason]
    objective: float
    weighted_waiting: float
    judge_spread: float
    unassigned_penalty: float
    lp_bound: float | None
    gap: float | None
    solve_seconds: float
    #: People per (venue, judge) over the given slots, already booked ones included.
    judge_loads: dict[tuple[str, str], int]
    stats: dict[str, float] = field(default_factory=dict)
