"""Run every benchmark and write ``bench-results/results.json`` (also printed).

    python -m benchmarks.run [--quick] [--only import,encryption,audit,lookup,schedule,screening,transfers,messaging,sim] [--no-postgres]

``--quick`` shrinks the sizes for a smoke run; the figures quoted in issues come from a
full run. PostgreSQL benchmarks use ``BENCH_POSTGRES_URL`` (default: the local server)
and a scratch database that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

from benchmarks.common import ROOT, postgres_available, run_child, scratch_database


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--only",
        default="import,encryption,audit,lookup,schedule,screening,transfers,messaging,sim",
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench-results" / "results.json"))
    args = parser.parse_args()
    selected = set(args.only.split(","))
    engines = ["sqlite"] + ([] if args.no_postgres or not postgres_available() else ["postgresql"])
    results: dict = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": __import__("os").cpu_count(),
        },
        "quick": args.quick,
        "results": [],
    }
    if "import" in selected:
        rows = "5000" if args.quick else "100000"
        for engine in engines:
            with scratch_database(engine) as (url, var):
                results["results"].append(
                    run_child("benchmarks.import_bench", url, var, "--rows", rows)
                )
                print(json.dumps(results["results"][-1]), flush=True)
    if "encryption" in selected:
        from benchmarks.encryption_bench import compare

        rows = "5000" if args.quick else "20000"
        repeat = "50" if args.quick else "200"
        for engine in engines:
            # Each mode twice, in the order on, off, off, on: the first run of a session pays
            # for cold caches, which otherwise lands on one mode only. Best of two per mode.
            runs: dict[str, list[dict]] = {"1": [], "0": []}
            for mode in ("1", "0", "0", "1"):
                with scratch_database(engine) as (url, var):
                    runs[mode].append(
                        run_child(
                            "benchmarks.encryption_bench", url, var, "--rows", rows,
                            "--repeat", repeat, extra_env={"MPPDESK_FIELD_ENCRYPTION": mode},
                        )
                    )  # fmt: skip
            best = {mode: min(done, key=lambda r: r["import_s"]) for mode, done in runs.items()}
            results["results"].append(compare(best["1"], best["0"]))
            print(json.dumps(results["results"][-1]["ratios_on_over_off"]), flush=True)
    if "audit" in selected:
        for engine in engines:
            with scratch_database(engine) as (url, var):
                results["results"].append(
                    run_child("benchmarks.audit_bench", url, var, "--single",
                              "500" if args.quick else "2000")
                )  # fmt: skip
                print(json.dumps(results["results"][-1]), flush=True)
    if "lookup" in selected and "postgresql" in engines:
        people = "50000" if args.quick else "1000000"
        with scratch_database("postgresql") as (url, var):
            results["results"].append(
                run_child("benchmarks.anumber_lookup", url, var, "--people", people)
            )
            print(json.dumps(results["results"][-1]), flush=True)
    if "schedule" in selected:  # pure Python, no database
        from benchmarks.schedule_bench import run as schedule_run

        results["results"].append(schedule_run(cases=5000 if args.quick else 50_000))
        print(json.dumps(results["results"][-1]["targets"]), flush=True)
        # Tight seats: 200 and 2,000 cases against the exact MILP optimum of each.
        from benchmarks.schedule_bench import run_tight_all

        results["results"].append(
            run_tight_all(small_seeds=2 if args.quick else 5, large_seeds=0 if args.quick else 2)
        )
        print(json.dumps(results["results"][-1]["targets"]), flush=True)
    if "screening" in selected:  # the pure engine, then facts from each database
        from benchmarks.screening_bench import run as screening_run

        results["results"].append(screening_run(people=10_000 if args.quick else 100_000))
        print(json.dumps(results["results"][-1]), flush=True)
        for engine in engines:
            with scratch_database(engine) as (url, var):
                db_people = "2000" if args.quick else "10000"
                results["results"].append(
                    run_child(
                        "benchmarks.screening_bench",
                        url,
                        var,
                        "--people",
                        "0",
                        "--db-people",
                        db_people,
                    )  # fmt: skip
                )
                print(json.dumps(results["results"][-1]), flush=True)
    if "transfers" in selected:
        from benchmarks.transfers_bench import run_all as transfers_run

        results["results"].extend(transfers_run(engines, quick=args.quick))
    if "messaging" in selected:
        from benchmarks.messaging_bench import run_all as messaging_run

        results["results"].extend(messaging_run(engines, quick=args.quick))
    if "sim" in selected:  # pure NumPy in its own process, pinned to one core
        from benchmarks.sim_bench import run_in_child as sim_run

        results["results"].append(sim_run(quick=args.quick))
        print(json.dumps(results["results"][-1]), flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
