"""./var is created 0700; the SQLite file (and its -wal), the local keys and the secret
key 0600, whatever the umask says. A fresh process with a fresh var directory."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import os, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (x integer)")
    cursor.execute("INSERT INTO t VALUES (1)")
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_var_dir_database_and_keys_are_private(tmp_path):
    var = tmp_path / "deep" / "var"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MPPDESK_", "DATABASE_URL", "SECRET_KEY"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="mppdesk.settings",
        MPPDESK_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var}/mppdesk.sqlite3",
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import os; os.umask(0o022)\n{SCRIPT}"],
        env=env,
        check=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert _mode(var) == 0o700
    for name in ("mppdesk.sqlite3", "keys.json", "secret_key"):
        assert _mode(var / name) == 0o600, name
    wal = var / "mppdesk.sqlite3-wal"
    if wal.exists():  # checkpointed away on close, or still there: either way private
        assert _mode(wal) == 0o600
    assert (var / "mppdesk.sqlite3").stat().st_size > 0  # a real database, written


def test_an_existing_var_dir_is_left_as_the_operator_set_it(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o750)
    var.chmod(0o750)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="mppdesk.settings", MPPDESK_VAR_DIR=str(var))
    env.pop("DATABASE_URL", None)
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        check=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert _mode(var) == 0o750
    assert _mode(var / "mppdesk.sqlite3") == 0o600
