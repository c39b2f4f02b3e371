"""PostgreSQL connections prepare the statements they run again and again
(``MPPDESK_PG_PREPARE_THRESHOLD``, server-side parameter binding): a person page runs the
same 23 statements on every view, and the server then parses and plans each once per
connection (docs/benchmarks.md). ``off`` turns both off, for a pooler that cannot
keep prepared statements."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.db import connection

from mppdesk.people.models import Person

PRINT_OPTIONS = (
    "import django, json; from django.conf import settings; django.setup(); "
    "options = settings.DATABASES['default'].get('OPTIONS', {}); "
    "print(json.dumps({k: options.get(k) for k in ('server_side_binding', 'prepare_threshold')}))"
)


def _options(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    environ = dict(
        os.environ,
        DATABASE_URL="postgres://mppdesk@db.internal:5432/mppdesk",
        MPPDESK_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="mppdesk.settings",
    )
    environ.pop("MPPDESK_PG_PREPARE_THRESHOLD", None)
    environ.update(env)
    return subprocess.run(  # noqa: S603 - our own settings module
        [sys.executable, "-c", PRINT_OPTIONS], env=environ, capture_output=True, text=True,
        check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, {"server_side_binding": True, "prepare_threshold": 5}),
        ("", {"server_side_binding": True, "prepare_threshold": 5}),
        ("0", {"server_side_binding": True, "prepare_threshold": 0}),
        ("2", {"server_side_binding": True, "prepare_threshold": 2}),
        ("off", {"server_side_binding": None, "prepare_threshold": None}),
    ],
)
def test_the_setting_reaches_the_connection_options(tmp_path, value, expected) -> None:  # type: ignore[no-untyped-def]
    env = {} if value is None else {"MPPDESK_PG_PREPARE_THRESHOLD": value}
    done = _options(tmp_path, **env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("five", "MPPDESK_PG_PREPARE_THRESHOLD must be an integer, got 'five'"),
        ("-1", "MPPDESK_PG_PREPARE_THRESHOLD must be 0 or more, or off"),
    ],
)
def test_a_bad_value_is_refused_by_name(tmp_path, value, message) -> None:  # type: ignore[no-untyped-def]
    done = _options(tmp_path, MPPDESK_PG_PREPARE_THRESHOLD=value)
    assert done.returncode != 0
    assert message in done.stderr


def test_sqlite_gets_neither(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = _options(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"server_side_binding": None, "prepare_threshold": None}


@pytest.mark.django_db
def test_a_statement_run_again_and_again_is_prepared_once(personas) -> None:  # type: ignore[no-untyped-def]
    """On the suite's PostgreSQL pass: after the threshold the server holds the statement
    prepared, and it still answers for each value given (a person found, another not).
    On SQLite nothing of the kind is set."""
    if connection.vendor != "postgresql":
        options = connection.settings_dict.get("OPTIONS", {})
        assert "server_side_binding" not in options and "prepare_threshold" not in options
        return
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    missing = [uuid.uuid4() for _ in range(threshold + 2)]
    for pk in missing:
        assert not Person.objects.filter(pk=pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "people_person"' in text and "$1" in text for text in prepared), prepared
    person = Person.objects.filter(organization=personas.org).first() or Person.objects.create(
        organization=personas.org, given_names="Ana", family_names="Prieto"
    )
    assert Person.objects.filter(pk=person.pk).exists()
