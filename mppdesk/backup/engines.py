"""Dump the database into an archive and restore one into an empty database.

PostgreSQL: ``pg_dump --format=custom`` piped straight into the archive writer, and
``pg_restore --single-transaction --exit-on-error`` fed from the authenticated chunks
(stdin is closed, letting it commit, only after the last chunk authenticated; on any
error it is killed, so nothing is committed). SQLite: the online backup API into a
private temporary file (consistent while the application keeps writing), encrypted;
restored by decrypting into a temporary file beside the target, checking it
(``PRAGMA integrity_check``) and renaming it into place.

The field keys are never in the database (they come from the environment or
``var/keys.json``), so they are never in an archive: restoring needs them separately
(``mppdesk keys export`` / ``import``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from mppdesk.backup.archive import ArchiveError, Secret, Writer, read_chunks, read_header

PIPE_CHUNK = 1024 * 1024


class RestoreRefused(Exception):
    """The target database is not empty, or is of another engine than the archive."""


@dataclass
class Result:
    engine: str
    seconds: float
    plain_bytes: int
    archive_bytes: int
    tables: dict[str, int] = field(default_factory=dict)


def _db() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.DATABASES["default"])


def engine_name(db: dict[str, Any] | None = None) -> str:
    db = db or _db()
    return "postgresql" if "postgresql" in str(db["ENGINE"]) else "sqlite"


def _pg_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore; the password goes in the
    environment, never on the command line (``ps`` would show it)."""
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    env["PGCONNECT_TIMEOUT"] = "10"
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ArchiveError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def table_counts() -> dict[str, int]:
    """Rows per table of the current database (the drill compares them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608 - introspected names
            counts[name] = int(cursor.fetchone()[0])
    return counts


def _meta(engine: str) -> dict[str, Any]:
    from django.db.migrations.recorder import MigrationRecorder

    import mppdesk

    recorder = MigrationRecorder.Migration.objects.order_by("-id").values_list("app", "name")
    last = recorder.first()
    return {
        "kind": "database",
        "engine": engine,
        "dump": "pg_dump-custom" if engine == "postgresql" else "sqlite",
        "mppdesk": getattr(mppdesk, "__version__", ""),
        "last_migration": "/".join(last) if last else "",
    }


def _open_private(path: Path) -> IO[bytes]:
    """A new file only the owner can read; an existing one is refused."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


def backup(out: Path, secret: Secret) -> Result:
    """Write an encrypted archive of the database to ``out`` (a new file, mode 0600).

    Written to ``out.partial`` and renamed at the end: a failed backup leaves no file
    that looks complete."""
    from django.db import connection

    started = time.perf_counter()
    engine = engine_name()
    meta = _meta(engine)
    counts = table_counts()
    if out.exists():
        raise ArchiveError(f"{out} exists already: give a new file name")
    partial = out.with_name(out.name + ".partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        with _open_private(partial) as handle:
            writer = Writer(handle, secret, meta)
            if engine == "postgresql":
                _dump_postgres(writer)
            else:
                connection.ensure_connection()
                _dump_sqlite(writer, Path(str(_db()["NAME"])))
            writer.close()
            handle.flush()
            os.fsync(handle.fileno())
        partial.rename(out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    return Result(
        engine=engine,
        seconds=time.perf_counter() - started,
        plain_bytes=writer.plain_bytes,
        archive_bytes=out.stat().st_size,
        tables=counts,
    )


def _dump_postgres(writer: Writer) -> None:
    args, env = _pg_args(_db())
    proc = subprocess.Popen(  # noqa: S603 - fixed program, arguments from settings
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    if proc.stdout is None or proc.stderr is None:  # for the type checker: PIPE given
        raise RuntimeError("pg_dump has no pipes")
    try:
        while True:
            data = proc.stdout.read(PIPE_CHUNK)
            if not data:
                break
            writer.write(data)
        error = proc.stderr.read().decode(errors="replace")
        if proc.wait() != 0:
            raise ArchiveError(f"pg_dump failed: {error.strip()[-500:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _dump_sqlite(writer: Writer, source: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="mppdesk-backup-") as tmp:
        os.chmod(tmp, 0o700)
        copy = Path(tmp) / "copy.sqlite3"
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst, pages=4096)  # online: other writers wait only per step
        finally:
            dst.close()
            src.close()
        with copy.open("rb") as handle:
            while data := handle.read(PIPE_CHUNK):
                writer.write(data)


def inspect(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        header, _raw = read_header(handle)
    return header


def database_is_empty() -> bool:
    """No table at all (a new database): restore never mixes into existing data."""
    from django.db import connection

    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(path: Path, secret: Secret) -> Result:
    """Restore the archive at ``path`` into the configured database, which must be empty
    (``RestoreRefused`` otherwise). All or nothing."""
    from django.db import connection

    started = time.perf_counter()
    engine = engine_name()
    with path.open("rb") as handle:
        header, chunks = read_chunks(handle, secret)
        if header.get("kind") != "database":
            raise ArchiveError("this archive holds keys, not a database: use `mppdesk keys import`")
        if header.get("engine") != engine:
            raise RestoreRefused(
                f"the archive is a {header.get('engine')} backup and this database is {engine}"
            )
        if engine == "postgresql":
            if not database_is_empty():
                raise RestoreRefused(
                    f"the database {_db()['NAME']} is not empty: restore only into a new, "
                    "empty database (createdb NAME), never over existing data"
                )
            connection.close()
            plain = _restore_postgres(chunks)
        else:
            connection.close()
            plain = _restore_sqlite(chunks, Path(str(_db()["NAME"])))
    connection.close()
    return Result(
        engine=engine,
        seconds=time.perf_counter() - started,
        plain_bytes=plain,
        archive_bytes=path.stat().st_size,
        tables=table_counts(),
    )


def _restore_postgres(chunks: Any) -> int:
    args, env = _pg_args(_db())
    proc = subprocess.Popen(  # noqa: S603 - fixed program, arguments from settings
        [
            _tool("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            *args,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    if proc.stdin is None or proc.stderr is None:  # for the type checker: PIPE given
        raise RuntimeError("pg_restore has no pipes")
    plain = 0
    try:
        for data in chunks:
            proc.stdin.write(data)
            plain += len(data)
    except BaseException:
        proc.kill()  # never let it see EOF (and commit) after a bad chunk
        proc.wait()
        raise
    proc.stdin.close()
    error = proc.stderr.read().decode(errors="replace")
    if proc.wait() != 0:
        raise ArchiveError(f"pg_restore failed, nothing was restored: {error.strip()[-500:]}")
    return plain


def _restore_sqlite(chunks: Any, target: Path) -> int:
    if target.exists() and target.stat().st_size > 0:
        with contextlib.closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as conn:
            tables = conn.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type='table'"
            ).fetchone()
        if tables[0]:
            raise RestoreRefused(
                f"the database {target} is not empty: restore only into a new, empty "
                "database (a file name that does not exist yet), never over existing data"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".restore-", suffix=".sqlite3", dir=target.parent)
    tmp = Path(tmp_name)
    plain = 0
    try:
        with os.fdopen(fd, "wb") as handle:
            for data in chunks:
                handle.write(data)
                plain += len(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.closing(sqlite3.connect(tmp)) as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise ArchiveError("the restored SQLite file fails its integrity check")
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(target) + suffix).unlink()
        tmp.replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return plain


def decrypt_to(path: Path, secret: Secret, out: IO[bytes]) -> dict[str, Any]:
    """Write the archive's plaintext (the dump) to ``out``; for the drill and audits."""
    with path.open("rb") as handle:
        header, chunks = read_chunks(handle, secret)
        for data in chunks:
            out.write(data)
    return header
