"""Fault: the disk under ``./var`` (SQLite) fills up during ``mppdesk import people``.

    python -m benchmarks.faults --only disk_full

A 64 MB tmpfs is mounted as the var directory (20 MB until the name-prefix tokens of
issue 13: then even the emptied disk could not hold the 5,000 rows) (root is needed; if ``mount`` fails the
scenario reports ``mount_failed`` and does not pass). The database is migrated there, a filler file leaves about
``free_mb`` free, and an import larger than that runs. Expected: exit status 3, one
line on stderr naming a full disk, no person written; gunicorn, serving the same SQLite
file from before the import, answers ``/readyz`` while the disk is full and after the
filler is removed, ``audit verify`` passes and
the same import then succeeds.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, said


def _people(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM people_person").fetchone()[0])


def scenario_disk_full(rows: int = 5000, size_mb: int = 64, free_mb: int = 1) -> dict[str, Any]:
    from benchmarks.faults import Web, _env, _mppdesk
    from benchmarks.import_bench import write_csv

    mount = Path(tempfile.mkdtemp(prefix="mppdesk-faults-disk-"))
    mounted = subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mount)],  # noqa: S607
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode:
        return {"ok": False, "mount_failed": mounted.stderr.strip()[:200]}
    web: Web | None = None
    roster_dir = Path(tempfile.mkdtemp(prefix="mppdesk-faults-roster-"))
    try:
        env = _env("", mount)
        env.pop("DATABASE_URL")
        db = mount / "mppdesk.sqlite3"
        migrate = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env,
            capture_output=True, text=True, check=False, timeout=1800,
        )  # fmt: skip
        if migrate.returncode:
            return {"ok": False, "migrate": migrate.stderr[-500:]}
        _mppdesk(env, "org", "create", "Faults", "--kind", "legal_services", "--slug", "faults")
        roster = roster_dir / "roster.csv"
        write_csv(roster, rows)
        web = Web(env, roster.parent / "gunicorn.log")
        web_started = web.wait_ready(time.perf_counter())
        stat = os.statvfs(mount)
        free = stat.f_bavail * stat.f_frsize
        filler = mount / "filler"
        with filler.open("wb") as handle:
            handle.write(b"\0" * max(0, free - free_mb * 1024 * 1024))
        stat = os.statvfs(mount)
        free_before = stat.f_bavail * stat.f_frsize
        before = _people(db)
        started = time.perf_counter()
        proc = _mppdesk(env, "import", "people", str(roster), "--org", "faults")
        import_s = time.perf_counter() - started
        written = _people(db) - before
        err = proc.stderr.strip()
        while_full = web.answer()
        filler.unlink()
        freed_at = time.perf_counter()
        ready = web.wait_ready(freed_at)
        verify = _mppdesk(env, "audit", "verify")
        again = _mppdesk(env, "import", "people", str(roster), "--org", "faults")
        result: dict[str, Any] = {
            "tmpfs_mb": size_mb,
            "free_before_import_kb": free_before // 1024,
            "rows_in_file": rows,
            "exit_status": proc.returncode,
            "import_s": round(import_s, 2),
            "stderr_lines": len(err.splitlines()),
            "stderr": err[:240],
            "people_written": written,
            "web_ready_at_start_s": web_started,
            "readyz_while_disk_full": while_full,
            "readyz_after_space_freed_s": ready,
            "readyz_within_30_s": ready is not None and ready <= 30,
            "audit_verify_ok": verify.returncode == 0,
            "audit_verify": said(verify),
            "import_again_exit_status": again.returncode,
            "people_after_import_again": _people(db) - before,
        }
        result["ok"] = (
            proc.returncode == 3 and written == 0 and result["stderr_lines"] == 1
            and "disk is full" in err and result["readyz_within_30_s"]
            and result["audit_verify_ok"] and again.returncode == 0
            and result["people_after_import_again"] == rows
        )  # fmt: skip
        return result
    finally:
        if web is not None:
            web.stop()
        subprocess.run(["umount", "-l", str(mount)], check=False)  # noqa: S603, S607
        mount.rmdir()
        shutil.rmtree(roster_dir, ignore_errors=True)
