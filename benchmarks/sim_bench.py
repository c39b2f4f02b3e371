"""Simulator: 1,000,000 person-years of the calibrated 2019 model, vectorized, against a
plain Python loop over people running the same model in the same process.

Vectorized: ``engine.simulate`` of ``baseline-2019`` (71,000 people from enrolment to
2021-06-29, about 123,000 person-years a run) for as many runs as make 1,000,000
person-years, all runs in one batch of arrays; best of ``--repeat``.

Baseline: ``reference.simulate_loop``, the same model person by person and week by week
(a draw per waiting person per week), on the same scenario scaled to ``--loop-scale`` of
its people (every count: arrivals, docket seats, admissions); its time per person-year is
scaled up to 1,000,000 person-years. A person's weekly work does not depend on how many
others there are, so the loop's time grows in proportion to person-years.

Both must agree: the test suite checks it (``sim/tests/test_engine.py``); here the mean
share of missed hearings of both is printed side by side as a reminder.

    python -m benchmarks.sim_bench [--person-years 1000000] [--loop-scale 0.05] [--repeat 3]

One core: ``benchmarks.run`` starts it as its own process, which pins itself to one CPU
(``sched_setaffinity``) and asks NumPy's thread pools for one thread.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402 - after the thread settings, which NumPy reads on import
import json  # noqa: E402
import math  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from mppdesk.sim import scenarios  # noqa: E402
from mppdesk.sim.engine import simulate  # noqa: E402
from mppdesk.sim.reference import simulate_loop  # noqa: E402

TARGET_S = 10.0


def _missed(counts: dict[str, Any]) -> float:
    return float(np.mean(np.asarray(counts["missed_any"]) / np.asarray(counts["heard"])))


def run(
    *,
    person_years: float = 1_000_000,
    loop_scale: float = 0.05,
    loop_runs: int = 2,
    repeat: int = 3,
    quick: bool = False,
) -> dict[str, Any]:
    if quick:
        person_years, loop_scale, loop_runs, repeat = 150_000, 0.02, 1, 1
    scenario = scenarios.baseline_2019()
    params = scenario.params
    per_run = params.person_years()
    runs = math.ceil(person_years / per_run)
    last = params.observe[-1]
    simulate(params, runs=1, seed=0)  # warm up NumPy (first calls allocate)
    times = []
    vector_missed = float("nan")
    for i in range(repeat):
        started = time.perf_counter()
        result = simulate(params, runs=runs, seed=100 + i, batch_people=10**9)
        times.append(time.perf_counter() - started)
        vector_missed = _missed(result.counts[last])
    vector_s = min(times)

    small = scenarios.scale(scenario, loop_scale).params
    loop_person_years = small.person_years() * loop_runs
    started = time.perf_counter()
    loop_missed = []
    for i in range(loop_runs):
        counts = simulate_loop(small, seed=500 + i)
        loop_missed.append(counts[last]["missed_any"] / max(counts[last]["heard"], 1))
    loop_s = time.perf_counter() - started
    loop_per_million = loop_s / loop_person_years * 1_000_000
    simulated = per_run * runs
    vector_per_million = vector_s / simulated * 1_000_000
    return {
        "benchmark": "simulator",
        "scenario": scenario.name,
        "vectorized": {
            "runs": runs,
            "people_per_run": params.people,
            "person_years": round(simulated),
            "seconds": round(vector_s, 3),
            "all_seconds": [round(t, 3) for t in times],
            "seconds_per_million_person_years": round(vector_per_million, 3),
            "missed_hearing_share_at_end": round(vector_missed, 4),
        },
        "loop": {
            "scale": loop_scale,
            "runs": loop_runs,
            "people_per_run": small.people,
            "person_years": round(loop_person_years),
            "seconds": round(loop_s, 3),
            "seconds_per_million_person_years": round(loop_per_million, 1),
            "missed_hearing_share_at_end": round(float(np.mean(loop_missed)), 4),
        },
        "speedup": round(loop_per_million / vector_per_million, 1),
        "target_seconds_per_million_person_years": TARGET_S,
        "met": vector_per_million <= TARGET_S,
    }


def run_in_child(*, quick: bool = False) -> dict[str, Any]:
    """Run this benchmark in a fresh process (one core, one thread) and return its JSON."""
    from benchmarks.common import ROOT

    args = [sys.executable, "-m", "benchmarks.sim_bench"] + (["--quick"] if quick else [])
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=3600, check=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    parser = argparse.ArgumentParser()
    parser.add_argument("--person-years", type=float, default=1_000_000)
    parser.add_argument("--loop-scale", type=float, default=0.05)
    parser.add_argument("--loop-runs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(
        json.dumps(
            run(
                person_years=args.person_years,
                loop_scale=args.loop_scale,
                loop_runs=args.loop_runs,
                repeat=args.repeat,
                quick=args.quick,
            )
        )
    )


if __name__ == "__main__":
    main()
