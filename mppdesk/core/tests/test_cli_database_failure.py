"""Any ``mppdesk`` command that loses its database prints one line and exits 3: no
traceback, no personal data (database messages can quote the values a query handled)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.db.utils import InterfaceError, OperationalError

from mppdesk.cli import cli
from mppdesk.cli.app import DATABASE_ERROR_EXIT

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=url, MPPDESK_VAR_DIR=str(tmp_path / "var"))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "mppdesk", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_an_unreachable_postgresql_gives_one_line_and_status_3(tmp_path: Path) -> None:
    port = _free_port()  # nothing listens there
    proc = _run(tmp_path, f"postgres://postgres:s3cret@127.0.0.1:{port}/mppdesk", "audit", "verify")
    assert proc.returncode == DATABASE_ERROR_EXIT
    assert proc.stderr.strip().count("\n") == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Error: database failure (connection refused)")
    assert f"PostgreSQL 127.0.0.1:{port}/mppdesk" in proc.stderr
    assert "s3cret" not in proc.stderr  # never the password


def test_an_import_into_an_unopenable_sqlite_file_gives_status_3(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("given_names,family_names\nGuadalupe,Ramírez\n", encoding="utf-8")
    missing = tmp_path / "no" / "such" / "dir" / "db.sqlite3"
    proc = _run(tmp_path, f"sqlite:///{missing}", "import", "people", str(roster), "--org", "x")
    assert proc.returncode == DATABASE_ERROR_EXIT, proc.stderr
    assert "Traceback" not in proc.stderr and "Guadalupe" not in proc.stderr
    assert proc.stderr.startswith("Error: database failure (cannot open the file) at SQLite")


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (OperationalError("server closed the connection unexpectedly"), "was closed"),
        (OperationalError("terminating connection due to administrator command"), "shut"),
        (OperationalError("could not extend file: No space left on device"), "disk is full"),
        (InterfaceError("connection already closed"), "was closed"),
        (OperationalError("something new"), "OperationalError"),
    ],
)
def test_the_line_names_the_cause_in_fixed_words_never_the_database_message(
    error: Exception, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A message quoting a value the query handled must not reach the terminal.
    error.args = (error.args[0] + ' DETAIL: Key (given_names)=("Guadalupe Ramírez")',)

    def fail(**kwargs: object) -> None:
        raise error

    monkeypatch.setattr("mppdesk.audit.verify.verify_chain", fail)
    monkeypatch.setattr("mppdesk.audit.commands.setup_django", lambda: None)
    result = CliRunner().invoke(cli, ["audit", "verify"])
    assert result.exit_code == DATABASE_ERROR_EXIT
    assert reason in result.output
    assert "Guadalupe" not in result.output and "Traceback" not in result.output
    assert result.output.count("\n") == 1
