"""How PostgreSQL connections are set up, unless the deployment says otherwise:

- no parallel query workers (``MPPDESK_PG_PARALLEL_WORKERS``): under concurrent web
  requests on a small machine the worker processes cost more CPU than they save;
- on request (``MPPDESK_PG_PREPARE_THRESHOLD``), parameters bound by the server and
  statements prepared after a few runs: planning a person page's joins cost more than
  running them (docs/benchmarks.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

PRINT_OPTIONS = (
    "import django; from django.conf import settings; django.setup(); "
    "import json; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}))); "
    "print(json.dumps(settings.DATABASES['default']['ENGINE']))"
)


def _options(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    environ = dict(
        os.environ,
        DATABASE_URL="postgres://mppdesk@db.internal:5432/mppdesk",
        MPPDESK_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="mppdesk.settings",
    )
    environ.pop("MPPDESK_PG_PARALLEL_WORKERS", None)
    environ.pop("MPPDESK_PG_PREPARE_THRESHOLD", None)
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
        ("server", None),  # the server's own setting (a pooler may refuse options)
    ],
)
def test_the_setting_reaches_the_connection_options(tmp_path, value, expected) -> None:  # type: ignore[no-untyped-def]
    env = {} if value is None else {"MPPDESK_PG_PARALLEL_WORKERS": value}
    done = _options(tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[0]).get("options") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Django's own default: values quoted into the SQL, nothing prepared (a pooler
        # in transaction mode hands the next statement to another server connection).
        (None, {}),
        ("", {}),
        ("off", {}),
        ("OFF ", {}),
        ("0", {"server_side_binding": True, "prepare_threshold": 0}),
        ("5", {"server_side_binding": True, "prepare_threshold": 5}),
    ],
)
def test_prepared_statements_are_off_unless_asked_for(tmp_path, value, expected) -> None:  # type: ignore[no-untyped-def]
    env = {} if value is None else {"MPPDESK_PG_PREPARE_THRESHOLD": value}
    done = _options(tmp_path, **env)
    assert done.returncode == 0, done.stderr
    options = json.loads(done.stdout.splitlines()[0])
    prepared = {
        k: v for k, v in options.items() if k in ("server_side_binding", "prepare_threshold")
    }
    assert prepared == expected
    engine = "mppdesk.core.postgresql" if expected else "django.db.backends.postgresql"
    assert json.loads(done.stdout.splitlines()[1]) == engine


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("five", "MPPDESK_PG_PREPARE_THRESHOLD must be an integer"),
        ("-1", "MPPDESK_PG_PREPARE_THRESHOLD must be 0 or more, or off; got -1"),
        ("on", "MPPDESK_PG_PREPARE_THRESHOLD must be an integer"),
    ],
)
def test_a_bad_threshold_is_refused_by_name(tmp_path, value, message) -> None:  # type: ignore[no-untyped-def]
    done = _options(tmp_path, MPPDESK_PG_PREPARE_THRESHOLD=value)
    assert done.returncode != 0
    assert message in done.stderr


def test_a_bad_value_is_refused_by_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = _options(tmp_path, MPPDESK_PG_PARALLEL_WORKERS="two")
    assert done.returncode != 0
    assert "MPPDESK_PG_PARALLEL_WORKERS must be an integer" in done.stderr


def test_sqlite_gets_no_postgresql_options(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = _options(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert done.returncode == 0, done.stderr
    options = json.loads(done.stdout.splitlines()[0])
    assert not {"options", "server_side_binding", "prepare_threshold"} & set(options)


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


def _on_postgresql() -> bool:
    """True on the suite's PostgreSQL pass; on SQLite, checks that nothing of the
    prepared mode reached the connection."""
    if connection.vendor == "postgresql":
        return True
    assert "server_side_binding" not in connection.settings_dict.get("OPTIONS", {})
    return False


def _prepared_connection(threshold: int):  # type: ignore[no-untyped-def]
    """A second connection to the suite's PostgreSQL database as the setting makes it."""
    from mppdesk.core.postgresql.base import DatabaseWrapper

    options = {
        **connection.settings_dict.get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": threshold,
    }
    return DatabaseWrapper({**connection.settings_dict, "OPTIONS": options}, alias="prepared")


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_on_the_connection() -> None:
    """After the threshold a statement is prepared on the server, and its answers stay
    right."""
    if not _on_postgresql():
        return
    prepared = _prepared_connection(threshold=2)
    try:
        with prepared.cursor() as cursor:
            for value in range(4):
                cursor.execute("SELECT %s::int * 2, %s::text", [value, "100% 'x'"])
                assert cursor.fetchone() == (value * 2, "100% 'x'")
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ["SELECT $1::int * 2, $2::text"],
            )
            assert cursor.fetchone()[0] == 1
    finally:
        prepared.close()


@pytest.mark.django_db
def test_a_statement_with_more_values_than_the_protocol_carries_still_runs() -> None:
    """Bound by the server, a statement may carry 65,535 values; Django does not split an
    ``__in`` list or a ``bulk_update`` on PostgreSQL. Such a statement is sent with its
    values quoted into the SQL instead, and the values that look like SQL stay text."""
    from mppdesk.core.postgresql.base import MAX_BOUND_PARAMS

    if not _on_postgresql():
        return
    values = [f"v{i} 100% 'quoted' %s" for i in range(MAX_BOUND_PARAMS + 10)]
    rows = ", ".join(["(%s)"] * len(values))
    matching = f"FROM (VALUES {rows}) AS v(x) WHERE x LIKE %s"
    wanted = [v for v in values if v.startswith("v1")]
    prepared = _prepared_connection(threshold=0)
    try:
        with prepared.cursor() as cursor:
            cursor.execute(f"SELECT count(*), max(x) {matching}", [*values, "v1%"])
            assert cursor.fetchone() == (len(wanted), max(wanted))
            cursor.execute("SELECT %s::text", ["small"])  # still bound by the server
            assert cursor.fetchone() == ("small",)
        # A server-side cursor too (``QuerySet.iterator()`` reads through one).
        with prepared.chunked_cursor() as cursor:
            cursor.execute(f"SELECT x {matching}", [*values, "v1%"])
            assert sorted(row[0] for row in cursor.fetchall()) == sorted(wanted)
    finally:
        prepared.close()
