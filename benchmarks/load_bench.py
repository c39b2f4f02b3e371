"""Load benchmark: the web application under 50, 200 and 500 concurrent users on
PostgreSQL with 1,000,000 people, and the text line at a fixed rate (issue 16).

    python -m benchmarks.load_bench [--people 1000000] [--users 50,200,500]
        [--duration 60] [--web-workers 2] [--text-rate 100] [--reuse]
        [--database mppdesk_load] [--metrics]

1. A database ``mppdesk_load`` on ``BENCH_POSTGRES_URL``'s server (kept between runs with
   ``--reuse``) is migrated and filled through the real importer (100,000-row CSV chunks,
   rows that duplicate an earlier chunk skipped), plus dockets with hearings and sent
   messages for the callbacks.
2. One verified (two-factor) session per simulated staff member is written directly.
3. ``mppdesk serve`` (gunicorn, ``--web-workers`` sync workers) runs the application; locust
   (``benchmarks/load/locustfile.py``) runs headless beside it, once per user count, then
   the text line alone at ``--text-rate`` messages per second.
4. One JSON document on stdout: per endpoint and level, requests, failures, p50/p95/p99
   (ms), with ``/healthz`` (a bare Django JSON view) as the baseline in the same run.

Locust, the server and PostgreSQL share the machine's cores: the figures are for all
three on one host.
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import os
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from benchmarks.common import PG_ADMIN_URL, ROOT

DB_NAME = "mppdesk_load"
CHUNK = 100_000
VAR_DIR = Path(tempfile.gettempdir()) / "mppdesk-load-var"
STAFF_CLASSES = ["CaseWorker", "Coordinator", "Public", "TwilioCallbacks", "Baseline"]


def database_url() -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{DB_NAME}"


def ensure_database(reuse: bool) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and not reuse:
            conn.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def populate(people: int, log) -> dict:  # type: ignore[no-untyped-def]
    """Migrate and fill the database; return the fixture for locust."""
    import datetime as dt
    import uuid

    import django
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    django.setup()
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from benchmarks.import_bench import FAMILY, GIVEN, write_csv
    from mppdesk.accounts.models import Membership, Organization, User
    from mppdesk.cases.models import Case
    from mppdesk.hearings.models import Docket, Hearing
    from mppdesk.messaging.models import Message
    from mppdesk.people.importer import import_people
    from mppdesk.people.models import Person
    from mppdesk.places.models import Venue

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    org, _ = Organization.objects.get_or_create(
        slug="load-org", defaults={"name": "Load test legal aid", "kind": "legal_services"}
    )
    users = {}
    for role in ("caseworker", "coordinator"):
        user, _ = User.objects.get_or_create(username=f"load-{role}")
        Membership.objects.get_or_create(user=user, organization=org, defaults={"role": role})
        users[role] = user
    have = Person.objects.filter(organization=org).count()
    chunk_no = have // CHUNK
    while have < people * 0.99:
        rows = min(CHUNK, people - have)
        path = Path(tempfile.gettempdir()) / f"load-{uuid.uuid4().hex[:6]}.csv"
        write_csv(path, rows, seed=1000 + chunk_no, start=chunk_no * CHUNK)
        started = time.perf_counter()
        report = import_people(
            path, actor=users["caseworker"], organization=org, all_or_nothing=False
        )
        path.unlink()
        have = Person.objects.filter(organization=org).count()
        log(
            f"chunk {chunk_no}: {report.created_people} people written, {len(report.duplicates)} duplicates "
            f"skipped, {time.perf_counter() - started:.1f} s; {have} people"
        )
        chunk_no += 1

    venue = Venue.objects.order_by("code").first()
    if not Docket.objects.filter(courtroom__startswith="load").exists():
        cases = list(Case.objects.filter(organization=org).order_by("a_number")[:2000])
        today = timezone.localdate()
        now = timezone.now()
        for d in range(50):
            day = today + dt.timedelta(days=7 + d // 5)
            docket = Docket.objects.create(
                venue=venue, date=day, session="am", courtroom=f"load{d % 5}", capacity=40,
                starts_at=dt.time(8, 30),
            )  # fmt: skip
            Hearing.objects.bulk_create(
                Hearing(
                    organization=org,
                    case=case,
                    docket=docket,
                    scheduled_at=now + dt.timedelta(days=7 + d // 5),
                    port=case.port,
                )  # fmt: skip
                for case in cases[d * 40 : (d + 1) * 40]
            )
            Docket.objects.filter(pk=docket.pk).update(booked=40)
    if not Message.objects.filter(provider_id__startswith="SMload").exists():
        leads = list(
            Person.objects.filter(organization=org)
            .order_by("id")
            .values_list("id", flat=True)[:20000]
        )
        Message.objects.bulk_create(
            (
                Message(
                    organization=org,
                    person_id=pid,
                    channel="sms",
                    recipient="+526560000000",
                    template="manual",
                    language="es",
                    body="Recordatorio de audiencia",
                    status="sent",
                    provider="twilio_sms",
                    provider_id=f"SMload{i:026d}",
                    idempotency_key=f"load:{i}",
                    sent_at=timezone.now(),
                )  # fmt: skip
                for i, pid in enumerate(leads)
            ),
            batch_size=2000,
        )

    # What autovacuum does after a bulk load in a deployment (docs/deploy.md: keep it on);
    # it is off on this machine's PostgreSQL, so the benchmark does not rely on it.
    # - Planner statistics (ANALYZE): without them PostgreSQL guesses (1,084 cases of an
    #   organization instead of 320,701) and a person page took 466 ms instead of 37 ms.
    # - The visibility map (VACUUM): the name-token index covers the searches, but an
    #   index-only scan reads the table for every page not yet marked all-visible. On a
    #   freshly filled database a surname search cost 119.5 ms of PostgreSQL CPU and a
    #   whole-name search 400 ms, against 22.5 and 87 ms after VACUUM (4 s).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    sessions: dict[str, list[str]] = {}
    for role, user in users.items():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
            TOTPDevice.objects.create(user=user, name="load", confirmed=True)
        )
        keys = []
        for _ in range(600):
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store[DEVICE_ID_SESSION_KEY] = device.persistent_id
            store.set_expiry(6 * 3600)
            store.create()
            keys.append(store.session_key)
        sessions[role] = keys
    sample = Person.objects.filter(organization=org).order_by("?")[:3000]
    a_numbers = (
        Case.objects.filter(organization=org)
        .order_by("?")
        .values_list("a_number", flat=True)[:3000]
    )
    return {
        "sessions": sessions,
        "people": [str(p) for p in sample.values_list("id", flat=True)],
        "a_numbers": [str(a) for a in a_numbers],
        "surnames": FAMILY,
        "given_names": GIVEN,
        "dockets": list(
            Docket.objects.filter(courtroom__startswith="load").values_list("id", flat=True)
        ),
        "message_sids": list(
            Message.objects.filter(provider_id__startswith="SMload").values_list(
                "provider_id", flat=True
            )[:20000]
        ),
        "people_count": Person.objects.filter(organization=org).count(),
    }


def run_due_jobs(env: dict, log) -> dict:  # type: ignore[no-untyped-def]
    """Run the periodic jobs that are due before measuring (``mppdesk periodic --once``).

    A deployment that has been up runs its daily jobs (the audit chain check over every
    entry, the retention purge, the case-work tasks over every case) once a day; a freshly
    started benchmark would otherwise measure the first of them racing the load. Their
    time is reported on its own."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mppdesk", "periodic", "--once"],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    took = round(time.perf_counter() - started, 1)
    log(f"periodic jobs due before the run: {took} s")
    return {"seconds": took, "exit_code": done.returncode, "jobs": done.stdout.splitlines()}


def loop_seconds() -> float:
    """This machine's speed now: seconds for a fixed pure-Python loop (0.54-0.71 s on one
    session's machine, 1.07-1.33 s on another's). Its speed varies by a third within
    minutes, so each run records it at its start and end."""
    started = time.perf_counter()
    sum(i * i for i in range(10**7))
    return round(time.perf_counter() - started, 2)


def interpreter() -> dict:
    """Which Python ran the layout: a page costs a quarter less Python CPU on Debian's
    python3.11 than on a pyenv build without ``--enable-optimizations`` (docs/deploy.md)."""
    return {
        "version": platform.python_version(),
        "executable": os.path.realpath(getattr(sys, "_base_executable", sys.executable)),
        "configure": sysconfig.get_config_var("CONFIG_ARGS") or "",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not become ready")


def read_stats(prefix: Path) -> dict[str, dict]:
    result = {}
    with (prefix.parent / f"{prefix.name}_stats.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] in ("Aggregated", "(login: first page)"):
                continue
            result[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]),
                "rps": round(float(row["Requests/s"]), 1),
            }
    return result


def process_group(name: str, cmdline: list[str]) -> str:
    """Which part of the layout a process belongs to (for the CPU breakdown)."""
    line = " ".join(cmdline)
    if name.startswith("postgres") or line.startswith("postgres:"):
        return "postgresql"
    if "locust" in line:
        return "locust"
    if "gunicorn" in line or " serve" in line:
        return "web"
    for part in ("worker", "dispatch", "periodic"):
        if f"mppdesk {part}" in line or line.endswith(f" {part}"):
            return part
    if "mppdesk" in line:
        return "supervisor"
    return "other"


#: Groups whose processes start and reap others of the same group (the postmaster its
#: backends, the gunicorn master its workers): what their ended children used counts too.
_REAPING_GROUPS = ("postgresql", "web")


def process_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds so far of every process on the machine, with its group; for the groups
    in ``_REAPING_GROUPS`` with the CPU of the children they reaped (a database backend
    that ended during a level: its connection was recycled)."""
    import psutil

    seen = {}
    for proc in psutil.process_iter(["pid", "name", "cmdline", "cpu_times"]):
        info = proc.info
        times = info.get("cpu_times")
        if times is None:
            continue
        group = process_group(info.get("name") or "", info.get("cmdline") or [])
        seconds = times.user + times.system
        if group in _REAPING_GROUPS:
            seconds += times.children_user + times.children_system
        seen[info["pid"]] = (group, float(seconds))
    return seen


def cpu_by_group(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds per group between two ``process_cpu`` readings. A process that ended in
    between is in its parent's reaped-children time with all it ever used, so what it had
    used before is taken off again (for the groups whose parents are counted so)."""
    by_group: dict[str, float] = {}
    for pid, (group, seconds) in after.items():
        was = before.get(pid)
        used = seconds - was[1] if was and was[0] == group else seconds
        by_group[group] = by_group.get(group, 0.0) + used
    for pid, (group, seconds) in before.items():
        ended = pid not in after or after[pid][0] != group  # or its pid went to another
        if ended and group in _REAPING_GROUPS:
            by_group[group] = by_group.get(group, 0.0) - seconds
    return by_group


def _cpu_modes() -> dict[str, float]:
    import psutil

    times = psutil.cpu_times()
    return {field: float(getattr(times, field)) for field in times._fields}


def busy_seconds(modes: dict[str, float]) -> float:
    """CPU seconds spent busy (all cores, not idle or waiting) of a ``_cpu_modes`` reading."""
    return sum(modes.values()) - modes["idle"] - modes.get("iowait", 0.0)


class CpuAccount:
    """Where the machine's CPU went during one locust run: locust itself (a waited-for
    child: its rusage) and everything else (the server, its workers, PostgreSQL, the
    task processes). The application's CPU per request gives the physical ceiling of
    this machine: ``cores / cost`` requests per second, whatever the concurrency."""

    def __init__(self) -> None:
        import resource

        self._resource = resource
        self.started = time.perf_counter()
        self.children = self._children()
        self.load_before = os.getloadavg()[0]
        self.processes = process_cpu()
        self.modes = _cpu_modes()

    def _children(self) -> float:
        usage = self._resource.getrusage(self._resource.RUSAGE_CHILDREN)
        return float(usage.ru_utime + usage.ru_stime)

    def finish(self, requests: int) -> dict:
        wall = time.perf_counter() - self.started
        spent = {k: v - self.modes.get(k, 0.0) for k, v in _cpu_modes().items()}
        busy = busy_seconds(spent)
        locust = self._children() - self.children
        app = max(0.0, busy - locust)
        cores = os.cpu_count() or 1
        by_group = cpu_by_group(self.processes, process_cpu())
        per_request = 1000 * app / requests if requests else None
        return {
            "wall_s": round(wall, 1),
            "load_average_before": round(self.load_before, 1),
            "machine_busy_share": round(busy / (wall * cores), 2),
            "locust_cpu_s": round(locust, 1),
            "application_cpu_s": round(app, 1),
            # Database backends and web workers that ended during the run are counted
            # (reaped by their parents); other processes that ended are missing.
            "cpu_s_by_process": {k: round(v, 1) for k, v in sorted(by_group.items())},
            "machine_cpu_s_by_mode": {k: round(v, 1) for k, v in spent.items() if round(v, 1)},
            "requests": requests,
            "achieved_rps": round(requests / wall, 1) if wall else None,
            "application_cpu_ms_per_request": round(per_request, 1) if per_request else None,
            # The most this machine could answer with every core on the application
            # and none on the load generator: the physical limit the run is read against.
            "ceiling_rps_all_cores": round(cores * 1000 / per_request, 1) if per_request else None,
        }


class WaitSampler(threading.Thread):
    """What the database's backends are doing, sampled every 50 ms during a level: how
    many run a statement, and how many of those wait for a lock (and on which
    statement). A queue on one lock (the audit chain head) shows as lock waits that grow
    with the users while the CPU is not yet full."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.samples = 0
        self.active = 0
        self.lock_waits: collections.Counter[str] = collections.Counter()
        self.running: collections.Counter[str] = collections.Counter()

    def run(self) -> None:
        import psycopg

        with psycopg.connect(database_url(), autocommit=True) as conn:
            while not self.stop.wait(0.05):
                rows = conn.execute(
                    # The statement without its column list: "SELECT … FROM people_person …".
                    "SELECT coalesce(wait_event_type, ''), left(regexp_replace(regexp_replace("
                    "query, '\\s+', ' ', 'g'), '^SELECT .*? FROM ', 'SELECT … FROM '),"
                    " 100) FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                    "AND pid <> pg_backend_pid()",
                    [DB_NAME],
                ).fetchall()
                self.samples += 1
                self.active += len(rows)
                self.lock_waits.update(query for kind, query in rows if kind == "Lock")
                self.running.update(query for kind, query in rows if kind != "Lock")

    def finish(self) -> dict:
        self.stop.set()
        self.join(10)
        n = max(self.samples, 1)
        return {
            "samples": self.samples,
            "active_statements_mean": round(self.active / n, 2),
            "lock_waits_mean": round(sum(self.lock_waits.values()) / n, 2),
            "lock_waits_by_statement": {
                query: round(count / n, 3) for query, count in self.lock_waits.most_common(5)
            },
            # Statements running (or waiting for anything but a lock): where the database
            # spends its time, by the statement's first 60 characters.
            "running_by_statement": {
                query: round(count / n, 3) for query, count in self.running.most_common(8)
            },
        }


def run_locust(host: str, env: dict, users: int, duration: int, classes: list[str], out: Path) -> dict:  # fmt: skip
    account = CpuAccount()
    waits = WaitSampler()
    waits.start()
    stats = run_locust_only(host, env, users, duration, classes, out)
    stats["(waits)"] = waits.finish()
    stats["(cpu)"] = account.finish(
        sum(row["requests"] for row in stats.values() if "requests" in row)
    )
    return stats


def run_locust_only(host: str, env: dict, users: int, duration: int, classes: list[str], out: Path) -> dict:  # fmt: skip
    prefix = out / f"u{users}-{'-'.join(classes)[:20]}"
    locust = shutil.which("locust", path=str(Path(sys.executable).parent)) or "locust"
    spawn = max(5, users // 10)
    subprocess.run(  # noqa: S603
        [
            locust,
            "-f",
            str(ROOT / "benchmarks" / "load" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(spawn),
            "-t",
            f"{duration + users // spawn}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            *classes,
        ],  # fmt: skip
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    return read_stats(prefix)


def scrape_metrics(host: str, token: str, times: int = 5) -> dict:
    """Time ``/metrics`` (the database gauges read at scrape time) on the loaded database."""
    took = []
    text = ""
    for _ in range(times):
        request = urllib.request.Request(  # noqa: S310 - the local server
            host + "/metrics", headers={"Authorization": f"Bearer {token}"}
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            text = response.read().decode()
        took.append((time.perf_counter() - started) * 1000)
    gauges = [
        line
        for line in text.splitlines()
        if line.startswith(("mppdesk_outbox_messages{", "mppdesk_metrics_database_seconds"))
    ]
    return {"median_ms": round(sorted(took)[len(took) // 2], 1), "samples": gauges}


def main() -> None:
    global DB_NAME, VAR_DIR  # noqa: PLW0603 - one run, one database
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--users", default="50,200,500")
    parser.add_argument("--duration", type=int, default=60, help="seconds at full load")
    # As many web processes as cores (``mppdesk run``'s default of 2 here): 5 gthread
    # workers on these 2 cores cost 40 ms of CPU per request at 200 users against 35 ms
    # for 2, and a person page alone 55 against 40 ms (docs/benchmarks.md).
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument(
        "--web-threads", type=int, default=None, help="threads per web worker (default: run's)"
    )
    parser.add_argument(
        "--text-rate", type=int, default=100, help="texts per second (0: no text-line level)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the database")
    parser.add_argument(
        "--database",
        default=DB_NAME,
        help="database name (and var directory) to use; dropped and refilled without --reuse",
    )
    parser.add_argument(
        "--metrics",
        action="store_true",
        help="production layout: scrape /metrics after the run and report its time",
    )
    parser.add_argument("--populate-only", action="store_true", help="fill the database, stop")
    parser.add_argument(
        "--layout",
        choices=["production", "serve"],
        default="production",
        help="mppdesk run --production (default) or a bare mppdesk serve",
    )
    args = parser.parse_args()
    if args.database != DB_NAME:
        DB_NAME = args.database
        VAR_DIR = Path(tempfile.gettempdir()) / f"mppdesk-load-var-{DB_NAME}"

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    out = Path(tempfile.mkdtemp(prefix="mppdesk-load-"))
    loop_at_start = loop_seconds()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        DJANGO_SETTINGS_MODULE="mppdesk.settings",
        # The field keys live in the var directory: it is kept with the database.
        MPPDESK_VAR_DIR=str(VAR_DIR),
        TWILIO_AUTH_TOKEN=secrets.token_hex(16),
        TWILIO_SMS_FROM="+15005550006",
        SESSION_IDLE_SECONDS=str(6 * 3600),
    )
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    env["PUBLIC_BASE_URL"] = host  # what Twilio signs against
    os.environ.update(env)
    if not args.reuse:
        shutil.rmtree(VAR_DIR, ignore_errors=True)
    ensure_database(args.reuse)
    started = time.perf_counter()
    fixture = populate(args.people, log)
    log(f"database ready in {time.perf_counter() - started:.0f} s")
    if args.populate_only:
        return
    warm_up = run_due_jobs(env, log)
    fixture["twilio_auth_token"] = env["TWILIO_AUTH_TOKEN"]
    fixture["twilio_number"] = env["TWILIO_SMS_FROM"]
    fixture_path = out / "fixture.json"
    fixture_path.write_text(json.dumps(fixture), encoding="utf-8")
    env["MPPDESK_LOAD_FIXTURE"] = str(fixture_path)

    from django.db import connections

    connections.close_all()
    if args.layout == "production":
        # The production layout: secrets from the environment (the keys the data was
        # written with), HTTPS as the trusted proxy on 127.0.0.1 says it, and
        # ``mppdesk run --production`` supervising web, task worker, dispatcher, periodic.
        from mppdesk.lib.crypto import local_keys

        field_keys, index_key = local_keys(VAR_DIR)
        env.update(
            MPPDESK_MODE="production",
            # The key the sessions were written with (populate ran in local mode): a new
            # one would turn every staff request into a redirect to the login page.
            SECRET_KEY=os.environ.get("SECRET_KEY")
            or (VAR_DIR / "secret_key").read_text(encoding="utf-8").strip(),
            MPPDESK_FIELD_KEYS=field_keys,
            MPPDESK_INDEX_KEY=index_key,
            ALLOWED_HOSTS="127.0.0.1",
            MPPDESK_TRUSTED_PROXIES="127.0.0.1",
            CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
            PUBLIC_BASE_URL=f"https://127.0.0.1:{port}",
            MPPDESK_LOAD_HTTPS="1",
            MPPDESK_METRICS_TOKEN=secrets.token_urlsafe(32),
        )
        command = [
            sys.executable, "-m", "mppdesk", "run", "--production", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(args.web_workers), "--task-workers", "1",
            "--dispatchers", "1",
            *(["--threads", str(args.web_threads)] if args.web_threads else []),
        ]  # fmt: skip
    else:
        command = [
            sys.executable, "-m", "mppdesk", "serve", "--bind", f"127.0.0.1:{port}",
            "--workers", str(args.web_workers),
        ]  # fmt: skip
    fixture["public_base_url"] = env["PUBLIC_BASE_URL"]
    fixture_path.write_text(json.dumps(fixture), encoding="utf-8")
    server = subprocess.Popen(  # noqa: S603
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(out / "server.log").open("w"),
    )
    levels = {}
    scrape: dict = {}
    try:
        wait_ready(host)
        for users in [int(u) for u in args.users.split(",")]:
            log(f"{users} users for {args.duration} s ...")
            levels[str(users)] = run_locust(host, env, users, args.duration, STAFF_CLASSES, out)
        text_line = {}
        if args.text_rate:
            log(f"text line at {args.text_rate}/s for {args.duration} s ...")
            text_line = run_locust(host, env, args.text_rate, args.duration, ["TextLine"], out)
        if args.layout == "production":
            scrape = scrape_metrics(host, env["MPPDESK_METRICS_TOKEN"])
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
    print(
        json.dumps(
            {
                "benchmark": "load",
                "database": "postgresql",
                "people": fixture["people_count"],
                "layout": args.layout,
                "web_workers": args.web_workers,
                "web_threads": args.web_threads or "default",
                "cores": os.cpu_count(),
                "python": interpreter(),
                "loop_s": {"start": loop_at_start, "end": loop_seconds()},
                "duration_s": args.duration,
                "levels": levels,
                "text_line": {"rate_per_s": args.text_rate, "stats": text_line},
                "metrics_scrape": scrape,
                "warm_up": warm_up,
                "targets": {
                    "case_worker_p99_ms_at_200": 300,
                    "errors": 0,
                    "text_line_max_s": 15,
                },
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
