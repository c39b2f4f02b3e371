"""``mppdesk stats``: the same rounded figures on the command line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from mppdesk.stats import queries
from mppdesk.stats.commands import stats_command

pytestmark = pytest.mark.django_db


def run(*args: str) -> Any:
    return CliRunner().invoke(stats_command, list(args), catch_exceptions=False)


def test_json_for_a_user_is_scoped_and_rounded(world: Any, analyst: Any) -> None:
    result = run("--json", "--user", analyst.username, "--table", "nationality")
    assert result.exit_code == 0, result.output
    (table,) = json.loads(result.output)["tables"]
    (page,) = queries.tables(queries.scope_for(analyst), queries.Filters(), ["nationality"])
    assert [(r["key"], r["values"]) for r in table["rows"]] == [
        (row.key, row.displays) for row in page.rows
    ]
    assert "VEN" not in {r["key"] for r in table["rows"]}  # organization B
    assert page.total is not None and table["total"]["values"] == page.total.displays


def test_text_tables_for_the_whole_program(world: Any) -> None:
    result = run("--table", "nationality", "--table", "case_status")
    assert result.exit_code == 0, result.output
    assert "People by nationality" in result.output and "Cases by status" in result.output
    assert "Venezuela" in result.output and "<5" in result.output


def test_a_user_without_stats_read_is_refused(world: Any, auditor: Any) -> None:
    result = CliRunner().invoke(stats_command, ["--user", auditor.username])
    assert result.exit_code != 0
    assert "may not see statistics" in str(result.exception) + result.output


def test_bad_filters_are_reported(world: Any) -> None:
    result = CliRunner().invoke(stats_command, ["--from", "2025-13"])
    assert result.exit_code != 0
