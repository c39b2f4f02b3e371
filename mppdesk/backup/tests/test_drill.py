"""Restore drill on the engine the tests run on (``benchmarks/backup_drill.py``).

Separate ``mppdesk`` processes against two scratch databases (not the test database):
demo data, ``backup``, ``keys export``/``import`` into a fresh ``./var``, ``restore``
into the empty second database, ``audit verify`` on the copy."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from benchmarks.common import run_child, scratch_database


def _engine() -> str:
    return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


def test_a_restored_backup_has_the_same_data_and_an_intact_audit_chain() -> None:
    with scratch_database("sqlite") as (url, var):  # the drill makes its own databases
        result: dict[str, Any] = run_child(
            "benchmarks.backup_drill", url, var, "--engine", _engine(), "--people", "20",
            timeout=1200,
        )  # fmt: skip
    assert result["engine"] == _engine()
    assert result["rows"] > 500 and result["audit_entries"] > 100
    assert result["counts_equal"], result["count_differences"]
    assert result["sample_equal"]
    assert result["audit_last_equal"] and result["audit_verify_ok"]
    assert result["second_restore_refused"]
    # Without the field keys the archive shows no name: the dump is readable (table
    # names are there) and holds only ciphertext for the names.
    assert result["sample_names_checked"] >= 20
    assert result["dump_shows_table_names"]
    assert result["names_in_clear_in_dump"] == 0
    assert result["names_in_clear_in_archive"] == 0
