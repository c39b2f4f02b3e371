"""Fault harness: restart PostgreSQL under the application and check what survived.

    python -m benchmarks.faults [--messages 10000] [--rows 20000] [--only import,dispatch,...]

Runs its own PostgreSQL 15 cluster (``initdb`` as the ``postgres`` user into a
temporary directory, ``pg_ctl`` on port 55432) so it can restart it without touching
the shared server, and a gunicorn (``mppdesk.wsgi``) against it to time ``/readyz``.
Each restart is ``pg_ctl restart -m immediate``: a crash of the server (no checkpoint,
every connection cut, WAL recovery on start).

Scenarios:

- **import**: ``mppdesk import people`` of ``--rows`` synthetic people; PostgreSQL is
  restarted while the import writes. Expected: exit status 3, one line, no person
  written (the import is one transaction).
- **dispatch**: ``--messages`` reminders enqueued, two ``mppdesk dispatch`` processes
  sending to the fake Twilio server on 127.0.0.1 (which counts every message it
  accepts); PostgreSQL is restarted once 30 % are sent. Expected: every message sent
  exactly once (0 duplicates, 0 lost).

- **web_kill**: ``kill -9`` of one gunicorn worker while 8 clients send requests.
  Expected: at most the killed worker's request in flight fails, the master starts a
  new worker, every other request is answered.

After each: ``mppdesk audit verify`` passes, ``mppdesk people check-search`` finds the
name-search arrays equal to the name tokens, and the seconds from the restart until
``/readyz`` answers 200 again (no human involved). The interrupted import is then run
again to the end, and the arrays its COPY filled checked once more. Prints one JSON line.

Also (each in its own module): **schedule** (``faults_schedule.py``: restart during a
schedule commit), **worker_kill** (``faults_worker.py``: ``kill -9`` of a task worker
mid-task) and **disk_full** (``faults_disk.py``: a full tmpfs under ``./var`` during a
SQLite import). See docs/benchmarks.md "Faults".
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, said

PORT = 55432
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DB = "mppdesk_faults"


class PrivateCluster:
    """A throw-away PostgreSQL cluster owned by the ``postgres`` user."""

    def __init__(self, port: int = PORT) -> None:
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="mppdesk-faults-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        shutil.chown(self.dir, "postgres", "postgres")

    def _pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - fixed programs
            ["runuser", "-u", "postgres", "--", *args],
            capture_output=True, text=True, check=check, timeout=300,
        )  # fmt: skip

    def start(self) -> None:
        self._pg(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                 "--no-sync")  # fmt: skip
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                 "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                 "-c fsync=on -c max_connections=100", "start")  # fmt: skip
        self._pg(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), DB)

    def restart(self) -> float:
        started = time.perf_counter()
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                 "-l", str(self.log), "restart")  # fmt: skip
        return time.perf_counter() - started

    def stop(self) -> None:
        self._pg(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop",
                 check=False)  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB}"


def _env(url: str, var: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DEBUG", None)
    env.update(DATABASE_URL=url, MPPDESK_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="mppdesk.settings",
               MPPDESK_2FA_REQUIRED_ROLES="", CONN_MAX_AGE="0")  # fmt: skip
    return env


def _mppdesk(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "mppdesk", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Web:
    """gunicorn serving ``mppdesk.wsgi`` against the private cluster."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        handle = log.open("wb")
        self.proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "mppdesk.wsgi", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "2", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
        handle.close()

    def ready(self, timeout: float = 5) -> bool:
        return self.answer(timeout) == "ok"

    def answer(self, timeout: float = 5) -> str:
        """``ok`` or what went wrong (the exception's class name, or the status)."""
        try:
            with urllib.request.urlopen(  # noqa: S310 - loopback
                f"http://127.0.0.1:{self.port}/readyz", timeout=timeout
            ) as response:
                return "ok" if response.status == 200 else f"http_{response.status}"
        except Exception as exc:  # noqa: BLE001 - not ready
            return type(exc).__name__

    def wait_ready(self, since: float, limit: float = 120) -> float | None:
        while time.perf_counter() - since < limit:
            if self.ready():
                return round(time.perf_counter() - since, 2)
            time.sleep(0.2)
        return None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _wait_writing(cluster: PrivateCluster, proc: subprocess.Popen[str], limit: float = 600) -> bool:
    """Until another backend's transaction has written (it holds a transaction id): the
    import is inside its one transaction, with rows written and not committed."""
    import psycopg

    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline and proc.poll() is None:
        try:
            with psycopg.connect(cluster.url, autocommit=True, connect_timeout=3) as conn:
                while time.perf_counter() < deadline and proc.poll() is None:
                    row = conn.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL "
                        "AND datname = %s AND pid <> pg_backend_pid()",
                        (DB,),
                    ).fetchone()
                    if row and row[0]:
                        return True
                    time.sleep(0.05)
        except Exception:  # noqa: BLE001, S110 - the server may be starting
            pass
        time.sleep(0.1)
    return False


def _after(env: dict[str, str], web: Web, restarted_at: float) -> dict[str, Any]:
    ready = web.wait_ready(restarted_at)
    verify = _mppdesk(env, "audit", "verify")
    # The name-search arrays (people.token_sets) are kept by triggers in the writes'
    # transactions: after a crash they must still equal the token table.
    search = _mppdesk(env, "people", "check-search")
    return {
        "readyz_after_restart_s": ready,
        "readyz_within_30_s": ready is not None and ready <= 30,
        "audit_verify_ok": verify.returncode == 0,
        "audit_verify": said(verify),
        "search_arrays_ok": search.returncode == 0,
        "search_arrays": said(search),
    }


def scenario_import(
    cluster: PrivateCluster, env: dict[str, str], web: Web, rows: int
) -> dict[str, Any]:
    from benchmarks.import_bench import write_csv

    roster = Path(env["MPPDESK_VAR_DIR"]) / "roster.csv"
    write_csv(roster, rows)
    count = "SELECT count(*) FROM people_person"
    before = _scalar(cluster, count)
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "mppdesk", "import", "people", str(roster), "--org", "faults"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    writing = _wait_writing(cluster, proc)
    restarted_at = time.perf_counter()
    restart_s = cluster.restart()
    out, err = proc.communicate(timeout=600)
    after_count = _scalar(cluster, count)
    result = {
        "rows_in_file": rows,
        "restarted_while_writing": writing,
        "restart_s": round(restart_s, 2),
        "exit_status": proc.returncode,
        "stderr_lines": len(err.strip().splitlines()),
        "stderr": err.strip()[:200],
        "people_written": after_count - before,
    }
    result.update(_after(env, web, restarted_at))
    # The same file again, once the server is back: the whole import, and the arrays the
    # COPY's triggers filled agree with the tokens it wrote. Into an organization of its
    # own: the file's A-numbers stay free in "faults" for the scenarios after this one.
    _mppdesk(env, "org", "create", "Faults retry", "--kind", "legal_services",
             "--slug", "faults-retry")  # fmt: skip
    retry = _mppdesk(env, "import", "people", str(roster), "--org", "faults-retry")
    result["retry_exit_status"] = retry.returncode
    result["people_written_on_retry"] = _scalar(cluster, count) - after_count
    search = _mppdesk(env, "people", "check-search")
    result["search_arrays_after_retry_ok"] = search.returncode == 0
    result["search_arrays_after_retry"] = said(search)
    result["ok"] = (
        proc.returncode == 3 and result["people_written"] == 0 and result["stderr_lines"] == 1
        and result["audit_verify_ok"] and result["readyz_within_30_s"]
        and result["search_arrays_ok"] and retry.returncode == 0
        and result["people_written_on_retry"] > 0 and result["search_arrays_after_retry_ok"]
    )  # fmt: skip
    return result


def _scalar(cluster: PrivateCluster, sql: str) -> int:
    import psycopg

    for _ in range(100):
        try:
            with psycopg.connect(cluster.url, autocommit=True, connect_timeout=3) as conn:
                row = conn.execute(sql).fetchone()
                return int(row[0]) if row else 0
        except psycopg.OperationalError:
            time.sleep(0.3)
    raise RuntimeError("the private cluster does not answer")


def scenario_dispatch(
    cluster: PrivateCluster, env: dict[str, str], web: Web, messages: int
) -> dict[str, Any]:
    from django.db import close_old_connections, connection

    from benchmarks import messaging_bench as mb
    from mppdesk.accounts.models import Organization
    from mppdesk.messaging.models import MessageStatus

    org = Organization.objects.create(name="Faults dispatch", slug="faults-dispatch",
                                      kind="legal_services")  # fmt: skip
    enqueue_s = mb.enqueue(org, mb.reminders(messages, "faults"))
    connection.close()
    fake = mb.start_fake(timeout_sleep=1.5, retry_after=1)
    denv = {
        **mb.dispatcher_env(fake, 15),
        **{k: env[k] for k in ("DATABASE_URL", "MPPDESK_VAR_DIR")},
    }
    group = mb.Dispatchers(denv, 100, 8, Path(env["MPPDESK_VAR_DIR"]))
    restarted_at: float | None = None
    restart_s = 0.0
    done_at_restart = 0
    started = time.perf_counter()
    try:
        for _ in range(2):
            group.start()
        while time.perf_counter() - started < 1800:
            try:
                close_old_connections()
                counts = mb._status_counts(org)
            except Exception:  # noqa: BLE001 - the server is restarting
                connection.close()
                time.sleep(0.5)
                continue
            done = counts[MessageStatus.SENT] + counts[MessageStatus.FAILED]
            if restarted_at is None and done >= 0.3 * messages:
                done_at_restart = done
                restarted_at = time.perf_counter()
                restart_s = cluster.restart()
                connection.close()
                continue
            if done >= messages:
                break
            time.sleep(0.5)
        wall = time.perf_counter() - started
        alive = sum(1 for p in group.procs if p.poll() is None)
    finally:
        group.stop_all()
        fake.stop()
    connection.close()
    result: dict[str, Any] = {
        "messages": messages,
        "enqueue_s": round(enqueue_s, 1),
        "drain_wall_s": round(wall, 1),
        "sent_at_restart": done_at_restart,
        "restart_s": round(restart_s, 2),
        "dispatchers_alive_after": alive,
        "status": dict(mb._status_counts(org)),
    }
    result.update(mb.verify(org, fake))
    result.update(_after(env, web, restarted_at or time.perf_counter()))
    result["ok"] = (
        result["duplicates"] == 0 and result["lost"] == 0 and result["unexpected"] == 0
        and result["audit_verify_ok"] and result["readyz_within_30_s"]
        and result["search_arrays_ok"]
    )  # fmt: skip
    return result


def _gunicorn_workers(web: Web) -> list[int]:
    out = subprocess.run(  # noqa: S603
        ["pgrep", "-P", str(web.proc.pid)],
        capture_output=True,
        text=True,
        check=False,  # noqa: S607
    ).stdout
    return [int(pid) for pid in out.split()]


def scenario_web_kill(env: dict[str, str], web: Web, requests: int = 400) -> dict[str, Any]:
    """kill -9 one gunicorn worker while requests are in flight (8 clients in threads)."""
    import threading

    results: list[tuple[float, str]] = []
    lock = threading.Lock()
    stop_at = requests

    def client() -> None:
        while True:
            with lock:
                if len(results) >= stop_at:
                    return
            answer = web.answer(timeout=30)
            with lock:
                results.append((time.perf_counter(), answer))

    before = _gunicorn_workers(web)
    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    while len(results) < requests // 4:
        time.sleep(0.01)
    victim = before[0]
    killed_at = time.perf_counter()
    os.kill(victim, 9)
    respawned = None
    while time.perf_counter() - killed_at < 60:
        now = _gunicorn_workers(web)
        if len(now) >= len(before) and victim not in now:
            respawned = round(time.perf_counter() - killed_at, 2)
            break
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=120)
    failures: dict[str, int] = {}
    for _at, answer in results:
        if answer != "ok":
            failures[answer] = failures.get(answer, 0) + 1
    failed = sum(failures.values())
    after = [at for at, answer in results if at > killed_at and answer == "ok"]
    ready = round(after[0] - killed_at, 2) if after else None
    verify = _mppdesk(env, "audit", "verify")
    result = {
        "requests": len(results),
        "failed_requests": failed,
        "failures": failures,
        "workers_before": len(before),
        "worker_respawned_after_s": respawned,
        "first_answer_after_kill_s": ready,
        "audit_verify_ok": verify.returncode == 0,
    }
    # The killed worker's request in flight (at most one per worker thread) may fail;
    # every other request must be answered.
    result["ok"] = (
        failed <= 1
        and respawned is not None
        and bool(ready is not None and ready <= 30)
        and verify.returncode == 0
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--only", default="import,dispatch,web_kill,schedule,worker_kill,disk_full")
    args = parser.parse_args()
    cluster = PrivateCluster()
    var = Path(tempfile.mkdtemp(prefix="mppdesk-faults-var-"))
    results: dict[str, Any] = {}
    web: Web | None = None
    try:
        cluster.start()
        env = _env(cluster.url, var)
        os.environ.update(
            {
                k: env[k]
                for k in (
                    "DATABASE_URL",
                    "MPPDESK_VAR_DIR",
                    "CONN_MAX_AGE",
                    "DJANGO_SETTINGS_MODULE",
                )
            }
        )
        migrate = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env,
            capture_output=True, text=True, check=False, timeout=1800,
        )  # fmt: skip
        if migrate.returncode:
            raise RuntimeError(migrate.stderr[-2000:])
        _mppdesk(env, "org", "create", "Faults", "--kind", "legal_services", "--slug", "faults")
        web = Web(env, var / "gunicorn.log")
        results["web_ready_at_start_s"] = web.wait_ready(time.perf_counter())
        import django

        django.setup()
        wanted = args.only.split(",")
        if "import" in wanted:
            results["import"] = scenario_import(cluster, env, web, args.rows)
        if "dispatch" in wanted:
            results["dispatch"] = scenario_dispatch(cluster, env, web, args.messages)
        if "web_kill" in wanted:
            results["web_kill"] = scenario_web_kill(env, web)
        if "schedule" in wanted:
            from benchmarks.faults_schedule import scenario_schedule

            results["schedule"] = scenario_schedule(cluster, env, web)
        if "worker_kill" in wanted:
            from benchmarks.faults_worker import scenario_worker_kill

            results["worker_kill"] = scenario_worker_kill(env, web)
        if "disk_full" in wanted:
            from benchmarks.faults_disk import scenario_disk_full

            results["disk_full"] = scenario_disk_full()
    finally:
        if web is not None:
            web.stop()
        cluster.stop()
        shutil.rmtree(var, ignore_errors=True)
    results["ok"] = all(r.get("ok") for r in results.values() if isinstance(r, dict))
    print(json.dumps(results))
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
