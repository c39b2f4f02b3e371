"""Calibration: the published outcomes of the 2019-2021 run that ``baseline-2019`` must
reproduce, each with its source, and the fit of the parameters no source gives.

    python -m mppdesk.sim.calibration           # print the table (model vs target)
    python -m mppdesk.sim.calibration --fit     # fit CALIBRATED again (minutes)

Each target is a share (so that it can be compared within percentage points) defined
from the published counts, and measured in the model on the same date from the same
kind of count. Pure NumPy and SciPy: no Django.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mppdesk.sim import published, scenarios
from mppdesk.sim.engine import Result, simulate

Counts = Mapping[str, npt.NDArray[np.int64]]
Share = Callable[[Counts], npt.NDArray[np.float64]]

#: Calibrated figures must be this close to their targets (percentage points).
TOLERANCE = 0.05


def ratio(numerator: str | tuple[str, ...], denominator: str | tuple[str, ...]) -> Share:
    """Per run: the sum of the ``numerator`` counts over the sum of the ``denominator``
    counts (0 where the denominator is 0)."""
    top = (numerator,) if isinstance(numerator, str) else numerator
    bottom = (denominator,) if isinstance(denominator, str) else denominator

    def share(counts: Counts) -> npt.NDArray[np.float64]:
        n = sum(counts[name].astype(np.float64) for name in top)
        d = sum(counts[name].astype(np.float64) for name in bottom)
        return np.divide(n, d, out=np.zeros_like(n), where=d > 0)

    return share


PENDING = ("waiting", "departed", "admitted")


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    value: float
    as_of: dt.date  # the date the model is measured on
    source: str
    definition: str
    share: Share
    weight: float = 1.0  # in the fit
    checked: bool = True  # asserted within TOLERANCE (else reported only)


def _fact(metric: str, as_of: str | None = None) -> published.Fact:
    return published.fact(metric, as_of)


def targets() -> list[Target]:
    """The published outcomes, in the order of the issue: missed hearings, in absentia,
    representation, relief, cases pending and still in Mexico; then the figures that
    also constrain the fit."""
    missed = _fact("missed_hearing_share")
    in_absentia = _fact("in_absentia_removal_orders")
    completed = _fact("completed_cases")
    represented = _fact("represented_share", "2020-12")
    represented_jan = _fact("represented_share", "2020-01")
    represented_jun = _fact("represented_share", "2019-06")
    relief = _fact("relief_granted_share_of_completed")
    pending = _fact("pending_cases")
    mexico = _fact("still_in_mexico")
    enrolled = _fact("people_enrolled_cumulative", "2021-01")
    enrolled_dec = _fact("people_enrolled_cumulative", "2020-12")
    first = _fact("waiting_for_first_hearing_share")
    terminations = _fact("terminations")
    return [
        Target(
            "missed_hearing_share",
            "People who missed a hearing",
            missed.number,
            dt.date(2019, 12, 31),
            missed.cite,
            "people who missed at least one hearing, of those with a hearing date passed",
            ratio("missed_any", "heard"),
        ),
        Target(
            "in_absentia_share_of_completed",
            "Completed cases ended in absentia",
            in_absentia.number / completed.number,
            scenarios.END,
            f"{in_absentia.cite} ÷ {completed.cite}; no MPP hearing was held from March 2020, "
            "so both counts cover the same completed cases",
            "in absentia removal orders standing, of completed cases",
            ratio("in_absentia", "completed"),
        ),
        Target(
            "represented_share",
            "Cases with counsel",
            represented.number,
            dt.date(2020, 12, 31),
            represented.cite,
            "enrolled people who had counsel while their case was open",
            ratio("represented", "arrived"),
        ),
        Target(
            "represented_share_2020_01",
            "Cases with counsel (January 2020)",
            represented_jan.number,
            dt.date(2020, 1, 31),
            represented_jan.cite,
            "as above, a year earlier",
            ratio("represented", "arrived"),
            weight=0.5,
        ),
        Target(
            "represented_pending_share_2019_06",
            "Pending cases with counsel (June 2019)",
            represented_jun.number,
            dt.date(2019, 6, 30),
            represented_jun.cite,
            "open cases with counsel, of open cases",
            ratio("represented_open", PENDING),
            weight=0.5,
        ),
        Target(
            "relief_share_of_completed",
            "Completed cases granted relief",
            relief.number,
            dt.date(2020, 12, 31),
            relief.cite,
            "relief granted, of completed cases",
            ratio("relief", "completed"),
        ),
        Target(
            "pending_share",
            "Cases pending (January 2021)",
            pending.number / enrolled.number,
            dt.date(2021, 1, 31),
            f"{pending.cite} ÷ {enrolled.cite}",
            "open cases (in Mexico, left, or admitted into the US), of enrolled people",
            ratio(PENDING, "arrived"),
        ),
        Target(
            "still_in_mexico_share",
            "Cases pending, people not admitted into the US (May 2021)",
            mexico.number / enrolled.number,
            dt.date(2021, 5, 31),
            f"{mexico.cite} ÷ {enrolled.cite}",
            "open cases of people not admitted into the US in the wind-down, of enrolled people",
            ratio(("waiting", "departed"), "arrived"),
        ),
        Target(
            "completed_share",
            "Cases completed (December 2020)",
            completed.number / enrolled_dec.number,
            dt.date(2020, 12, 31),
            f"{completed.cite} ÷ {enrolled_dec.cite}",
            "completed cases, of enrolled people",
            ratio("completed", "arrived"),
        ),
        Target(
            "waiting_for_first_hearing_share",
            "Waiting for a first hearing (November 2019)",
            first.number,
            dt.date(2019, 11, 30),
            first.cite,
            "enrolled people whose first hearing date has not passed, of enrolled people",
            ratio("no_first_hearing", "arrived"),
        ),
        Target(
            "termination_share_of_completed",
            "Completed cases terminated",
            terminations.number / completed.number,
            scenarios.END,
            f"{terminations.cite} ÷ {completed.cite}",
            "terminations, of completed cases",
            ratio("termination", "completed"),
        ),
    ]


@dataclass(frozen=True)
class Row:
    target: Target
    mean: float
    low: float
    high: float

    @property
    def difference(self) -> float:
        return self.mean - self.target.value

    @property
    def within(self) -> bool:
        return abs(self.difference) <= TOLERANCE

    def as_dict(self) -> dict[str, object]:
        t = self.target
        return {
            "name": t.name,
            "label": t.label,
            "model": round(self.mean, 4),
            "interval": [round(self.low, 4), round(self.high, 4)],
            "target": round(t.value, 4),
            "difference": round(self.difference, 4),
            "within_tolerance": self.within,
            "checked": t.checked,
            "as_of": t.as_of.isoformat(),
            "source": t.source,
            "definition": t.definition,
        }


def shares(result: Result, target: Target) -> npt.NDArray[np.float64]:
    week = scenarios.week_of(target.as_of)
    return target.share(result.counts[week])


def table(result: Result) -> list[Row]:
    rows = []
    for target in targets():
        values = shares(result, target)
        rows.append(
            Row(
                target,
                float(values.mean()),
                float(np.percentile(values, 2.5)),
                float(np.percentile(values, 97.5)),
            )
        )
    return rows


def format_table(rows: list[Row]) -> str:
    lines = [f"{'figure':<36} {'model':>7} {'target':>7} {'diff':>7}  source"]
    for row in rows:
        mark = "" if row.target.checked else " (reported)"
        lines.append(
            f"{row.target.name:<36} {row.mean:7.3f} {row.target.value:7.3f} "
            f"{row.difference:+7.3f}  {row.target.source}{mark}"
        )
    return "\n".join(lines)


# --- the fit ----------------------------------------------------------------------------

#: Parameters fitted, with their bounds. ``judges`` sets docket capacity.
FIT_BOUNDS: dict[str, tuple[float, float]] = {
    "no_show": (0.02, 0.9),
    "departure_hazard": (0.0005, 0.2),
    "counsel_at_enrolment": (0.0, 0.1),
    "counsel_hazard": (0.0, 0.02),
    "continuance": (0.0, 0.95),
    "relief": (0.0, 0.1),
    "termination": (0.0, 0.6),
    "judges": (1.0, 60.0),
}


def residuals(
    values: Mapping[str, float], *, runs: int, seed: int, fit_scale: float
) -> npt.NDArray[np.float64]:
    """(model - target) / tolerance for each target, times the square root of its weight."""
    scenario = scenarios.scale(scenarios.baseline_2019(values), fit_scale)
    result = simulate(scenario.params, runs=runs, seed=seed)
    return np.array(
        [
            np.sqrt(t.weight) * (float(shares(result, t).mean()) - t.value) / TOLERANCE
            for t in targets()
        ]
    )


def fit(
    *,
    runs: int = 4,
    seed: int = 2019,
    fit_scale: float = 1.0,
    start: Mapping[str, float] | None = None,
    max_evaluations: int = 300,
) -> dict[str, float]:
    """Fit the ``FIT_BOUNDS`` parameters to the targets: bounded least squares on the
    residuals, with common random numbers (the same seed for every evaluation) and
    finite-difference steps of 10% (smaller ones see the noise of single draws)."""
    from scipy.optimize import least_squares

    names = list(FIT_BOUNDS)
    lows = np.array([FIT_BOUNDS[n][0] for n in names])
    highs = np.array([FIT_BOUNDS[n][1] for n in names])
    initial = dict(scenarios.CALIBRATED if start is None else start)
    x0 = np.clip([initial[n] for n in names], lows + 1e-6, highs - 1e-6)

    def as_values(x: npt.NDArray[np.float64]) -> dict[str, float]:
        return dict(zip(names, (float(v) for v in x), strict=True))

    best = least_squares(
        lambda x: residuals(as_values(x), runs=runs, seed=seed, fit_scale=fit_scale),
        x0,
        bounds=(lows, highs),
        diff_step=0.1,
        max_nfev=max_evaluations,
        x_scale="jac",
    )
    return {name: round(value, 5) for name, value in as_values(best.x).items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fit", action="store_true", help="fit the calibrated parameters")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.fit:
        started = time.perf_counter()
        values = fit()
        print(json.dumps(values, indent=2))
        print(f"fitted in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        result = simulate(scenarios.baseline_2019(values).params, runs=args.runs, seed=args.seed)
    else:
        result = simulate(scenarios.baseline_2019().params, runs=args.runs, seed=args.seed)
    print(format_table(table(result)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
