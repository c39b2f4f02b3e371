"""The test suite run again and again in a shuffled order with busy CPUs beside it.

    python -m benchmarks.suite_under_load [--runs 10] [--burners 2] [--seed N]
        [-- PYTEST_ARGS...]

A test that passes on a quiet machine and fails on a loaded one assumes a step takes less
than some time; a test that passes in file order and fails in another depends on what
ran before it. This harness looks for both: each run shuffles the order
(pytest-randomly, a new seed per run, recorded) and ``--burners`` processes spin on the
CPUs for the whole run. Extra arguments after ``--`` go to pytest (paths, ``-n``...);
``DATABASE_URL`` chooses the database as for ``make test``.

Prints one JSON document: per run the seed, the time, the counts and the failed tests;
then each failed test with the runs it failed in. Exit status 1 if any run failed.
Reproduce a failure with ``pytest -p randomly --randomly-seed=<seed> <test's file>``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET  # noqa: S405 - our own pytest's report
from collections import defaultdict
from pathlib import Path

from benchmarks.common import ROOT


def _burn() -> None:  # pragma: no cover - runs in a child, killed at the end
    while True:
        pass


def _failures(report: Path) -> list[str]:
    """``file::test`` of every failed or erroring test case in a JUnit report."""
    if not report.exists():
        return []
    failed = []
    for case in ET.parse(report).getroot().iter("testcase"):  # noqa: S314
        if case.find("failure") is not None or case.find("error") is not None:
            path = case.get("classname", "").replace(".", "/") + ".py"
            failed.append(f"{path}::{case.get('name')}")
    return failed


def run_once(seed: int, pytest_args: list[str], report: Path) -> dict[str, object]:
    command = [
        sys.executable, "-m", "pytest", "-p", "randomly", f"--randomly-seed={seed}",
        "-q", "-p", "xdist", "-n", "2", f"--junitxml={report}", *pytest_args,
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    lines = done.stdout.strip().splitlines()
    return {
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 1),
        "exit_status": done.returncode,
        "summary": lines[-1] if lines else done.stderr.strip()[-300:],
        "failed": _failures(report),
        "load_average_1min_at_end": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--burners", type=int, default=2, help="busy processes beside")
    parser.add_argument("--seed", type=int, help="seed of the run seeds (default: random)")
    args, pytest_args = parser.parse_known_args()
    if pytest_args[:1] == ["--"]:
        pytest_args = pytest_args[1:]
    seeds = random.Random(args.seed).sample(range(1, 2**31), args.runs)  # noqa: S311
    burners = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(args.burners)]
    for burner in burners:
        burner.start()
    runs = []
    try:
        with tempfile.TemporaryDirectory(prefix="mppdesk-suite-") as scratch:
            for number, seed in enumerate(seeds, start=1):
                result = run_once(seed, pytest_args, Path(scratch) / f"run-{number}.xml")
                runs.append(result)
                print(f"run {number}/{args.runs}: {result['summary']}", file=sys.stderr)
    finally:
        for burner in burners:
            burner.kill()
    by_test: dict[str, list[int]] = defaultdict(list)
    for number, result in enumerate(runs, start=1):
        for name in result["failed"]:  # type: ignore[attr-defined]
            by_test[name].append(number)
    print(
        json.dumps(
            {
                "runs": runs,
                "burners": args.burners,
                "cpus": os.cpu_count(),
                "failed_tests": dict(by_test),
                "runs_failed": sum(1 for r in runs if r["exit_status"] != 0),
            },
            indent=2,
        )
    )
    sys.exit(1 if any(r["exit_status"] != 0 for r in runs) else 0)


if __name__ == "__main__":
    main()
