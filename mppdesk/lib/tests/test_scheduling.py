import datetime as dt
import itertools
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mppdesk.lib import scheduling
from mppdesk.lib.scheduling import (
    PortInfo,
    Reason,
    Slot,
    Unit,
    Weights,
    greedy_schedule,
    prepare,
    schedule,
    verify,
)

TODAY = dt.date(2026, 3, 2)  # a Monday
NO_JUDGE = Weights(judge_weight=0.0)


def day(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def slot(sid: str, n: int, *, capacity: int = 10, languages: tuple[str, ...] = ("spa",), **kw):
    fields = {"venue": "v", "session": "am", "judge": "j1", "booked": 0} | kw
    return Slot(id=sid, date=day(n), capacity=capacity, languages=frozenset(languages), **fields)


def unit(uid: str, *, size: int = 1, waiting: int = 0, language: str = "spa", **kw):
    fields = {"venue": "v", "vulnerable": False, "port": None} | kw
    return Unit(
        id=uid,
        case_ids=tuple(f"{uid}-{k}" for k in range(size)),
        language=language,
        size=size,
        waiting_days=waiting,
        **fields,
    )


# -- hand-made instances ---------------------------------------------------------------


def test_tiny_instance_has_the_known_optimum_that_greedy_misses():
    # The only Portuguese interpreter sits on the first docket. First come, first
    # served gives it to the long-waiting Spanish speakers and leaves the Portuguese
    # family out; the optimum gives it to the family and the others go a day later.
    units = [unit("a", size=2, waiting=70), unit("b", size=2, language="por")]
    slots = [slot("s11", 11, capacity=2, languages=("spa", "por")), slot("s12", 12, capacity=2)]
    result = schedule(units, slots, today=TODAY, weights=NO_JUDGE)
    assert {k: a.docket_id for k, a in result.assignments.items()} == {"a": "s12", "b": "s11"}
    # a: 2 people x rho 3.5 (10 whole weeks) x 12 days; b: 2 x 1 x 11 days.
    assert result.objective == pytest.approx(2 * 3.5 * 12 + 2 * 1 * 11)
    assert result.lp_bound == pytest.approx(106)
    assert result.gap == pytest.approx(0, abs=1e-9)

    greedy = greedy_schedule(units, slots, today=TODAY, weights=NO_JUDGE)
    assert greedy.assignments["a"].docket_id == "s11"
    assert greedy.unassigned == {"b": Reason.DOCKETS_FULL}
    assert greedy.objective > result.objective


def test_vulnerable_people_go_first_at_equal_waiting_weeks():
    units = [unit("x", size=2, waiting=14), unit("y", size=2, waiting=7, vulnerable=True)]
    slots = [slot("early", 11, capacity=2), slot("late", 18, capacity=2)]
    result = schedule(units, slots, today=TODAY)
    # rho: x = 1 + 0.25 * 2 = 1.5; y = (1 + 0.25) * 1.5 = 1.875.
    assert result.assignments["y"].docket_id == "early"
    assert result.assignments["x"].docket_id == "late"
    assert greedy_schedule(units, slots, today=TODAY).assignments["x"].docket_id == "early"


def test_household_is_never_split_across_dockets():
    # Two dockets of the same session have 2 free seats each: 4 seats, but not together.
    slots = [
        slot("r1", 11, capacity=4, booked=2, judge="j1"),
        slot("r2", 11, capacity=4, booked=2, judge="j2"),
    ]
    result = schedule([unit("fam", size=4)], slots, today=TODAY)
    assert result.assignments == {}
    assert result.unassigned == {"fam": Reason.DOCKETS_FULL}


def test_every_case_of_a_unit_gets_the_same_docket():
    units = [unit(f"h{k}", size=1 + k % 4, waiting=k * 5) for k in range(8)]
    slots = [slot(f"s{n}", 11 + n, capacity=5) for n in range(5)]
    result = schedule(units, slots, today=TODAY)
    by_case = {
        case: result.assignments[u.id].docket_id
        for u in units
        if u.id in result.assignments
        for case in u.case_ids
    }
    for u in units:
        if u.id in result.assignments:
            assert {by_case[c] for c in u.case_ids} == {result.assignments[u.id].docket_id}


def test_unplaceable_units_are_reported_with_a_reason():
    ports = [PortInfo("p", hourly_capacity=3)]
    slots = [slot("s", 15, capacity=5, languages=("spa",))]
    units = [
        unit("french", language="fra"),
        unit("elsewhere", venue="nowhere"),
        unit("too-late", earliest_date=day(20)),
        unit("too-big", size=6),
        unit("too-big-for-the-port", size=4, port="p"),
        unit("unknown-port", port="ghost"),
    ]
    result = schedule(units, slots, today=TODAY, ports=ports)
    assert result.unassigned == {
        "french": Reason.NO_INTERPRETER,
        "elsewhere": Reason.NO_DOCKET_AT_VENUE,
        "too-late": Reason.NO_DOCKET_AFTER_EARLIEST_DATE,
        "too-big": Reason.UNIT_TOO_LARGE,
        "too-big-for-the-port": Reason.UNIT_TOO_LARGE,
        "unknown-port": Reason.UNKNOWN_PORT,
    }
    assert all(reason.structural for reason in result.unassigned.values())
    assert result.objective == pytest.approx(result.judge_spread * Weights().judge_weight)


def test_full_dockets_are_reported_and_cost_a_penalty():
    units = [unit("first", waiting=30), unit("second")]
    result = schedule(units, [slot("s", 11, capacity=1)], today=TODAY, weights=NO_JUDGE)
    assert result.unassigned == {"second": Reason.DOCKETS_FULL}
    assert result.unassigned_penalty == pytest.approx(1 * 1.0 * (11 + 365))


def test_reporting_is_staggered_within_the_ports_hourly_capacity():
    ports = [PortInfo("p", hourly_capacity=10, report_windows=3, report_lead_minutes=60)]
    starts = dt.datetime(2026, 3, 13, 8, 0, tzinfo=dt.UTC)
    slots = [slot("s", 11, capacity=100, starts_at=starts)]
    units = [unit(f"u{k}", size=5, waiting=10 * k, port="p") for k in range(7)]
    for run in (schedule, greedy_schedule):
        result = run(units, slots, today=TODAY, ports=ports)
        windows = Counter(a.report_at for a in result.assignments.values())
        assert windows == {
            starts - dt.timedelta(hours=4): 2,  # 04:00
            starts - dt.timedelta(hours=3): 2,  # 05:00
            starts - dt.timedelta(hours=2): 2,  # 06:00, the last one before 07:00
        }
        # The shortest wait is the one left out; the longest waits report latest.
        assert result.unassigned == {"u0": Reason.PORT_REPORTING_FULL}
        assert result.assignments["u6"].report_at == starts - dt.timedelta(hours=2)


def test_people_already_reporting_at_the_port_count():
    ports = [PortInfo("p", hourly_capacity=10)]
    starts = dt.datetime(2026, 3, 13, 8, 0, tzinfo=dt.UTC)
    six = starts - dt.timedelta(hours=2)
    # Already booked hearings fill the 06:00 window (given in the port's zone).
    booked = {("p", six.astimezone(ZoneInfo("America/Matamoros"))): 10}
    slots = [slot("s", 11, capacity=100, starts_at=starts)]
    units = [unit("u", size=5, port="p")]
    for run in (schedule, greedy_schedule):
        result = run(units, slots, today=TODAY, ports=ports, port_booked=booked)
        assert result.assignments["u"].report_at == starts - dt.timedelta(hours=3)


def test_earliest_date_adds_notice_lead_time_and_travel():
    ports = [PortInfo("far", travel_days=3)]
    slots = [slot("d12", 12), slot("d13", 13)]
    result = schedule([unit("u", port="far")], slots, today=TODAY, ports=ports, lead_days=10)
    assert result.assignments["u"].docket_id == "d13"
    assert result.assignments["u"].days == 13
    given_date = unit("v", earliest_date=day(12))
    assert schedule([given_date], slots, today=TODAY).assignments["v"].docket_id == "d12"


def test_judges_share_a_session_evenly():
    slots = [slot("r1", 11, judge="j1"), slot("r2", 11, judge="j2")]
    units = [unit(f"u{k}", size=2) for k in range(4)]
    result = schedule(units, slots, today=TODAY)
    assert result.judge_loads == {("v", "j1"): 4, ("v", "j2"): 4}
    assert result.judge_spread == pytest.approx(0)


def test_malformed_input_is_refused():
    with pytest.raises(ValueError, match="duplicate unit id"):
        schedule([unit("a"), unit("a")], [slot("s", 11)], today=TODAY)
    with pytest.raises(ValueError, match="size"):
        schedule([unit("a", size=0)], [slot("s", 11)], today=TODAY)


def test_the_core_does_not_import_django():
    package = Path(scheduling.__file__).parent
    for path in package.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path.name


# -- random instances ------------------------------------------------------------------

LANGS = ["spa", "por", "mam", "eng", "fra"]


@st.composite
def instances(draw, max_units: int = 10, max_slots: int = 8, with_ports: bool = True):
    ports = [
        PortInfo(
            code,
            hourly_capacity=draw(st.integers(3, 15)),
            travel_days=draw(st.integers(0, 2)),
            report_windows=draw(st.integers(1, 3)),
        )
        for code in ("p1", "p2")
    ]
    slots = []
    for k in range(draw(st.integers(0, max_slots))):
        capacity = draw(st.integers(0, 12))
        session = draw(st.sampled_from(["am", "pm"]))
        date = day(draw(st.integers(0, 20)))
        hour = 8 if session == "am" else 13
        slots.append(
            Slot(
                id=f"s{k}",
                venue=draw(st.sampled_from(["a", "b"])),
                date=date,
                session=session,
                judge=draw(st.sampled_from(["j1", "j2", "j3"])),
                capacity=capacity,
                booked=draw(st.integers(0, capacity + 2)),
                languages=frozenset(draw(st.sets(st.sampled_from(["spa", "por", "mam"])))),
                starts_at=dt.datetime.combine(date, dt.time(hour), tzinfo=dt.UTC),
            )
        )
    units = []
    for k in range(draw(st.integers(0, max_units))):
        earliest = draw(st.one_of(st.none(), st.integers(0, 20)))
        units.append(
            Unit(
                id=f"u{k}",
                case_ids=(f"c{k}",),
                venue=draw(st.sampled_from(["a", "b"])),
                language=draw(st.sampled_from(LANGS)),
                size=draw(st.integers(1, 6)),
                waiting_days=draw(st.integers(0, 200)),
                vulnerable=draw(st.booleans()),
                port=draw(st.sampled_from(["p1", "p2", None])) if with_ports else None,
                earliest_date=None if earliest is None else day(earliest),
            )
        )
    lead = draw(st.integers(0, 12))
    return units, slots, ports, lead


@settings(max_examples=60, deadline=None)
@given(instances())
def test_random_instances_keep_every_hard_constraint(case):
    units, slots, ports, lead = case
    inst = prepare(units, slots, today=TODAY, ports=ports, lead_days=lead)
    for run in (schedule, greedy_schedule):
        result = run(units, slots, today=TODAY, ports=ports, lead_days=lead)
        assert verify(inst, result.assignments) == []
        # Every unit is either placed (whole) or reported, never both.
        assert set(result.assignments) | set(result.unassigned) == {u.id for u in units}
        assert not set(result.assignments) & set(result.unassigned)


def lexicographic(result):
    """How proposals compare: more people placed first, then a lower objective."""
    return (-result.stats["people_placed"], result.objective)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_solver_is_never_worse_than_greedy_and_never_below_its_bound(case):
    units, slots, ports, lead = case
    ours = schedule(units, slots, today=TODAY, ports=ports, lead_days=lead)
    greedy = greedy_schedule(units, slots, today=TODAY, ports=ports, lead_days=lead)
    assert ours.stats["people_placed"] >= greedy.stats["people_placed"]
    if ours.stats["people_placed"] == greedy.stats["people_placed"]:
        assert ours.objective <= greedy.objective + 1e-6
    assert ours.lp_bound is not None
    assert ours.lp_bound <= ours.objective + 1e-6 * max(1.0, ours.objective)


@settings(max_examples=60, deadline=None)
@given(instances(with_ports=False))
def test_solver_waits_no_more_than_greedy_when_judges_do_not_count(case):
    units, slots, _ports, lead = case
    ours = schedule(units, slots, today=TODAY, lead_days=lead, weights=NO_JUDGE)
    greedy = greedy_schedule(units, slots, today=TODAY, lead_days=lead, weights=NO_JUDGE)
    assert ours.stats["people_placed"] >= greedy.stats["people_placed"]
    if ours.stats["people_placed"] == greedy.stats["people_placed"]:
        assert (
            ours.weighted_waiting + ours.unassigned_penalty
            <= greedy.weighted_waiting + greedy.unassigned_penalty + 1e-6
        )
    if set(ours.unassigned) == set(greedy.unassigned):
        assert ours.weighted_waiting <= greedy.weighted_waiting + 1e-6


def brute_force_optimum(units, slots, lead):
    """The exact optimum by enumeration (no ports; default weights)."""
    inst = prepare(units, slots, today=TODAY, lead_days=lead)
    w = inst.weights
    options = []
    for u in inst.placeable:
        fits = [
            i
            for i, s in enumerate(inst.slots)
            if s.venue == u.venue and s.serves(u.language) and s.date >= inst.earliest[u.id]
        ]
        options.append([*fits, None])
    best = float("inf")
    for choice in itertools.product(*options):
        used = Counter()
        cost = 0.0
        loads = Counter()
        for s in inst.slots:
            loads[(s.venue, s.judge)] += min(s.booked, s.capacity)
        for u, i in zip(inst.placeable, choice, strict=True):
            if i is None:
                cost += inst.penalty(u)
                continue
            used[i] += u.size
            loads[(inst.slots[i].venue, inst.slots[i].judge)] += u.size
            cost += u.size * inst.rho[u.id] * inst.days(inst.slots[i])
        if any(used[i] > inst.slots[i].room for i in used):
            continue
        cost += w.judge_weight * sum(abs(loads[k] - t) for k, t in inst.judge_targets.items())
        best = min(best, cost)
    return best


@settings(max_examples=40, deadline=None)
@given(instances(max_units=5, max_slots=4, with_ports=False))
def test_lp_bound_and_solution_bracket_the_exact_optimum(case):
    units, slots, _ports, lead = case
    result = schedule(units, slots, today=TODAY, lead_days=lead)
    optimum = brute_force_optimum(units, slots, lead)
    tol = 1e-6 * max(1.0, optimum)
    assert result.lp_bound is not None
    assert result.lp_bound <= optimum + tol
    assert optimum <= result.objective + tol
