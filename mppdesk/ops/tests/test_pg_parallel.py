"""PostgreSQL connections start with no parallel query workers unless the deployment
says otherwise (``MPPDESK_PG_PARALLEL_WORKERS``): under concurrent web requests on a small
machine the worker processes cost more CPU than they save (docs/benchmarks.md)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection

PRINT_OPTIONS = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.DATABASES['default'].get('OPTIONS', {}).get('options'))"
)


def _options(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    environ = dict(
        os.environ,
        DATABASE_URL="postgres://mppdesk@db.internal:5432/mppdesk",
        MPPDESK_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="mppdesk.settings",
    )
    environ.pop("MPPDESK_PG_PARALLEL_WORKERS", None)
    environ.update(env)
    return subprocess.run(  # noqa: S603 - our own settings module
        [sys.executable, "-c", PRINT_OPTIONS], env=environ, capture_output=True, text=True,
        check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "-c max_parallel_workers_per_gather=0"),
        ("2", "-c max_parallel_workers_per_gather=2"),
        ("", "-c max_parallel_workers_per_gather=0"),
        ("server", "None"),  # the server's own setting (a pooler may refuse options)
    ],
)
def test_the_setting_reaches_the_connection_options(tmp_path, value, expected) -> None:  # type: ignore[no-untyped-def]
    env = {} if value is None else {"MPPDESK_PG_PARALLEL_WORKERS": value}
    done = _options(tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected


def test_a_bad_value_is_refused_by_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = _options(tmp_path, MPPDESK_PG_PARALLEL_WORKERS="two")
    assert done.returncode != 0
    assert "MPPDESK_PG_PARALLEL_WORKERS must be an integer" in done.stderr


def test_sqlite_gets_no_postgresql_options(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = _options(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"


@pytest.mark.django_db
def test_the_live_connection_plans_without_parallel_workers() -> None:
    """On the suite's PostgreSQL pass the server is asked; on SQLite there is nothing to
    set (and nothing is passed that SQLite would not understand)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"
    else:
        assert "options" not in connection.settings_dict.get("OPTIONS", {})
