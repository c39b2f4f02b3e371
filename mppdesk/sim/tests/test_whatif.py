"""What-if levers move the outcomes the way the evidence says, each against the baseline
of the same run."""

from __future__ import annotations

import pytest

from mppdesk.sim import report, scenarios
from mppdesk.sim.scenarios import LeverError, Levers

# A quarter of the population, as on the web page: the shares keep their expected values.
FACTOR = 0.25
RUNS = 40


def compare(levers: Levers, runs: int = RUNS, seed: int = 7) -> report.Comparison:
    return report.compare(scenarios.baseline_2019(), levers, runs=runs, seed=seed, factor=FACTOR)


@pytest.fixture(scope="module")
def reminders() -> report.Comparison:
    return compare(Levers(reminders=True), runs=120)


def test_reminders_cut_missed_hearings_within_the_published_range(
    reminders: report.Comparison,
) -> None:
    """The trials found 13% to 40% fewer missed appearances (Fishbane, Ouss & Shah 2020;
    ideas42/Pew 2025). The model draws the effect from that range for every run; the share
    of hearings missed falls by as much, and the interval over runs stays inside it."""
    (low, high), _sources = scenarios.reminder_effect_range()
    fta = reminders.line("failure_to_appear_rate")
    assert fta.scenario is not None and fta.relative_change is not None
    assert fta.scenario.mean < fta.baseline.mean
    cut = fta.relative_change
    print(f"\nhearings missed: {-cut.mean:.3f} fewer [{-cut.high:.3f}, {-cut.low:.3f}]")
    assert low <= -cut.mean <= high
    assert low <= -cut.high and -cut.low <= high
    missed = reminders.line("missed_hearing_share")
    assert missed.scenario is not None and missed.relative_change is not None
    assert missed.scenario.high < missed.baseline.low
    assert low <= -missed.relative_change.mean <= high
    assert reminders.reminder_effect is not None
    assert low <= reminders.reminder_effect.low <= reminders.reminder_effect.high <= high


def test_reminders_lower_in_absentia_orders(reminders: report.Comparison) -> None:
    orders = reminders.line("in_absentia_orders")
    assert orders.change is not None and orders.change.high < 0


def test_more_judges_shorten_the_wait() -> None:
    more = compare(Levers(judges_factor=2.0))
    wait = more.line("wait_first_hearing_weeks")
    assert wait.change is not None and wait.change.high < 0
    fewer = compare(Levers(judges_factor=0.6))
    wait = fewer.line("wait_first_hearing_weeks")
    assert wait.change is not None and wait.change.low > 0
    # A longer wait leaves more time to leave the program.
    left = fewer.line("left_share")
    assert left.change is not None and left.change.low > 0


def test_counsel_raises_attendance_and_relief() -> None:
    counsel = compare(Levers(counsel_rate=0.5))
    fta = counsel.line("failure_to_appear_rate")
    relief = counsel.line("relief_share_of_completed")
    represented = counsel.line("represented_share")
    assert fta.change is not None and fta.change.high < 0
    assert relief.change is not None and relief.change.low > 0
    assert represented.scenario is not None and represented.scenario.mean >= 0.5


def test_transport_to_the_port_cuts_missed_hearings() -> None:
    transport = compare(Levers(transport=True))
    fta = transport.line("failure_to_appear_rate")
    assert fta.change is not None and fta.change.high < 0


def test_a_longer_first_wait_loses_more_people() -> None:
    longer = compare(Levers(wait_weeks=20))
    left = longer.line("left_share")
    wait = longer.line("wait_first_hearing_weeks")
    assert left.change is not None and left.change.low > 0
    assert wait.change is not None and wait.change.low > 5


def test_without_a_lever_only_the_baseline_is_reported() -> None:
    alone = compare(Levers(), runs=4)
    assert all(line.scenario is None and line.change is None for line in alone.lines)
    assert alone.calibration  # baseline-2019 carries its calibration table


def test_the_baseline_is_the_same_in_every_comparison() -> None:
    """The baseline of a what-if is run with the same seed: the same figures every time."""
    a = compare(Levers(transport=True), runs=4)
    b = compare(Levers(reminders=True), runs=4)
    assert a.line("missed_hearing_share").baseline == b.line("missed_hearing_share").baseline


@pytest.mark.parametrize(
    ("levers", "field"),
    [
        (Levers(counsel_rate=1.5), "counsel_rate"),
        (Levers(judges_factor=0.0), "judges_factor"),
        (Levers(wait_weeks=500), "wait_weeks"),
    ],
)
def test_a_lever_out_of_range_is_refused_by_name(levers: Levers, field: str) -> None:
    with pytest.raises(LeverError) as caught:
        scenarios.apply_levers(scenarios.baseline_2019(), levers)
    assert caught.value.field == field
