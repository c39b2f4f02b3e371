"""The vectorized model: determinism, bookkeeping that must always hold, bad parameters,
and agreement with the plain Python loop over people (``reference``)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mppdesk.sim import scenarios
from mppdesk.sim.engine import (
    COUNTS,
    Initial,
    ParameterError,
    Parameters,
    simulate,
)
from mppdesk.sim.reference import simulate_loop

PENDING = ("waiting", "departed", "admitted")


def small_baseline(factor: float = 0.05) -> Parameters:
    """The calibrated 2019 baseline on a twentieth of the population."""
    return scenarios.scale(scenarios.baseline_2019(), factor).params


def test_the_same_seed_gives_the_same_runs() -> None:
    params = small_baseline().replace(reminders=True)
    first = simulate(params, runs=3, seed=42)
    again = simulate(params, runs=3, seed=42)
    for week in params.observe:
        for name in COUNTS:
            assert np.array_equal(first.count(week, name), again.count(week, name)), name
    assert np.array_equal(first.reminder_effect, again.reminder_effect)


def test_another_seed_gives_other_runs() -> None:
    params = small_baseline()
    week = params.observe[-1]
    a = simulate(params, runs=2, seed=1).count(week, "in_absentia")
    b = simulate(params, runs=2, seed=2).count(week, "in_absentia")
    assert not np.array_equal(a, b)


def test_runs_of_a_batch_differ_from_each_other() -> None:
    params = small_baseline()
    counts = simulate(params, runs=4, seed=3).count(params.observe[-1], "in_absentia")
    assert len(set(counts.tolist())) > 1


def test_batches_do_not_change_the_answer_of_a_seed() -> None:
    """Runs are split in batches to bound memory; the split is fixed by the population,
    so the same call gives the same runs whatever else is in memory."""
    params = small_baseline()
    week = params.observe[-1]
    one = simulate(params, runs=4, seed=5, batch_people=10**9).count(week, "completed")
    again = simulate(params, runs=4, seed=5, batch_people=10**9).count(week, "completed")
    assert np.array_equal(one, again)
    split = simulate(params, runs=4, seed=5, batch_people=1).count(week, "completed")
    assert split.shape == (4,)


# --- what must always hold -----------------------------------------------------------------


def _check_bookkeeping(params: Parameters, runs: int, seed: int) -> None:
    result = simulate(params, runs=runs, seed=seed)
    previous_held = np.zeros(runs, dtype=np.int64)
    previous_week = -1
    for week in sorted(params.observe):
        c = result.counts[week]
        for name in COUNTS:
            assert (c[name] >= 0).all(), f"{name} negative in week {week}"
        arrived = c["arrived"]
        # Conservation of people: everyone enrolled is pending, completed or has left.
        assert np.array_equal(
            arrived, c["waiting"] + c["completed"] + c["departed"] + c["admitted"]
        ), week
        assert np.array_equal(
            c["completed"], c["in_absentia"] + c["removal"] + c["relief"] + c["termination"]
        )
        expected = int(params.arrivals[: week + 1].sum()) + params.initial.size
        assert (arrived == expected).all()
        assert (c["heard"] <= arrived).all() and (c["missed_any"] <= c["heard"]).all()
        assert (c["heard"] + c["no_first_hearing"] == arrived).all()
        assert (c["hearings_missed"] <= c["hearings_held"]).all()
        assert (c["heard"] <= c["hearings_held"]).all()
        assert (c["represented_open"] <= c["represented"]).all()
        assert (c["represented"] <= arrived).all()
        # Waiting is never negative, and a first hearing never comes before enrolment.
        assert (c["wait_first_weeks"] >= 0).all()
        # The dockets never hold more hearings than their seats (plus the hearings of
        # people already booked when the simulation starts).
        held = c["hearings_held"] - previous_held
        seats = int(params.capacity[previous_week + 1 : week + 1].sum())
        booked_before = int((params.initial.hearing_week >= 0).sum())
        assert (held <= seats + booked_before).all(), (week, held, seats)
        previous_held, previous_week = c["hearings_held"], week
        with np.errstate(divide="ignore", invalid="ignore"):
            for num, den in (("missed_any", "heard"), ("completed", "arrived")):
                share = np.where(c[den] > 0, c[num] / np.maximum(c[den], 1), 0.0)
                assert ((share >= 0) & (share <= 1)).all()


probability = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@st.composite
def parameter_sets(draw: st.DrawFn) -> Parameters:
    weeks = draw(st.integers(min_value=1, max_value=30))
    ports = draw(st.integers(min_value=1, max_value=3))
    arrivals = np.array(
        draw(st.lists(st.integers(0, 40), min_size=weeks * ports, max_size=weeks * ports))
    ).reshape(weeks, ports)
    capacity = np.array(
        draw(st.lists(st.integers(0, 60), min_size=weeks * ports, max_size=weeks * ports))
    ).reshape(weeks, ports)
    admissions = np.array(draw(st.lists(st.integers(0, 20), min_size=weeks, max_size=weeks)))
    start = draw(st.integers(0, weeks))
    postpone = (start, draw(st.integers(start, weeks + 5))) if draw(st.booleans()) else None
    initial_people = draw(st.integers(0, 30))
    initial = Initial(
        port=np.array(draw(st.lists(st.integers(0, ports - 1), min_size=initial_people, max_size=initial_people)), dtype=np.int64),
        hearing_week=np.array(draw(st.lists(st.integers(-1, weeks + 3), min_size=initial_people, max_size=initial_people)), dtype=np.int64),
        counsel=np.array(draw(st.lists(st.booleans(), min_size=initial_people, max_size=initial_people)), dtype=bool),
        weeks_waited=np.array(draw(st.lists(st.integers(0, 80), min_size=initial_people, max_size=initial_people)), dtype=np.int64),
    )  # fmt: skip
    relief = draw(st.floats(0.0, 0.3))
    low = draw(probability)
    return Parameters(
        ports=tuple(f"p{i}" for i in range(ports)),
        arrivals=arrivals.astype(np.int64),
        capacity=capacity.astype(np.int64),
        admissions=admissions.astype(np.int64),
        first_lead_weeks=draw(st.integers(0, 12)),
        continuance_lead_weeks=draw(st.integers(0, 12)),
        postpone=postpone,
        no_show=draw(probability),
        departure_hazard=draw(probability),
        counsel_at_enrolment=draw(probability),
        counsel_hazard=draw(probability),
        counsel_no_show_ratio=draw(st.floats(0.0, 3.0)),
        continuance=draw(probability),
        relief=relief,
        relief_counsel_ratio=draw(st.floats(0.0, 3.0)),
        termination=draw(st.floats(0.0, 1.0 - relief * 3.0)),
        reopen_share=draw(probability),
        reopen_max_weeks=draw(st.integers(1, 30)),
        notice_delivered=draw(probability),
        reminders=draw(st.booleans()),
        reminder_reach=draw(probability),
        reminder_effect=(low, draw(st.floats(low, 1.0))),
        transport=draw(st.booleans()),
        transport_no_show_reduction=draw(probability),
        observe=tuple(sorted(set(draw(st.lists(st.integers(0, weeks - 1), min_size=1, max_size=5))))),
        initial=initial,
    )  # fmt: skip


@settings(max_examples=150)
@given(params=parameter_sets(), seed=st.integers(0, 2**32 - 1), runs=st.integers(1, 3))
def test_bookkeeping_holds_for_any_parameters(params: Parameters, seed: int, runs: int) -> None:
    _check_bookkeeping(params, runs, seed)


def test_bookkeeping_holds_for_the_baseline_every_week() -> None:
    params = small_baseline()
    params = params.replace(observe=tuple(range(params.weeks)), reminders=True)
    _check_bookkeeping(params, runs=2, seed=9)


def test_nobody_misses_when_everyone_comes() -> None:
    params = small_baseline().replace(no_show=0.0, departure_hazard=0.0, notice_delivered=1.0)
    result = simulate(params, runs=2, seed=1)
    last = result.counts[params.observe[-1]]
    assert (last["hearings_missed"] == 0).all() and (last["in_absentia"] == 0).all()
    assert (last["hearings_held"] > 0).all()


def test_everyone_misses_when_no_notice_reaches_them() -> None:
    params = small_baseline().replace(notice_delivered=0.0)
    last = simulate(params, runs=1, seed=1).counts[params.observe[-1]]
    assert last["hearings_missed"][0] == last["hearings_held"][0] > 0
    assert last["relief"][0] == last["removal"][0] == last["termination"][0] == 0


def test_no_hearing_is_held_during_a_postponement() -> None:
    params = small_baseline()
    start, _end = params.postpone or (0, 0)
    result = simulate(params.replace(observe=(start - 1, params.weeks - 1)), runs=2, seed=4)
    before = result.count(start - 1, "hearings_held")
    after = result.count(params.weeks - 1, "hearings_held")
    # Every hearing held was held before the postponement's first week.
    assert np.array_equal(before, after)


def test_admissions_take_only_people_waiting_in_mexico() -> None:
    params = small_baseline()
    last = simulate(params, runs=2, seed=8).counts[params.observe[-1]]
    assert (last["admitted"] <= int(params.admissions.sum()) * 1.2 + 10).all()
    assert (last["admitted"] > 0).all()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"no_show": 1.5}, "no_show"),
        ({"departure_hazard": -0.1}, "departure_hazard"),
        ({"reminder_effect": (0.4, 0.13)}, "reminder_effect"),
        ({"first_lead_weeks": -1}, "first_lead_weeks"),
        ({"capacity": np.zeros((3, 5), dtype=np.int64)}, "capacity"),
        ({"observe": (10_000,)}, "observe"),
        ({"relief": 0.5, "termination": 0.9}, "termination"),
    ],
)
def test_bad_parameters_are_refused_by_name(change: dict[str, object], field: str) -> None:
    params = small_baseline().replace(**change)
    with pytest.raises(ParameterError) as caught:
        simulate(params, runs=1)
    assert caught.value.field == field


def test_negative_arrivals_are_refused() -> None:
    params = small_baseline()
    arrivals = params.arrivals.copy()
    arrivals[3, 0] = -1
    with pytest.raises(ParameterError, match="arrivals"):
        simulate(params.replace(arrivals=arrivals), runs=1)


def test_runs_must_be_positive() -> None:
    with pytest.raises(ParameterError, match="runs"):
        simulate(small_baseline(), runs=0)


# --- the same model as the plain loop --------------------------------------------------------

SHARES = {
    "missed": ("missed_any", "heard"),
    "fta": ("hearings_missed", "hearings_held"),
    "in_absentia": ("in_absentia", "completed"),
    "completed": ("completed", "arrived"),
    "pending": (PENDING, "arrived"),
    "departed": ("departed", "arrived"),
    "represented": ("represented", "arrived"),
    "no_first": ("no_first_hearing", "arrived"),
    "relief": ("relief", "arrived"),
    "reopened": ("reopened", "arrived"),
}


def _share(counts: dict[str, np.ndarray], top: str | tuple[str, ...], bottom: str) -> np.ndarray:
    names = (top,) if isinstance(top, str) else top
    return sum(np.asarray(counts[n], dtype=float) for n in names) / np.asarray(
        counts[bottom], dtype=float
    )


@pytest.mark.parametrize("reminders", [False, True])
def test_the_vectorized_engine_and_the_loop_are_the_same_model(reminders: bool) -> None:
    """Different random streams, so compared in distribution: over 24 runs each, every
    share's means differ by less than four standard errors (plus half a point)."""
    params = small_baseline(0.04).replace(reminders=reminders)
    runs = 24
    fast = simulate(params, runs=runs, seed=11)
    loops = [simulate_loop(params, seed=1000 + i) for i in range(runs)]
    problems = []
    for week in (params.observe[2], params.observe[-1]):
        fast_counts = fast.counts[week]
        loop_counts = {name: np.array([run[week][name] for run in loops]) for name in COUNTS}
        for label, (top, bottom) in SHARES.items():
            a, b = _share(fast_counts, top, bottom), _share(loop_counts, top, bottom)
            se = np.sqrt(a.var(ddof=1) / runs + b.var(ddof=1) / runs)
            if abs(a.mean() - b.mean()) > 4 * se + 0.005:
                problems.append(f"week {week} {label}: {a.mean():.4f} vs {b.mean():.4f}")
    assert not problems, problems


def test_the_loop_and_the_engine_agree_from_people_already_waiting() -> None:
    rng = np.random.default_rng(0)
    n = 600
    initial = Initial(
        port=rng.integers(0, 2, n),
        hearing_week=np.where(rng.random(n) < 0.5, rng.integers(0, 10, n), -1),
        counsel=rng.random(n) < 0.2,
        weeks_waited=rng.integers(0, 40, n),
    )
    base = small_baseline()
    weeks = 26
    params = base.replace(
        ports=("a", "b"),
        arrivals=np.full((weeks, 2), 5, dtype=np.int64),
        capacity=np.full((weeks, 2), 40, dtype=np.int64),
        admissions=np.zeros(weeks, dtype=np.int64),
        postpone=None,
        observe=(12, weeks - 1),
        initial=initial,
    )
    runs = 24
    fast = simulate(params, runs=runs, seed=3).counts[weeks - 1]
    loops = [simulate_loop(params, seed=50 + i)[weeks - 1] for i in range(runs)]
    for label, (top, bottom) in SHARES.items():
        a = _share(fast, top, bottom)
        b = _share({k: np.array([r[k] for r in loops]) for k in COUNTS}, top, bottom)
        se = np.sqrt(a.var(ddof=1) / runs + b.var(ddof=1) / runs)
        assert abs(a.mean() - b.mean()) <= 4 * se + 0.005, label


@pytest.mark.parametrize("factor", [0.3, 0.25, 0.583, 1 / 3])
def test_scaling_keeps_the_share_of_people_asked_for(factor: float) -> None:
    n = 30_000
    initial = Initial(
        port=np.zeros(n, dtype=np.int64),
        hearing_week=np.full(n, -1, dtype=np.int64),
        counsel=np.arange(n) < n // 10,  # as current.py gives them: a block per port
        weeks_waited=np.arange(n) % 52,
    )
    scenario = scenarios.baseline_2019()
    scenario = scenario.with_params(scenario.params.replace(initial=initial))
    small = scenarios.scale(scenario, factor).params
    assert small.initial.size == round(n * factor)
    assert small.initial.counsel.mean() == pytest.approx(0.1, abs=0.001)
    # rounded per port: half a person each at most
    assert small.arrivals.sum() == pytest.approx(scenario.params.arrivals.sum() * factor, abs=3)
    assert small.capacity.sum(axis=0) == pytest.approx(
        scenario.params.capacity.sum(axis=0) * factor, abs=1
    )
