"""Helpers shared by benchmarks: a throw-away database per run and timing statistics."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summarize_ms(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {
        "p50_ms": round(percentile(ms, 50), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
        "n": len(ms),
    }


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


@contextlib.contextmanager
def scratch_database(engine: str) -> Iterator[tuple[str, Path]]:
    """Yield (DATABASE_URL, var_dir) for a fresh database that is removed afterwards."""
    var_dir = Path(tempfile.mkdtemp(prefix="mppdesk-bench-"))
    if engine == "sqlite":
        yield f"sqlite:///{var_dir / 'bench.sqlite3'}", var_dir
        return
    import psycopg

    name = f"mppdesk_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        yield f"{base}/{name}", var_dir
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def said(proc: subprocess.CompletedProcess[str], limit: int = 160) -> str:
    """What a finished command printed, standard output then error, trimmed to ``limit``
    characters: the line a fault scenario reports (``audit verify``, ``check-search``)."""
    return (proc.stdout + proc.stderr).strip()[:limit]


def kill_while_holding(pid: int, holding: Callable[[], int], timeout_s: float = 120) -> int:
    """SIGKILL process ``pid`` at a moment it holds work (``holding()`` > 0), and return
    what it held then.

    Checking, then killing, races the process: it can finish its claim between the two
    (a CI run from a clean clone killed a dispatcher that had just sent its batch, and
    the run showed no orphaned claim). So the process is frozen first (SIGSTOP), counted
    while it cannot change anything, and killed only if it holds work; otherwise it goes
    on (SIGCONT) and is tried again. Returns 0 if it held nothing within ``timeout_s``
    (it is then left running)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        os.kill(pid, signal.SIGSTOP)
        try:
            if held := holding():
                os.kill(pid, signal.SIGKILL)  # the SIGCONT after it changes nothing
                return held
        finally:
            os.kill(pid, signal.SIGCONT)
        time.sleep(0.01)
    return 0


def run_child(
    module: str,
    database_url: str,
    var_dir: Path,
    *args: str,
    timeout: int = 3000,
    extra_env: dict[str, str] | None = None,
) -> dict:
    """Run ``python -m module`` against one database and return the JSON it prints last."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        MPPDESK_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="mppdesk.settings",
        **(extra_env or {}),
    )
    env.pop("DEBUG", None)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"{module} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
        )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1])
    result["wall_s"] = round(time.perf_counter() - started, 2)
    return result


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mppdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
