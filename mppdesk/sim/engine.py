"""The program simulator's model, vectorized over people and runs (NumPy only, no Django).

One person per enrolled asylum seeker, from enrolment to the end of their case, in
weekly steps. What happens to a person:

1. **Arrival.** ``arrivals[w, p]`` people are returned to the Mexican city of port ``p``
   in week ``w``. Each gets a first hearing, booked at that port's docket.
2. **Dockets.** Each port has ``capacity[w, p]`` hearing slots (judges × sessions ×
   people per session). Bookings are first come, first served: a booking made in week
   ``t`` takes the earliest free slot in week ``t + lead`` or later. A postponement
   (``postpone``) cancels every booking from its first week on and books them again,
   in their old order, on the capacity left (zero during the postponement).
3. **Leaving.** While waiting in Mexico a person leaves the program with probability
   ``departure_hazard`` a week (memoryless, so drawn once as a geometric time). A person
   who left misses their next hearing. From the weeks of ``admissions``, people still
   waiting in Mexico are admitted into the US (the 2021 wind-down): their case stays
   open off the MPP dockets.
4. **Counsel.** A person has counsel from enrolment with probability
   ``counsel_at_enrolment``, else finds it with ``counsel_hazard`` a week while waiting.
5. **Hearing.** A person who left, or whose notice did not reach them
   (``1 - notice_delivered``), misses it; anyone else misses it with probability
   ``no_show`` × ``counsel_no_show_ratio`` (with counsel) × ``1 - transport_no_show_reduction``
   (with transport). Reminders (``reminders``, reaching ``reminder_reach`` of people) bring
   a person who would miss to the hearing with the chance of the reminder effect, drawn
   per run from the published range ``reminder_effect``: the chance of missing falls by
   that share, whatever its cause, as in the trials. A missed hearing ends the case with a removal order in
   absentia; for a person still in Mexico the order is rescinded on a motion to reopen
   with probability ``reopen_share``, 1 to ``reopen_max_weeks`` weeks later, and the
   case goes back to the docket. A hearing attended is continued with probability
   ``continuance`` (booked again ``continuance_lead_weeks`` out), else decided: relief
   (``relief``, × ``relief_counsel_ratio`` with counsel), termination (``termination``)
   or a removal order.

``simulate`` runs the model for several runs at once (people of every run side by side
in the same arrays), with a seeded ``numpy.random.Generator`` per batch of runs, and
returns the counts of ``observe`` weeks for every run. ``mppdesk.sim.reference`` is the
same model as a plain Python loop over people, used by the tests and the benchmark.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
WeekArray = npt.NDArray[np.int32]
WEEK = np.int32  # weeks of people fit in 32 bits: half the memory traffic of 64
NEVER = WEEK(1 << 30)  # a week that never comes (no hearing, never closed)

# Outcome codes of a case
OPEN, IN_ABSENTIA, REMOVAL, RELIEF, TERMINATION = 0, 1, 2, 3, 4
OUTCOME_NAMES = {IN_ABSENTIA: "in_absentia", REMOVAL: "removal", RELIEF: "relief",
                 TERMINATION: "termination"}  # fmt: skip

#: The counts recorded at every observed week, per run (see ``_snapshot``).
COUNTS = (
    "arrived",  # enrolled by the end of the week
    "waiting",  # case open, in Mexico, in the program
    "departed",  # left the program on their own, case still open
    "admitted",  # admitted into the US in the wind-down, case still open
    "completed",
    "in_absentia",
    "removal",
    "relief",
    "termination",
    "heard",  # people with at least one hearing date passed
    "missed_any",  # people who missed at least one hearing
    "hearings_held",  # hearing dates passed (attended or missed)
    "hearings_missed",
    "no_first_hearing",  # enrolled, first hearing date not yet passed
    "represented",  # people who have had counsel (while their case was open)
    "represented_open",  # people with an open case and counsel
    "wait_first_weeks",  # sum over ``heard`` of weeks from enrolment to the first hearing
    "reopened",  # in absentia orders rescinded so far
)


class ParameterError(ValueError):
    """A parameter out of its range: ``field`` names it, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, eq=False)
class Initial:
    """People already in the program when the simulation starts (the ``current`` scenario).

    One entry per person: ``port`` (index into ``Parameters.ports``), ``hearing_week``
    (a booked hearing, or -1 for none: they join the docket queue in week 0),
    ``counsel`` (has counsel) and ``weeks_waited`` (weeks since enrolment, ≥ 0).
    Counts only: no identity goes into the model.
    """

    port: IntArray
    hearing_week: IntArray
    counsel: npt.NDArray[np.bool_]
    weeks_waited: IntArray

    @property
    def size(self) -> int:
        return int(self.port.shape[0])


def empty_initial() -> Initial:
    none = np.zeros(0, dtype=np.int64)
    return Initial(none, none, np.zeros(0, dtype=np.bool_), none)


@dataclass(frozen=True, eq=False)
class Parameters:
    """Everything a run depends on. Arrays are indexed ``[week, port]``."""

    ports: tuple[str, ...]
    arrivals: IntArray  # (weeks, ports) people enrolled
    capacity: IntArray  # (weeks, ports) hearing slots as planned
    admissions: IntArray  # (weeks,) people admitted into the US from Mexico that week
    first_lead_weeks: int = 9
    continuance_lead_weeks: int = 6
    postpone: tuple[int, int] | None = None  # [start, end) weeks without hearings
    no_show: float = 0.2
    departure_hazard: float = 0.01
    counsel_at_enrolment: float = 0.01
    counsel_hazard: float = 0.001
    counsel_no_show_ratio: float = 1.0
    continuance: float = 0.5
    relief: float = 0.01
    relief_counsel_ratio: float = 1.0
    termination: float = 0.1
    reopen_share: float = 0.0
    reopen_max_weeks: int = 26
    notice_delivered: float = 1.0
    reminders: bool = False
    reminder_reach: float = 1.0
    reminder_effect: tuple[float, float] = (0.0, 0.0)
    transport: bool = False
    transport_no_show_reduction: float = 0.0
    observe: tuple[int, ...] = ()
    initial: Initial = field(default_factory=empty_initial)

    @property
    def weeks(self) -> int:
        return int(self.arrivals.shape[0])

    @property
    def people(self) -> int:
        """People in one run: those already in the program and every arrival."""
        return int(self.arrivals.sum()) + self.initial.size

    def replace(self, **changes: object) -> Parameters:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def person_years(self) -> float:
        """Time people spend in the model in one run (from enrolment or the start, to the
        end), in years of 52 weeks."""
        weeks = np.arange(self.weeks)
        arrived = float((self.arrivals.sum(axis=1) * (self.weeks - weeks)).sum())
        return (arrived + self.initial.size * self.weeks) / 52.0

    def validate(self) -> None:
        """Raise ``ParameterError`` naming the first parameter out of its range."""
        weeks, ports = self.weeks, len(self.ports)
        if ports == 0:
            raise ParameterError("ports", "at least one port")
        for name in ("arrivals", "capacity"):
            array = getattr(self, name)
            if array.ndim != 2 or array.shape != (weeks, ports):
                raise ParameterError(name, f"expected shape ({weeks}, {ports})")
            if (array < 0).any():
                raise ParameterError(name, "no negative counts")
        if weeks < 1:
            raise ParameterError("arrivals", "at least one week")
        if self.admissions.shape != (weeks,) or (self.admissions < 0).any():
            raise ParameterError("admissions", f"{weeks} counts, none negative")
        for name in ("first_lead_weeks", "continuance_lead_weeks"):
            value = getattr(self, name)
            if not 0 <= value <= 520:
                raise ParameterError(name, "between 0 and 520 weeks")
        if not 1 <= self.reopen_max_weeks <= 520:
            raise ParameterError("reopen_max_weeks", "between 1 and 520 weeks")
        for name in ("no_show", "departure_hazard", "counsel_at_enrolment", "counsel_hazard",
                     "continuance", "relief", "termination", "reopen_share",
                     "notice_delivered", "reminder_reach", "transport_no_show_reduction"):  # fmt: skip
            value = getattr(self, name)
            if not (isinstance(value, float | int) and 0.0 <= value <= 1.0):
                raise ParameterError(name, "a share between 0 and 1")
        for name in ("counsel_no_show_ratio", "relief_counsel_ratio"):
            value = getattr(self, name)
            if not 0.0 <= value <= 100.0:
                raise ParameterError(name, "a ratio between 0 and 100")
        if self.relief * max(1.0, self.relief_counsel_ratio) + self.termination > 1.0:
            raise ParameterError("termination", "relief and termination add up to more than 1")
        low, high = self.reminder_effect
        if not 0.0 <= low <= high <= 1.0:
            raise ParameterError("reminder_effect", "0 ≤ low ≤ high ≤ 1")
        if self.postpone is not None:
            start, end = self.postpone
            if not 0 <= start <= end:
                raise ParameterError("postpone", "0 ≤ start ≤ end")
        if any(not 0 <= w < weeks for w in self.observe):
            raise ParameterError("observe", f"weeks between 0 and {weeks - 1}")
        init = self.initial
        n = init.size
        for name in ("port", "hearing_week", "counsel", "weeks_waited"):
            if getattr(init, name).shape != (n,):
                raise ParameterError(f"initial.{name}", f"{n} entries")
        if n and (init.port.min() < 0 or init.port.max() >= ports):
            raise ParameterError("initial.port", f"port indexes between 0 and {ports - 1}")
        if n and (init.hearing_week.min() < -1 or init.weeks_waited.min() < 0):
            raise ParameterError("initial.hearing_week", "a week ≥ 0, or -1 for none")


@dataclass(frozen=True, eq=False)
class Result:
    """Counts per observed week and run: ``counts[week][name]`` is an array of ``runs``."""

    runs: int
    observe: tuple[int, ...]
    counts: dict[int, dict[str, IntArray]]
    reminder_effect: npt.NDArray[np.float64]  # the effect drawn for each run (0 if off)

    def count(self, week: int, name: str) -> IntArray:
        return self.counts[week][name]


def _geometric_weeks(rng: np.random.Generator, p: npt.NDArray[np.float64]) -> WeekArray:
    """Weeks until the first success of a weekly chance ``p`` (≥ 1; ``NEVER`` when p = 0)."""
    out = np.full(p.shape, NEVER, dtype=WEEK)
    positive = p > 0
    if positive.any():
        out[positive] = np.minimum(rng.geometric(np.minimum(p[positive], 1.0)), NEVER)
    return out


def _after(start: WeekArray | int, weeks: WeekArray) -> WeekArray:
    """``start + weeks``, staying ``NEVER`` where ``weeks`` is."""
    return np.where(weeks >= NEVER, NEVER, start + weeks).astype(WEEK)


class _Batch:
    """``runs`` runs of one parameter set, people of run ``r`` at ``r * n ... (r + 1) * n``."""

    def __init__(self, params: Parameters, runs: int, rng: np.random.Generator) -> None:
        self.p = params
        self.rng = rng
        self.runs = runs
        weeks, ports = params.weeks, len(params.ports)
        self.weeks = weeks
        self.ports = ports
        init = params.initial
        n0 = init.size
        # People of one run: the initial ones, then arrivals in week order.
        per_week = params.arrivals.sum(axis=1)
        arrival_port = np.concatenate(
            [np.repeat(np.arange(ports), params.arrivals[w]) for w in range(weeks)]
            or [np.zeros(0, dtype=np.int64)]
        ).astype(np.int64)
        arrival_week = np.repeat(np.arange(weeks), per_week).astype(np.int64)
        self.n = n = n0 + int(per_week.sum())
        self.first_arrival = n0 + np.concatenate([[0], np.cumsum(per_week)]).astype(np.int64)
        m = n * runs
        self.run = np.repeat(np.arange(runs, dtype=np.int32), n)
        self.port = np.tile(np.concatenate([init.port, arrival_port]).astype(np.int32), runs)
        self.arrival = np.tile(
            np.concatenate([-init.weeks_waited, arrival_week]).astype(WEEK), runs
        )
        # Parameter uncertainty: the reminder effect is drawn once per run. Drawn with the
        # reminders off too, so that a what-if and its baseline share their first draws.
        low, high = params.reminder_effect
        self.effect = rng.uniform(low, high, runs)
        self.reached = rng.random(m) < params.reminder_reach
        if not params.reminders:
            self.effect[:] = 0.0
        # Memoryless weekly chances: the week of leaving and of finding counsel are drawn
        # once (the first week they happen), instead of a draw every week.
        self.departure = np.full(m, params.departure_hazard)
        self.departs = _after(np.maximum(self.arrival, 0), _geometric_weeks(rng, self.departure))
        counsel = rng.random(m) < params.counsel_at_enrolment
        # People already in the program have counsel as counted, not drawn.
        counsel[np.tile(np.arange(n) < n0, runs)] = np.tile(init.counsel.astype(bool), runs)
        later = _after(
            np.maximum(self.arrival, 0), _geometric_weeks(rng, np.full(m, params.counsel_hazard))
        )
        self.counsel = np.where(counsel, self.arrival, later)
        self.no_show = params.no_show
        if params.transport:
            self.no_show *= 1.0 - params.transport_no_show_reduction
        # Case state
        self.hearing = np.full(m, NEVER, dtype=WEEK)
        self.closed = np.full(m, NEVER, dtype=WEEK)
        self.outcome = np.zeros(m, dtype=np.int8)
        self.admitted = np.full(m, NEVER, dtype=WEEK)
        self.first_heard = np.full(m, NEVER, dtype=WEEK)
        self.held = np.zeros(m, dtype=np.int32)
        self.missed = np.zeros(m, dtype=np.int32)
        self.reopened = np.zeros(runs, dtype=np.int64)
        self.hearing_bucket: list[list[IntArray]] = [[] for _ in range(weeks)]
        self.reopen_bucket: list[list[IntArray]] = [[] for _ in range(weeks)]
        # Docket slots, numbered per port: slot s is in week w when
        # before[w] <= s < before[w + 1] (``before`` counts the slots of earlier weeks).
        self.pointer = np.zeros((runs, ports), dtype=np.int64)
        self._use_capacity(params.capacity)

    def _use_capacity(self, capacity: IntArray) -> None:
        before = np.zeros((self.weeks + 1, self.ports), dtype=np.int64)
        before[1:] = np.cumsum(capacity, axis=0)
        self.before = before
        self.cum = before[1:]  # slots up to and including each week

    def _book(self, idx: IntArray, week: int, lead: int) -> None:
        """Give each of ``idx`` (in their order, first come first served per run and
        port) the earliest free slot in week ``week + lead`` or later."""
        if idx.size == 0:
            return
        key = self.run[idx] * self.ports + self.port[idx]
        order = np.argsort(key, kind="stable")
        idx, key = idx[order], key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        sizes = np.diff(np.r_[starts, key.size])
        rank = np.arange(key.size) - np.repeat(starts, sizes)
        groups = key[starts]
        group_port = groups % self.ports
        earliest_week = min(week + lead, self.weeks)
        earliest = self.before[earliest_week, group_port]
        pointer = self.pointer.reshape(-1)
        base = np.maximum(pointer[groups], earliest)
        pointer[groups] = base + sizes
        slot = np.repeat(base, sizes) + rank
        port = np.repeat(group_port, sizes)
        when = np.full(idx.size, NEVER, dtype=WEEK)
        for p in np.unique(group_port):
            mine = port == p
            w = np.searchsorted(self.cum[:, p], slot[mine], side="right")
            when[mine] = np.where(w < self.weeks, w, NEVER)
        self.hearing[idx] = when
        self._file(self.hearing_bucket, idx, when)

    def _file(
        self, buckets: list[list[IntArray]], idx: IntArray, when: npt.NDArray[np.integer[Any]]
    ) -> None:
        inside = when < self.weeks
        if not inside.any():
            return
        idx, when = idx[inside], when[inside]
        order = np.argsort(when, kind="stable")
        idx, when = idx[order], when[order]
        cuts = np.flatnonzero(np.r_[True, when[1:] != when[:-1]])
        for start, stop in zip(cuts, np.r_[cuts[1:], when.size], strict=True):
            buckets[int(when[start])].append(idx[start:stop])

    def _people_of_runs(self, first: int, last: int) -> IntArray:
        """Indexes of people ``first .. last - 1`` (of one run) in every run."""
        local = np.arange(first, last, dtype=np.int64)
        return (np.arange(self.runs, dtype=np.int64)[:, None] * self.n + local).reshape(-1)

    def _open(self, idx: IntArray) -> npt.NDArray[np.bool_]:
        return (self.closed[idx] == NEVER) & (self.admitted[idx] == NEVER)

    def start(self) -> None:
        """People already in the program: booked hearings kept, the others queue now."""
        n0 = self.p.initial.size
        if n0 == 0:
            return
        idx = self._people_of_runs(0, n0)
        booked = np.tile(self.p.initial.hearing_week.astype(WEEK), self.runs)
        has = booked >= 0
        when = np.where(booked[has] < self.weeks, booked[has], NEVER)
        self.hearing[idx[has]] = when
        self._file(self.hearing_bucket, idx[has], when)
        # Waiting longest first: they were enrolled first.
        queue = idx[~has]
        queue = queue[np.argsort(self.arrival[queue], kind="stable")]
        self._book(queue, 0, self.p.continuance_lead_weeks)

    def postpone(self, week: int, end: int) -> None:
        """No hearings in [week, end): every booking from ``week`` on is made again."""
        capacity = self.p.capacity.copy()
        capacity[week:end] = 0
        self._use_capacity(capacity)
        # Slots before ``week`` have passed; later ones are all free again.
        self.pointer[:] = self.before[week][None, :]
        self.hearing_bucket[week:] = [[] for _ in range(self.weeks - week)]
        pending = np.flatnonzero((self.hearing >= week) & (self.hearing < NEVER))
        pending = pending[self._open(pending)]
        pending = pending[np.argsort(self.hearing[pending], kind="stable")]
        self.hearing[pending] = NEVER
        self._book(pending, week, 0)

    def admit(self, week: int, count: int) -> None:
        """About ``count`` people per run still waiting in Mexico are admitted into the US."""
        arrived = self.arrival <= week
        waiting = arrived & (self.closed == NEVER) & (self.admitted == NEVER)
        waiting &= self.departs > week
        candidates = np.flatnonzero(waiting)
        if candidates.size == 0:
            return
        per_run = np.count_nonzero(waiting.reshape(self.runs, self.n), axis=1)
        chance = np.minimum(1.0, count / np.maximum(per_run, 1))
        chosen = candidates[self.rng.random(candidates.size) < chance[self.run[candidates]]]
        self.admitted[chosen] = week
        self.hearing[chosen] = NEVER

    def reopen(self, week: int) -> None:
        idx = _concat(self.reopen_bucket[week])
        if idx.size == 0:
            return
        self.closed[idx] = NEVER
        self.outcome[idx] = OPEN
        self.reopened += np.bincount(self.run[idx], minlength=self.runs)
        self._book(idx, week, self.p.continuance_lead_weeks)

    def hearings(self, week: int) -> None:
        p, rng = self.p, self.rng
        idx = _concat(self.hearing_bucket[week])
        if idx.size == 0:
            return
        idx = idx[(self.hearing[idx] == week) & self._open(idx)]
        if idx.size == 0:
            return
        self.hearing[idx] = NEVER
        gone = self.departs[idx] <= week
        counsel = self.counsel[idx] <= week
        chance = np.where(counsel, self.no_show * p.counsel_no_show_ratio, self.no_show)
        unaware = rng.random(idx.size) >= p.notice_delivered
        absent = gone | unaware | (rng.random(idx.size) < np.minimum(chance, 1.0))
        if p.reminders:
            # The trials measured fewer failures to appear, whatever their cause: a person
            # reminded who would miss this hearing comes with the drawn effect's chance. One
            # who had left stays after all, and may leave again from this week on.
            effect = np.where(self.reached[idx], self.effect[self.run[idx]], 0.0)
            rescued = absent & (rng.random(idx.size) < effect)
            back = idx[rescued & gone]
            self.departs[back] = _after(week, _geometric_weeks(rng, self.departure[back]))
            absent &= ~rescued
            gone &= ~rescued
        self.held[idx] += 1
        self.missed[idx] += absent
        self.first_heard[idx] = np.minimum(self.first_heard[idx], week)
        # Missed: removal ordered in absentia; rescinded later for some still in Mexico.
        out = idx[absent]
        self.closed[out] = week
        self.outcome[out] = IN_ABSENTIA
        here = out[~gone[absent]]
        rescinded = here[rng.random(here.size) < p.reopen_share]
        delay = rng.integers(1, p.reopen_max_weeks + 1, rescinded.size)
        self._file(self.reopen_bucket, rescinded, week + delay)
        # Attended: continued, or decided.
        came = idx[~absent]
        roll = rng.random(came.size)
        continued = came[roll < p.continuance]
        self._book(continued, week, p.continuance_lead_weeks)
        decide = roll >= p.continuance
        decided = came[decide]
        with_counsel = counsel[~absent][decide]
        relief = np.where(with_counsel, p.relief * p.relief_counsel_ratio, p.relief)
        roll = rng.random(decided.size)
        outcome = np.full(decided.size, REMOVAL, dtype=np.int8)
        outcome[roll < relief + p.termination] = TERMINATION
        outcome[roll < relief] = RELIEF
        self.closed[decided] = week
        self.outcome[decided] = outcome

    def snapshot(self, week: int) -> dict[str, IntArray]:
        runs, n = self.runs, self.n

        def count(mask: npt.NDArray[np.bool_]) -> IntArray:
            # People of a run are contiguous: a row each.
            return np.count_nonzero(mask.reshape(runs, n), axis=1).astype(np.int64)

        def total(values: npt.NDArray[np.integer]) -> IntArray:
            return values.reshape(runs, n).sum(axis=1, dtype=np.int64)

        arrived = self.arrival <= week
        closed = self.closed <= week  # only people who arrived have a case to close
        open_ = arrived & ~closed
        admitted = open_ & (self.admitted <= week)
        gone = open_ & ~admitted & (self.departs <= week)
        heard = self.first_heard <= week
        # Counsel found while the case was open and the person in Mexico.
        until = np.minimum(np.minimum(self.closed, self.admitted), self.departs - 1)
        represented = arrived & (self.counsel <= np.minimum(until, week))
        wait = np.where(heard, self.first_heard - np.maximum(self.arrival, 0), 0)
        counts = {
            "arrived": count(arrived),
            "waiting": count(open_ & ~admitted & ~gone),
            "departed": count(gone),
            "admitted": count(admitted),
            "completed": count(closed),
            "heard": count(heard),
            "missed_any": count(self.missed > 0),
            "hearings_held": total(self.held),
            "hearings_missed": total(self.missed),
            "no_first_hearing": count(arrived & ~heard),
            "represented": count(represented),
            "represented_open": count(represented & open_),
            "wait_first_weeks": total(wait),
            "reopened": self.reopened.copy(),
        }
        outcome = np.where(closed, self.outcome, OPEN).reshape(runs, n)
        for code, name in OUTCOME_NAMES.items():
            counts[name] = np.count_nonzero(outcome == code, axis=1).astype(np.int64)
        return counts

    def run_all(self) -> dict[int, dict[str, IntArray]]:
        p = self.p
        observed = set(p.observe)
        counts: dict[int, dict[str, IntArray]] = {}
        self.start()
        for week in range(self.weeks):
            if p.postpone is not None and week == p.postpone[0]:
                self.postpone(*p.postpone)
            self.reopen(week)
            if p.admissions[week] > 0:
                self.admit(week, int(p.admissions[week]))
            first, last = self.first_arrival[week], self.first_arrival[week + 1]
            if last > first:
                self._book(self._people_of_runs(int(first), int(last)), week, p.first_lead_weeks)
            self.hearings(week)
            if week in observed:
                counts[week] = self.snapshot(week)
        return counts


def _concat(parts: Sequence[IntArray]) -> IntArray:
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


#: People held in memory at once (about 150 bytes each): runs are simulated in batches.
BATCH_PEOPLE = 1_500_000


def simulate(
    params: Parameters, *, runs: int = 1, seed: int = 0, batch_people: int = BATCH_PEOPLE
) -> Result:
    """Simulate ``runs`` runs; the same parameters, runs and seed give the same result."""
    params.validate()
    if runs < 1:
        raise ParameterError("runs", "at least 1")
    per_batch = max(1, batch_people // max(params.people, 1))
    sizes = [min(per_batch, runs - start) for start in range(0, runs, per_batch)]
    streams = np.random.SeedSequence(seed).spawn(len(sizes))
    parts = []
    effects = []
    for size, stream in zip(sizes, streams, strict=True):
        batch = _Batch(params, size, np.random.default_rng(stream))
        parts.append(batch.run_all())
        effects.append(batch.effect)
    counts = {
        week: {name: np.concatenate([part[week][name] for part in parts]) for name in COUNTS}
        for week in params.observe
    }
    return Result(runs, params.observe, counts, np.concatenate(effects))
