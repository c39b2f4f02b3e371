"""``mppdesk simulate``: the JSON shape, the text tables, who may run it, bad flags."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from mppdesk.cli import cli
from mppdesk.sim.report import OUTCOME_NAMES

pytestmark = pytest.mark.django_db

QUICK = ["--runs", "4", "--scale", "0.2", "--seed", "3"]


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["simulate", *args], catch_exceptions=False)


def test_json_carries_every_outcome_with_its_interval_and_the_parameters(db: Any) -> None:
    result = run("--scenario", "baseline-2019", "--reminders", "--json", *QUICK)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert set(body) >= {"scenario", "levers", "runs", "seed", "scale", "outcomes",
                         "parameters", "calibration", "interval_percentiles", "reminder_effect"}  # fmt: skip
    assert (body["runs"], body["seed"], body["scale"]) == (4, 3, 0.2)
    assert [o["name"] for o in body["outcomes"]] == list(OUTCOME_NAMES)
    for outcome in body["outcomes"]:
        for key in ("baseline", "scenario", "change", "relative_change"):
            summary = outcome[key]
            assert set(summary) == {"mean", "low", "high"}, (outcome["name"], key)
            assert (
                summary["low"] <= summary["mean"] <= summary["high"]
                or summary["low"] == summary["high"]
            )
    for name, item in body["parameters"].items():
        assert set(item) == {"value", "source"}, name
    assert body["parameters"]["no_show"]["source"].startswith("calibrated")
    assert body["parameters"]["first_lead_weeks"]["source"].startswith("published")
    for row in body["calibration"]:
        assert {"name", "model", "target", "difference", "source", "within_tolerance"} <= set(row)


def test_text_shows_the_comparison_and_the_calibration(db: Any) -> None:
    result = run("--transport", *QUICK)
    assert result.exit_code == 0, result.output
    assert "transport=True" in result.output
    assert "People who missed a hearing" in result.output
    assert "Calibration" in result.output and "TRAC Dec 2019" in result.output


def test_a_user_without_sim_run_is_refused(personas: Any) -> None:
    result = CliRunner().invoke(cli, ["simulate", "--user", personas.caseworker.username, *QUICK])
    assert result.exit_code == 2
    assert "may not run the simulator" in result.output


def test_an_analyst_may_run_it(analyst: Any) -> None:
    result = run("--user", analyst.username, "--json", *QUICK)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--counsel-rate", "2"], "counsel_rate:"),
        (["--judges-factor", "0"], "judges_factor:"),
        (["--reminders", "--transport"], "levers:"),
        (["--runs", "0"], "runs:"),
        (["--scale", "3"], "scale:"),
    ],
)
def test_bad_flags_name_the_field(db: Any, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["simulate", *QUICK, *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_current_on_an_empty_installation_says_so(db: Any) -> None:
    result = CliRunner().invoke(cli, ["simulate", "--scenario", "current", *QUICK])
    assert result.exit_code == 2
    assert "Nothing to project" in result.output
