"""Restore drill: back up a populated database, restore it into a new one, compare.

    python -m benchmarks.backup_drill [--engine sqlite|postgresql] [--people 500]

Two scratch databases of one engine (``benchmarks.common.scratch_database``). The
source gets the demo data (``mppdesk demo``: people, households, cases, hearings,
messages; every value personal data encrypted, every write audited). Then, each as a
separate ``mppdesk`` process as an operator would run it: ``backup`` (timed, size),
``keys export`` and ``keys import`` into a fresh ``./var``, ``restore`` into the empty
second database (timed), ``audit verify`` on the copy. Compared: rows per table, a
decrypted sample (names and birth dates of the first 20 people), the audit chain's last
hash; and the archive decrypted without the field keys must not show a name of the
sample in clear (for PostgreSQL the custom-format dump is turned into plain SQL by
``pg_restore -f -`` first: its table data is compressed), nor the archive's own bytes.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, scratch_database

PASSPHRASE = "drill passphrase, synthetic data only"  # noqa: S105 - a test fixture


def probe() -> dict[str, Any]:
    """In a child process against one database: counts, a decrypted sample, the chain."""
    import django

    django.setup()
    from mppdesk.audit.models import AuditEntry
    from mppdesk.backup.engines import table_counts
    from mppdesk.people.models import Person

    people = Person.objects.order_by("pk")[:20]
    sample = [[str(p.pk), p.given_names, p.family_names, str(p.birth_date)] for p in people]
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return {"counts": table_counts(), "sample": sample, "audit_last": list(last or [])}


def _mppdesk(env: dict[str, str], *args: str, check: bool = True) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "mppdesk", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if check and proc.returncode != 0:
        raise RuntimeError(f"mppdesk {args[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed, proc.stdout + proc.stderr


def _probe(env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "benchmarks.backup_drill", "--probe"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _env(url: str, var: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DEBUG", None)
    env.update(
        DATABASE_URL=url,
        MPPDESK_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="mppdesk.settings",
        MPPDESK_BACKUP_PASSPHRASE=PASSPHRASE,
        MPPDESK_KEYS_PASSPHRASE=PASSPHRASE + " (keys)",
    )
    return env


def _plaintext_dump(archive: Path, engine: str) -> bytes:
    """The archive opened with its backup passphrase but without the field keys."""
    from mppdesk.backup.archive import Secret
    from mppdesk.backup.engines import decrypt_to

    buffer = io.BytesIO()
    decrypt_to(archive, Secret(passphrase=PASSPHRASE), buffer)
    if engine != "postgresql":
        return buffer.getvalue()
    return subprocess.run(  # noqa: S603
        [shutil.which("pg_restore") or "pg_restore", "-f", "-"],
        input=buffer.getvalue(), capture_output=True, check=True, timeout=600,
    ).stdout  # fmt: skip


def drill(engine: str, people: int) -> dict[str, Any]:
    with (
        scratch_database(engine) as (src_url, src_var),
        scratch_database(engine) as (
            dst_url,
            dst_var,
        ),
    ):
        src = _env(src_url, src_var / "var")
        dst = _env(dst_url, dst_var / "var")
        demo_s, _ = _mppdesk(src, "demo", "--people", str(people), "--households",
                             str(max(people * 2 // 5, 1)), "--detained", "0")  # fmt: skip
        before = _probe(src)
        archive = src_var / "drill.mppbk"
        backup_s, _ = _mppdesk(src, "backup", str(archive))
        keys = src_var / "drill.mppkeys"
        _mppdesk(src, "keys", "export", str(keys))
        _mppdesk(dst, "keys", "import", str(keys))
        restore_s, restore_out = _mppdesk(dst, "restore", str(archive))
        verify_s, verify_out = _mppdesk(dst, "audit", "verify")
        after = _probe(dst)
        # A second restore into the now full database is refused.
        _s, refused = _mppdesk(dst, "restore", str(archive), check=False)
        names = {part for row in before["sample"] for part in row[1:3] if len(part) >= 4}
        dump = _plaintext_dump(archive, engine)
        raw = archive.read_bytes()
        leaked_in_dump = sorted(n for n in names if n.encode() in dump)
        leaked_in_archive = sorted(n for n in names if n.encode() in raw)
        return {
            "engine": engine,
            "people": people,
            "tables": len(before["counts"]),
            "rows": sum(before["counts"].values()),
            "demo_s": round(demo_s, 1),
            "backup_s": round(backup_s, 2),
            "restore_s": round(restore_s, 2),
            "audit_verify_s": round(verify_s, 2),
            "archive_bytes": len(raw),
            "dump_bytes": len(dump),
            "counts_equal": before["counts"] == after["counts"],
            "count_differences": {
                t: [n, after["counts"].get(t)]
                for t, n in before["counts"].items()
                if after["counts"].get(t) != n
            },
            "sample_equal": before["sample"] == after["sample"] and bool(before["sample"]),
            "audit_last_equal": before["audit_last"] == after["audit_last"],
            "audit_entries": before["audit_last"][0] if before["audit_last"] else 0,
            "audit_verify_ok": "intact" in verify_out,
            "restore_output": restore_out.strip().splitlines()[-2:],
            "second_restore_refused": "not empty" in refused,
            "sample_names_checked": len(names),
            "names_in_clear_in_dump": len(leaked_in_dump),
            "names_in_clear_in_archive": len(leaked_in_archive),
            # The search can find what is there: the dump is readable SQL/SQLite.
            "dump_shows_table_names": b"people_person" in dump,
        }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--probe", action="store_true")
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(probe(), default=str))
        return 0
    print(json.dumps(drill(args.engine, args.people)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
