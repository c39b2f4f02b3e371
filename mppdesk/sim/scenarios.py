"""Scenarios: the 2019-2021 run as published (``baseline-2019``), the what-if levers, and
the projection of this installation (``current``, built in ``current.py``).

Each parameter of ``baseline_2019`` is one of three kinds, and ``describe`` says which:

- **published**: from a row of ``published_statistics.csv`` or a sentence of
  ``program_rules.md`` (``published.py``), with its source;
- **calibrated**: no source gives it; fitted so that the baseline reproduces the published
  outcomes (``calibration.fit``), values in ``CALIBRATED``;
- **assumed**: no source gives it and the published outcomes cannot tell it apart from
  the others (the share of no-shows transport would prevent, for instance); a stated
  assumption, listed in ``docs/simulator.md``, that a lever can vary.

Week 0 starts on Monday 2019-01-28, the week of the first returns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mppdesk.sim import published
from mppdesk.sim.engine import Initial, IntArray, Parameters

SCENARIOS = ("baseline-2019", "current")
START = dt.date(2019, 1, 28)
#: The last day of the 2019 run the model follows: the date of the last published
#: count it reproduces (in absentia orders, 2021-06-29).
END = dt.date(2021, 6, 29)
#: Ports with enrolment figures (July 2019 by port, TRAC): the model's ports. Nogales
#: (returns from 2020-01-02) and Eagle Pass (start unconfirmed) have none and are left out.
PORTS = ("san-ysidro", "calexico", "el-paso", "laredo", "brownsville")
PORT_METRICS = {
    "san-ysidro": "enrolled_in_month_san_ysidro",
    "calexico": "enrolled_in_month_calexico",
    "el-paso": "enrolled_in_month_el_paso",
    "laredo": "enrolled_in_month_laredo",
    "brownsville": "enrolled_in_month_brownsville",
}

#: Fitted by ``python -m mppdesk.sim.calibration --fit`` (4 runs a step, seed 2019, from
#: the previous values; docs/simulator.md records the run and the figures it reached).
CALIBRATED: dict[str, float] = {
    "no_show": 0.31778,  # chance a person in Mexico misses a hearing (no counsel)
    "departure_hazard": 0.01966,  # weekly chance of leaving the program
    "counsel_at_enrolment": 0.00291,
    "counsel_hazard": 0.00359,  # weekly chance of finding counsel while waiting
    "continuance": 0.54268,  # chance an attended hearing is continued
    "relief": 0.02328,  # chance a decided case (no counsel) is granted relief
    "termination": 0.42661,  # chance a decided case is terminated
    "judges": 7.20376,  # judge-equivalents on the MPP dockets
}

#: Assumptions: no published figure gives them (docs/simulator.md, "Assumptions").
ASSUMED: dict[str, float] = {
    # Hearing sessions an MPP judge holds a week: one a working day.
    "sessions_per_judge_week": 5,
    # Weeks from a hearing to the next one when the case is continued (the "tear sheet").
    "continuance_lead_weeks": 6,
    # Share of the no-shows of people still in Mexico that a ride to the port on the
    # hearing day prevents (pre-dawn reporting, travel through the border city).
    "transport_no_show_reduction": 0.25,
    # Relief is this many times likelier for a person with counsel.
    "relief_counsel_ratio": 5.0,
    # Share of people a reminder reaches (a working phone) in the 2019 what-ifs.
    "reminder_reach": 1.0,
}


def week_of(day: dt.date) -> int:
    return (day - START).days // 7


def weeks_total() -> int:
    return week_of(END) + 1


def _month_days(month: str) -> list[dt.date]:
    year, number = int(month[:4]), int(month[5:7])
    day = dt.date(year, number, 1)
    days = []
    while day.month == number:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def enrolment_periods() -> list[tuple[list[dt.date], float, str]]:
    """(days, people, source) of each period with a published enrolment figure: the
    months January to July 2019, then the differences of the cumulative counts."""
    periods: list[tuple[list[dt.date], float, str]] = []
    start = published.FIRST_RETURNS
    stop = published.ENROLMENT_STOPPED
    for row in published.all_of("enrolled_in_month"):
        days = [d for d in _month_days(row.as_of) if start <= d <= stop]
        periods.append((days, row.number, row.cite))
    cumulative = published.all_of("people_enrolled_cumulative")
    previous = None
    for row in cumulative:
        last = _period_end(row.as_of)
        if previous is not None:
            first = _period_end(previous.as_of) + dt.timedelta(days=1)
            days = [d for d in _days(first, last) if start <= d <= stop]
            periods.append((days, row.number - previous.number, f"{row.cite} − {previous.cite}"))
        previous = row
    return periods


def _period_end(as_of: str) -> dt.date:
    """The last day an ``as_of`` covers (a month: its last day)."""
    if len(as_of) == 10:
        return dt.date.fromisoformat(as_of)
    return _month_days(as_of)[-1]


def port_shares() -> dict[str, float]:
    """Each port's share of the July 2019 enrolment (TRAC, Aug 26 2019)."""
    counts = {code: published.fact(metric).number for code, metric in PORT_METRICS.items()}
    total = sum(counts.values())
    return {code: counts[code] / total for code in PORTS}


def _spread(daily: dict[dt.date, np.ndarray], weeks: int) -> IntArray:
    """Daily amounts per port summed into weeks and rounded so that totals are kept."""
    ports = len(PORTS)
    weekly = np.zeros((weeks, ports))
    for day, amounts in daily.items():
        w = week_of(day)
        if 0 <= w < weeks:
            weekly[w] += amounts
    cumulative = np.rint(np.cumsum(weekly, axis=0))
    out = np.diff(np.vstack([np.zeros((1, ports)), cumulative]), axis=0)
    return np.maximum(out, 0).astype(np.int64)


def _open_ports(day: dt.date) -> np.ndarray:
    starts = published.port_starts()
    return np.array([(starts[code].began or dt.date.max) <= day for code in PORTS], dtype=float)


def arrivals(weeks: int | None = None) -> IntArray:
    """People enrolled per week and port: each published period's enrolment spread evenly
    over its days, split between the ports returning people that day by their July 2019
    shares."""
    weeks = weeks_total() if weeks is None else weeks
    shares = np.array(list(port_shares().values()))
    daily: dict[dt.date, np.ndarray] = {}
    for days, people, _source in enrolment_periods():
        for day in days:
            weights = shares * _open_ports(day)
            daily[day] = daily.get(day, 0) + people / len(days) * weights / weights.sum()
    return _spread(daily, weeks)


def admissions(weeks: int | None = None) -> IntArray:
    """People admitted into the US from Mexico per week in the wind-down, interpolated
    linearly between the published counts (program_rules.md)."""
    weeks = weeks_total() if weeks is None else weeks
    points = [(published.WIND_DOWN_START, 0), *published.WIND_DOWN_POINTS]
    daily: dict[dt.date, np.ndarray] = {}
    for (first, before), (last, after) in zip(points, points[1:], strict=False):
        days = _days(first + dt.timedelta(days=1), last)
        for day in days:
            daily[day] = np.array([(after - before) / len(days)] + [0.0] * (len(PORTS) - 1))
    return _spread(daily, weeks)[:, 0]


def capacity(judges: float, weeks: int | None = None) -> IntArray:
    """Hearing slots per week and port: judges × sessions a week × people per session,
    split between the ports by their enrolment shares, from the week returns began there."""
    weeks = weeks_total() if weeks is None else weeks
    per_week = judges * ASSUMED["sessions_per_judge_week"] * published_session_size()
    out = np.zeros((weeks, len(PORTS)), dtype=np.int64)
    starts = published.port_starts()
    for p, (code, share) in enumerate(port_shares().items()):
        began = starts[code].began
        first = 0 if began is None else max(0, week_of(began))
        out[first:, p] = int(round(per_week * share))
    return out


def published_session_size() -> int:
    """People on one MPP docket: the first Laredo docket had 52 scheduled (Texas Observer)."""
    scope = published.fact("first_laredo_docket_appeared").scope  # "of 52 scheduled"
    return int(scope.split()[1])


#: The dates the published outcomes are as of, each the last day of its month.
OBSERVE_DATES = (
    dt.date(2019, 6, 30),
    dt.date(2019, 11, 30),
    dt.date(2019, 12, 31),
    dt.date(2020, 1, 31),
    dt.date(2020, 12, 31),
    dt.date(2021, 1, 31),
    dt.date(2021, 5, 31),
    END,
)


@dataclass(frozen=True)
class Levers:
    """What a what-if changes, one at a time (``None``/``False``: as in the baseline)."""

    reminders: bool = False
    transport: bool = False
    counsel_rate: float | None = None
    judges_factor: float | None = None
    wait_weeks: int | None = None

    def changed(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.reminders:
            out["reminders"] = True
        if self.transport:
            out["transport"] = True
        for name in ("counsel_rate", "judges_factor", "wait_weeks"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out

    @property
    def label(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.changed().items()) or "baseline"


def reminder_effect_range() -> tuple[tuple[float, float], list[str]]:
    """The published range of fewer missed appearances with reminders: the union of the
    ranges in the reference (Fishbane, Ouss & Shah 2020: 0.13-0.21; ideas42/Pew 2025:
    0.20-0.40)."""
    rows = published.all_of("court_reminder_fta_reduction_range")
    lows, highs = zip(*(row.range for row in rows), strict=True)
    return (min(lows), max(highs)), [row.cite for row in rows]


def counsel_no_show_ratio() -> float:
    """What a lawyer does to the chance of missing a hearing: non-detained immigrants
    attended all their hearings 83% of the time, 96% with a lawyer (Eagly & Shafer 2021),
    so a lawyer multiplies it by (1 - 0.96) / (1 - 0.83)."""
    row = published.fact("nondetained_attended_all_hearings_share")
    with_lawyer = float(row.scope.split("(")[1].split()[0])
    return (1.0 - with_lawyer) / (1.0 - row.number)


def reopen_share() -> float:
    return published.fact("in_absentia_orders_later_rescinded_share").number


@dataclass(frozen=True)
class Scenario:
    name: str
    params: Parameters
    levers: Levers
    sources: dict[str, str] = field(default_factory=dict)  # parameter -> where it comes from
    observe_dates: tuple[dt.date, ...] = ()
    start: dt.date = START
    values: dict[str, Any] = field(default_factory=dict)  # inputs that are not Parameters
    end: dt.date | None = None

    def with_params(self, params: Parameters, levers: Levers | None = None) -> Scenario:
        return dataclasses.replace(
            self, params=params, levers=self.levers if levers is None else levers
        )

    def date_of(self, week: int) -> dt.date:
        """The last day of ``week`` (the scenario's end date for its last week)."""
        day = self.start + dt.timedelta(days=7 * week + 6)
        return min(day, self.end) if self.end is not None else day


def baseline_2019(calibrated: Mapping[str, float] | None = None) -> Scenario:
    """The 2019-2021 run from its published inputs, with the calibrated parameters."""
    values = dict(CALIBRATED if calibrated is None else calibrated)
    weeks = weeks_total()
    low_high, reminder_sources = reminder_effect_range()
    postpone_start = week_of(dt.date(2020, 3, 16))
    params = Parameters(
        ports=PORTS,
        arrivals=arrivals(weeks),
        capacity=capacity(values["judges"], weeks),
        admissions=admissions(weeks),
        first_lead_weeks=published.FIRST_HEARING_WEEKS,
        continuance_lead_weeks=int(ASSUMED["continuance_lead_weeks"]),
        postpone=(postpone_start, weeks),
        no_show=values["no_show"],
        departure_hazard=values["departure_hazard"],
        counsel_at_enrolment=values["counsel_at_enrolment"],
        counsel_hazard=values["counsel_hazard"],
        counsel_no_show_ratio=counsel_no_show_ratio(),
        continuance=values["continuance"],
        relief=values["relief"],
        relief_counsel_ratio=ASSUMED["relief_counsel_ratio"],
        termination=values["termination"],
        reopen_share=reopen_share(),
        reopen_max_weeks=published.REOPEN_DAYS // 7,
        notice_delivered=1.0,
        reminder_reach=ASSUMED["reminder_reach"],
        reminder_effect=low_high,
        transport_no_show_reduction=ASSUMED["transport_no_show_reduction"],
        observe=tuple(week_of(d) for d in OBSERVE_DATES),
    )
    rules = published.RULES
    sources = {
        "arrivals": "published: enrolled_in_month (TRAC, Aug 26 2019) and "
        "people_enrolled_cumulative (TRAC; Human Rights Watch), from "
        f"{rules['first_returns'].cite} to {rules['enrolment_stopped'].cite}; ports by "
        "enrolled_in_month_<port> 2019-07 and mpp_returns_began (ports_of_entry.csv)",
        "capacity": "judges (calibrated) × sessions_per_judge_week (assumed) × "
        "people_per_session, split between ports by their July 2019 enrolment",
        "people_per_session": "published: first_laredo_docket_appeared ('of 52 scheduled', "
        "Texas Observer Sep 2019)",
        "admissions": f"published: {rules['wind_down'].cite}",
        "postpone": f"published: {rules['postponed'].cite}; from mid-March 2020 (the "
        "reference gives the month) to the end, as the program was ended "
        f"({rules['terminated'].cite}) before MPP dockets resumed",
        "first_lead_weeks": f"published: {rules['first_hearing'].cite}",
        "counsel_no_show_ratio": "published: nondetained_attended_all_hearings_share "
        "(Eagly & Shafer, American Immigration Council 2021: 0.83, 0.96 with a lawyer)",
        "reopen_share": "published: in_absentia_orders_later_rescinded_share (Eagly & Shafer 2021)",
        "reopen_max_weeks": f"published: {rules['reopen'].cite}",
        "reminder_effect": "published: " + "; ".join(reminder_sources),
        "in_absentia_rule": f"published: {rules['in_absentia'].cite}",
        "notice_delivered": "calibrated: 1.0 in the baseline; notices that did not reach "
        "people are part of the calibrated no_show",
    }
    for name in CALIBRATED:
        sources.setdefault(name, "calibrated (calibration.fit; docs/simulator.md)")
    for name in ASSUMED:
        sources.setdefault(name, "assumed (docs/simulator.md)")
    return Scenario(
        name="baseline-2019",
        params=params,
        levers=Levers(),
        sources=sources,
        observe_dates=OBSERVE_DATES,
        end=END,
        values={
            "judges": values["judges"],
            "sessions_per_judge_week": ASSUMED["sessions_per_judge_week"],
            "people_per_session": published_session_size(),
        },
    )


class LeverError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def apply_levers(scenario: Scenario, levers: Levers) -> Scenario:
    """The scenario with the levers pulled (reminders on, transport on, counsel rate,
    more or fewer judges, a longer or shorter wait for the first hearing)."""
    p = scenario.params
    changes: dict[str, Any] = {}
    if levers.reminders:
        changes["reminders"] = True
    if levers.transport:
        changes["transport"] = True
    if levers.counsel_rate is not None:
        if not 0.0 <= levers.counsel_rate <= 1.0:
            raise LeverError("counsel_rate", "a share between 0 and 1")
        changes["counsel_at_enrolment"] = levers.counsel_rate
    if levers.judges_factor is not None:
        if not 0.1 <= levers.judges_factor <= 10.0:
            raise LeverError("judges_factor", "between 0.1 and 10")
        changes["capacity"] = np.rint(p.capacity * levers.judges_factor).astype(np.int64)
    if levers.wait_weeks is not None:
        if not 0 <= levers.wait_weeks <= 104:
            raise LeverError("wait_weeks", "between 0 and 104 weeks")
        changes["first_lead_weeks"] = int(levers.wait_weeks)
    return scenario.with_params(p.replace(**changes), levers)


def scale(scenario: Scenario, factor: float) -> Scenario:
    """The same scenario with every count (arrivals, slots, admissions, people already in
    the program) multiplied by ``factor``: shares keep their expected values, counts are
    scaled back by the caller. Used for quick runs (tests, the web page)."""
    if factor == 1.0:
        return scenario
    p = scenario.params

    def times(array: IntArray) -> IntArray:
        cumulative = np.rint(np.cumsum(array, axis=0) * factor)
        first = cumulative[:1]
        return np.concatenate([first, np.diff(cumulative, axis=0)]).astype(np.int64)

    initial = p.initial
    if initial.size:
        # round(size × factor) people, evenly spaced: counts scale back by 1 / factor.
        keep = np.floor(np.arange(round(initial.size * factor)) / factor).astype(np.int64)

        initial = Initial(
            initial.port[keep],
            initial.hearing_week[keep],
            initial.counsel[keep],
            initial.weeks_waited[keep],
        )
    params = p.replace(
        arrivals=times(p.arrivals),
        capacity=times(p.capacity),
        admissions=times(p.admissions),
        initial=initial,
    )
    return scenario.with_params(params)
