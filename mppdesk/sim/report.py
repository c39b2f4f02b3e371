"""Run a scenario against its baseline and summarize every outcome with its interval.

``compare`` runs the baseline and (when a lever is pulled) the what-if with the same
seed, so run ``i`` of both starts from the same draws, and reports each outcome's mean
and 2.5-97.5 percentile interval over runs, and the change (paired by run). ``as_dict``
is the JSON of ``mppdesk simulate --json``, the API and the page. Pure Python and NumPy.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mppdesk.sim import calibration
from mppdesk.sim.calibration import PENDING, Counts, ratio
from mppdesk.sim.engine import Parameters, Result, simulate
from mppdesk.sim.scenarios import Levers, Scenario, apply_levers, scale

INTERVAL = (2.5, 97.5)
Values = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Outcome:
    name: str
    kind: str  # "share", "weeks" or "people"
    value: Callable[[Counts, float], Values]  # (counts, scale) -> per run


def _share(numerator: str | tuple[str, ...], denominator: str | tuple[str, ...]) -> Any:
    share = ratio(numerator, denominator)
    return lambda counts, _scale: share(counts)


def _people(*names: str) -> Any:
    return lambda counts, factor: sum(counts[n].astype(np.float64) for n in names) / factor


#: What every scenario reports, at its last week. Shares of people unless named otherwise.
OUTCOMES = (
    Outcome("missed_hearing_share", "share", _share("missed_any", "heard")),
    Outcome("failure_to_appear_rate", "share", _share("hearings_missed", "hearings_held")),
    Outcome("in_absentia_share_of_completed", "share", _share("in_absentia", "completed")),
    Outcome("relief_share_of_completed", "share", _share("relief", "completed")),
    Outcome("termination_share_of_completed", "share", _share("termination", "completed")),
    Outcome("represented_share", "share", _share("represented", "arrived")),
    Outcome("completed_share", "share", _share("completed", "arrived")),
    Outcome("pending_share", "share", _share(PENDING, "arrived")),
    Outcome("still_in_mexico_share", "share", _share(("waiting", "departed"), "arrived")),
    Outcome("left_share", "share", _share(("departed", "admitted"), "arrived")),
    Outcome("waiting_for_first_hearing_share", "share", _share("no_first_hearing", "arrived")),
    Outcome("wait_first_hearing_weeks", "weeks", _share("wait_first_weeks", "heard")),
    Outcome("people", "people", _people("arrived")),
    Outcome("in_absentia_orders", "people", _people("in_absentia")),
    Outcome("completed_cases", "people", _people("completed")),
    Outcome("pending_cases", "people", _people(*PENDING)),
    Outcome("motions_to_reopen_granted", "people", _people("reopened")),
)
OUTCOME_NAMES = tuple(o.name for o in OUTCOMES)


@dataclass(frozen=True)
class Summary:
    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Values) -> Summary:
        if values.size == 0:
            return cls(float("nan"), float("nan"), float("nan"))
        low, high = np.percentile(values, INTERVAL)
        return cls(float(values.mean()), float(low), float(high))

    def as_dict(self, digits: int = 4) -> dict[str, float]:
        return {
            "mean": round(self.mean, digits),
            "low": round(self.low, digits),
            "high": round(self.high, digits),
        }


@dataclass(frozen=True)
class Line:
    outcome: Outcome
    baseline: Summary
    scenario: Summary | None
    change: Summary | None  # scenario - baseline, run by run
    relative_change: Summary | None  # scenario / baseline - 1, run by run

    def as_dict(self) -> dict[str, Any]:
        digits = 1 if self.outcome.kind == "people" else 4
        return {
            "name": self.outcome.name,
            "kind": self.outcome.kind,
            "baseline": self.baseline.as_dict(digits),
            "scenario": self.scenario.as_dict(digits) if self.scenario else None,
            "change": self.change.as_dict(digits) if self.change else None,
            "relative_change": self.relative_change.as_dict(4) if self.relative_change else None,
        }


@dataclass(frozen=True)
class Comparison:
    scenario: Scenario  # with the levers pulled
    runs: int
    seed: int
    scale: float
    week: int
    lines: list[Line]
    reminder_effect: Summary | None
    calibration: list[calibration.Row]
    seconds: float

    @property
    def as_of(self) -> dt.date:
        return self.scenario.date_of(self.week)

    def line(self, name: str) -> Line:
        return next(line for line in self.lines if line.outcome.name == name)

    def as_dict(self, parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        s = self.scenario
        return {
            "scenario": s.name,
            "levers": s.levers.changed(),
            "runs": self.runs,
            "seed": self.seed,
            "scale": self.scale,
            "start": s.start.isoformat(),
            "as_of": self.as_of.isoformat(),
            "weeks": s.params.weeks,
            "interval_percentiles": list(INTERVAL),
            "outcomes": [line.as_dict() for line in self.lines],
            "reminder_effect": self.reminder_effect.as_dict() if self.reminder_effect else None,
            "calibration": [row.as_dict() for row in self.calibration],
            "parameters": dict(parameters) if parameters is not None else describe(s),
            "seconds": round(self.seconds, 2),
        }


def _values(result: Result, week: int, factor: float) -> dict[str, Values]:
    counts = result.counts[week]
    return {o.name: np.asarray(o.value(counts, factor), dtype=np.float64) for o in OUTCOMES}


def compare(
    base: Scenario,
    levers: Levers,
    *,
    runs: int,
    seed: int,
    factor: float = 1.0,
    with_calibration: bool | None = None,
) -> Comparison:
    """Run ``base`` and, if a lever is pulled, ``base`` with ``levers``; summarize."""
    started = time.perf_counter()
    what_if = apply_levers(base, levers)
    small_base, small_what_if = scale(base, factor), scale(what_if, factor)
    week = base.params.weeks - 1
    base_params = _observing(small_base.params, week)
    base_result = simulate(base_params, runs=runs, seed=seed)
    base_values = _values(base_result, week, factor)
    changed = bool(levers.changed())
    what_if_values: dict[str, Values] | None = None
    effect = None
    if changed:
        result = simulate(_observing(small_what_if.params, week), runs=runs, seed=seed)
        what_if_values = _values(result, week, factor)
        if levers.reminders:
            effect = Summary.of(result.reminder_effect)
    lines = []
    for outcome in OUTCOMES:
        b = base_values[outcome.name]
        if what_if_values is None:
            lines.append(Line(outcome, Summary.of(b), None, None, None))
            continue
        w = what_if_values[outcome.name]
        relative = np.divide(w, b, out=np.full_like(w, np.nan), where=b != 0) - 1.0
        relative = relative[np.isfinite(relative)]
        lines.append(
            Line(outcome, Summary.of(b), Summary.of(w), Summary.of(w - b), Summary.of(relative))
        )
    calibrate = base.name == "baseline-2019" if with_calibration is None else with_calibration
    rows = calibration.table(base_result) if calibrate else []
    return Comparison(
        scenario=what_if,
        runs=runs,
        seed=seed,
        scale=factor,
        week=week,
        lines=lines,
        reminder_effect=effect,
        calibration=rows,
        seconds=time.perf_counter() - started,
    )


def _observing(params: Parameters, week: int) -> Parameters:
    return params.replace(observe=tuple(sorted({*params.observe, week})))


def describe(scenario: Scenario) -> dict[str, Any]:
    """The scenario's parameters as JSON: every value with where it comes from. Arrays
    are summarized (totals, slots a week); people already in the program and arriving are
    counts per port, 1 to 4 shown as ``"<5"``: no row per person."""
    p = scenario.params
    sources = scenario.sources
    out: dict[str, Any] = {}

    def put(name: str, value: Any) -> None:
        out[name] = {"value": value, "source": sources.get(name, "")}

    put("ports", list(p.ports))
    put(
        "arrivals",
        {"total": int(p.arrivals.sum()),
         "by_port": {port: _count(v) for port, v in zip(p.ports, p.arrivals.sum(axis=0), strict=True)}},
    )  # fmt: skip
    active = p.capacity.sum(axis=1) > 0
    weekly = p.capacity[active].mean(axis=0) if active.any() else np.zeros(len(p.ports))
    put(
        "capacity",
        {"slots_per_week_by_port": {port: round(float(v), 1) for port, v in zip(p.ports, weekly, strict=True)},
         "weeks_with_hearings": int(active.sum())},
    )  # fmt: skip
    put("admissions", {"total": int(p.admissions.sum())})
    if p.postpone is not None:
        first, last = p.postpone
        put(
            "postpone",
            {"from": (scenario.start + dt.timedelta(weeks=first)).isoformat(),
             "weeks": min(last, p.weeks) - first},
        )  # fmt: skip
    for name in (
        "first_lead_weeks", "continuance_lead_weeks", "no_show", "departure_hazard",
        "counsel_at_enrolment", "counsel_hazard", "counsel_no_show_ratio", "continuance",
        "relief", "relief_counsel_ratio", "termination", "reopen_share", "reopen_max_weeks",
        "notice_delivered", "reminders", "reminder_reach", "reminder_effect", "transport",
        "transport_no_show_reduction",
    ):  # fmt: skip
        value = getattr(p, name)
        put(name, list(value) if isinstance(value, tuple) else value)
    for name, value in scenario.values.items():
        put(name, value)
    if p.initial.size:
        by_port = np.bincount(p.initial.port, minlength=len(p.ports))
        put(
            "initial",
            {"people": int(p.initial.size),
             "by_port": {port: _count(v) for port, v in zip(p.ports, by_port, strict=True)},
             "with_hearing_booked": int((p.initial.hearing_week >= 0).sum()),
             "with_counsel": int(p.initial.counsel.sum())},
        )  # fmt: skip
    return out


def _count(value: int | np.integer[Any]) -> int | str:
    """A count per port as shown: 1 to 4 hidden as ``"<5"`` (as on the statistics page)."""
    return int(value) if value == 0 or value >= 5 else "<5"
