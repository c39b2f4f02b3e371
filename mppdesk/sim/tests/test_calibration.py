"""``baseline-2019`` reproduces the published outcomes of the 2019-2021 run, and every
input and target comes from the reference files with its source."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from mppdesk.sim import calibration, published, scenarios
from mppdesk.sim.engine import simulate

RUNS = 40


@pytest.fixture(scope="module")
def rows() -> list[calibration.Row]:
    result = simulate(scenarios.baseline_2019().params, runs=RUNS, seed=2024)
    return calibration.table(result)


def test_baseline_2019_reproduces_the_published_figures(rows: list[calibration.Row]) -> None:
    print(f"\n{RUNS} runs of baseline-2019 (tolerance ±{calibration.TOLERANCE:.0%} points)")
    print(calibration.format_table(rows))
    outside = [
        f"{r.target.name}: model {r.mean:.3f}, target {r.target.value:.3f}"
        for r in rows
        if r.target.checked and not r.within
    ]
    assert not outside, outside


def test_the_issues_figures_are_all_checked(rows: list[calibration.Row]) -> None:
    """Missed hearings, in absentia, representation, relief, pending and still in Mexico."""
    checked = {r.target.name for r in rows if r.target.checked}
    assert {
        "missed_hearing_share",
        "in_absentia_share_of_completed",
        "represented_share",
        "relief_share_of_completed",
        "pending_share",
        "still_in_mexico_share",
    } <= checked


def test_published_targets_are_read_from_the_reference() -> None:
    by_name = {t.name: t for t in calibration.targets()}
    assert by_name["missed_hearing_share"].value == 0.5
    assert by_name["represented_share"].value == 0.07
    assert by_name["relief_share_of_completed"].value == 0.01
    assert by_name["in_absentia_share_of_completed"].value == pytest.approx(27842 / 43250)
    assert by_name["pending_share"].value == pytest.approx(26432 / 71000)
    assert by_name["still_in_mexico_share"].value == pytest.approx(16138 / 71000)
    for target in calibration.targets():
        assert target.source, target.name
        assert "TRAC" in target.source or "Human Rights" in target.source, target.name


def test_a_target_out_of_tolerance_is_reported_as_such() -> None:
    target = calibration.targets()[0]
    assert not calibration.Row(target, target.value + 0.051, 0, 1).within
    assert calibration.Row(target, target.value - 0.049, 0, 1).within


def test_every_quoted_rule_is_in_program_rules() -> None:
    text = published.rule_text()
    missing = [name for name, rule in published.RULES.items() if rule.quote not in text]
    assert not missing


def test_the_values_taken_from_the_rules_match_their_sentences() -> None:
    text = published.rule_text()
    assert published.FIRST_RETURNS.isoformat() in published.RULES["first_returns"].quote
    assert published.ENROLMENT_STOPPED.isoformat() in published.RULES["enrolment_stopped"].quote
    assert published.WIND_DOWN_START.isoformat() in published.RULES["wind_down"].quote
    for day, count in published.WIND_DOWN_POINTS[:1]:
        assert f"{count:,} by {day.isoformat()}" in text
    assert "13,000 by 2021-08" in text
    assert f"within {published.REOPEN_DAYS} days" in text
    # "about two months": 9 weeks is the nearest whole number of weeks above 61 days.
    assert published.FIRST_HEARING_WEEKS == -(-61 // 7)


def test_the_reminder_effect_range_is_cited_to_its_sources() -> None:
    (low, high), sources = scenarios.reminder_effect_range()
    assert (low, high) == (0.13, 0.40)
    assert any("Fishbane" in s and "abb6591" in s for s in sources)
    assert any("ideas42" in s for s in sources)
    assert scenarios.baseline_2019().params.reminder_effect == (0.13, 0.40)


def test_enrolment_inputs_add_up_to_the_published_counts() -> None:
    arrivals = scenarios.arrivals()
    # Up to 2019-07-31: the monthly figures (25,995; TRAC's cumulative count says 26,001).
    monthly = sum(f.number for f in published.all_of("enrolled_in_month"))
    july = scenarios.week_of(dt.date(2019, 7, 31))
    assert abs(arrivals[: july + 1].sum() - monthly) <= 2000  # the week of July 31 spills over
    total = published.fact("people_enrolled_cumulative", "2021-01").number
    assert abs(int(arrivals.sum()) - (total - 26001 + monthly)) <= 5
    # Nobody enrolled at Laredo before returns began there (2019-07-09).
    laredo = scenarios.PORTS.index("laredo")
    assert arrivals[: scenarios.week_of(dt.date(2019, 7, 8)), laredo].sum() == 0
    # The ports' shares follow July 2019 (TRAC): El Paso the largest.
    shares = scenarios.port_shares()
    assert max(shares, key=lambda code: shares[code]) == "el-paso"
    assert sum(shares.values()) == pytest.approx(1.0)


def test_the_wind_down_admits_the_published_numbers() -> None:
    admissions = scenarios.admissions()
    by_may_25 = admissions[: scenarios.week_of(dt.date(2021, 5, 25)) + 1].sum()
    assert by_may_25 == pytest.approx(11_200, abs=900)
    assert admissions[: scenarios.week_of(published.WIND_DOWN_START)].sum() == 0


def test_counsel_and_rescission_come_from_eagly_and_shafer() -> None:
    params = scenarios.baseline_2019().params
    assert params.counsel_no_show_ratio == pytest.approx((1 - 0.96) / (1 - 0.83))
    assert params.reopen_share == 0.15


def test_every_parameter_says_where_it_comes_from() -> None:
    scenario = scenarios.baseline_2019()
    kinds = ("published", "calibrated", "assumed")
    for name in (*scenarios.CALIBRATED, *scenarios.ASSUMED, "arrivals", "admissions",
                 "postpone", "first_lead_weeks", "reminder_effect", "reopen_share"):  # fmt: skip
        assert scenario.sources[name].startswith(kinds), name


def test_the_fit_moves_towards_the_targets() -> None:
    """One short fit from deliberately wrong values brings the residuals down."""
    wrong = dict(scenarios.CALIBRATED, no_show=0.15, termination=0.2)
    before = calibration.residuals(wrong, runs=1, seed=1, fit_scale=0.05)
    fitted = calibration.fit(runs=1, fit_scale=0.05, start=wrong, max_evaluations=12)
    after = calibration.residuals(fitted, runs=1, seed=1, fit_scale=0.05)
    assert float(np.sum(after**2)) < float(np.sum(before**2)) / 2
