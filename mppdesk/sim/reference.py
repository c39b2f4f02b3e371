"""The simulator's model as a plain Python loop over people, week by week.

The same model as ``engine`` (read its docstring), written the obvious way: a ``Person``
object each, and every week a draw for every person still waiting (do they leave? do
they find counsel?) instead of drawing those weeks once. It is the baseline of
``benchmarks/sim_bench.py`` and, in the tests, the check that the vectorized engine
computes this model: both must agree in distribution (they use different random
streams, so not draw for draw).
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass

from mppdesk.sim.engine import (
    IN_ABSENTIA,
    OPEN,
    OUTCOME_NAMES,
    RELIEF,
    REMOVAL,
    TERMINATION,
    Parameters,
)


@dataclass(slots=True)
class Person:
    port: int
    arrival: int
    reached: bool
    counsel: int | None = None  # the week counsel was found
    departed: int | None = None  # the week they left the program
    admitted: int | None = None
    hearing: int | None = None
    closed: int | None = None
    outcome: int = OPEN
    reopen: int | None = None  # the week a rescinded order reopens the case
    first_heard: int | None = None
    held: int = 0
    missed: int = 0


class _Loop:
    def __init__(self, params: Parameters, seed: int) -> None:
        self.p = params
        self.rng = random.Random(seed)  # noqa: S311 - a simulation, not a secret
        self.weeks = params.weeks
        low, high = params.reminder_effect
        self.effect = self.rng.uniform(low, high) if params.reminders else 0.0
        self.people: list[Person] = []
        self.buckets: dict[int, list[Person]] = {}
        self.reopens: dict[int, list[Person]] = {}
        self.reopened = 0
        self.pointer = [0] * len(params.ports)
        self._use_capacity([[int(c) for c in row] for row in params.capacity])

    def _use_capacity(self, capacity: list[list[int]]) -> None:
        ports = len(self.p.ports)
        self.cum: list[list[int]] = [[] for _ in range(ports)]
        for p in range(ports):
            total = 0
            for row in capacity:
                total += row[p]
                self.cum[p].append(total)

    def _before(self, week: int, port: int) -> int:
        return 0 if week == 0 else self.cum[port][week - 1]

    def book(self, person: Person, week: int, lead: int) -> None:
        earliest = min(week + lead, self.weeks)
        slot = max(self.pointer[person.port], self._before(earliest, person.port))
        self.pointer[person.port] = slot + 1
        when = bisect.bisect_right(self.cum[person.port], slot)
        person.hearing = when if when < self.weeks else None
        if person.hearing is not None:
            self.buckets.setdefault(when, []).append(person)

    def is_open(self, person: Person) -> bool:
        return person.closed is None and person.admitted is None

    def new_person(self, port: int, arrival: int) -> Person:
        p = self.p
        reached = p.reminders and self.rng.random() < p.reminder_reach
        person = Person(port=port, arrival=arrival, reached=reached)
        if self.rng.random() < p.counsel_at_enrolment:
            person.counsel = arrival
        self.people.append(person)
        return person

    def weekly_chances(self, week: int) -> None:
        """Every person draws, every week: leave the program? find counsel?"""
        p, rng = self.p, self.rng
        for person in self.people:
            if max(person.arrival, 0) >= week or person.departed is not None:
                continue
            if person.admitted is not None or (person.closed is not None and person.reopen is None):
                continue
            if rng.random() < p.departure_hazard:
                person.departed = week
            if person.counsel is None and rng.random() < p.counsel_hazard:
                person.counsel = week

    def postpone(self, week: int, end: int) -> None:
        capacity = [[int(c) for c in row] for row in self.p.capacity]
        for w in range(week, min(end, self.weeks)):
            capacity[w] = [0] * len(self.p.ports)
        self._use_capacity(capacity)
        self.pointer = [self._before(week, port) for port in range(len(self.p.ports))]
        for w in range(week, self.weeks):
            self.buckets.pop(w, None)
        pending = [
            person
            for person in self.people
            if person.hearing is not None and person.hearing >= week and self.is_open(person)
        ]
        pending.sort(key=lambda person: person.hearing or 0)
        for person in pending:
            self.book(person, week, 0)

    def admit(self, week: int, count: int) -> None:
        waiting = [
            person
            for person in self.people
            if person.arrival <= week
            and self.is_open(person)
            and (person.departed is None or person.departed > week)
        ]
        if not waiting:
            return
        chance = min(1.0, count / len(waiting))
        for person in waiting:
            if self.rng.random() < chance:
                person.admitted = week
                person.hearing = None

    def hear(self, person: Person, week: int) -> None:
        p, rng = self.p, self.rng
        person.hearing = None
        gone = person.departed is not None and person.departed <= week
        counsel = person.counsel is not None and person.counsel <= week
        chance = p.no_show
        if p.transport:
            chance *= 1.0 - p.transport_no_show_reduction
        if counsel:
            chance *= p.counsel_no_show_ratio
        unaware = rng.random() >= p.notice_delivered
        absent = gone or unaware or rng.random() < min(chance, 1.0)
        if absent and person.reached and rng.random() < self.effect:
            absent = gone = False
            person.departed = None  # stays after all; may leave again from next week
        person.held += 1
        person.first_heard = week if person.first_heard is None else person.first_heard
        if absent:
            person.missed += 1
            person.closed, person.outcome = week, IN_ABSENTIA
            if not gone and rng.random() < p.reopen_share:
                person.reopen = week + rng.randint(1, p.reopen_max_weeks)
                if person.reopen < self.weeks:
                    self.reopens.setdefault(person.reopen, []).append(person)
            return
        if rng.random() < p.continuance:
            self.book(person, week, p.continuance_lead_weeks)
            return
        relief = p.relief * (p.relief_counsel_ratio if counsel else 1.0)
        roll = rng.random()
        person.closed = week
        person.outcome = (
            RELIEF if roll < relief else TERMINATION if roll < relief + p.termination else REMOVAL
        )

    def snapshot(self, week: int) -> dict[str, int]:
        counts = dict.fromkeys(
            ["arrived", "waiting", "departed", "admitted", "completed", "heard", "missed_any",
             "hearings_held", "hearings_missed", "no_first_hearing", "represented",
             "represented_open", "wait_first_weeks", *OUTCOME_NAMES.values()],
            0,
        )  # fmt: skip
        for person in self.people:
            if person.arrival > week:
                continue
            counts["arrived"] += 1
            closed = person.closed is not None and person.closed <= week
            admitted = not closed and person.admitted is not None and person.admitted <= week
            departed = (
                not closed
                and not admitted
                and person.departed is not None
                and person.departed <= week
            )
            if closed:
                counts["completed"] += 1
                counts[OUTCOME_NAMES[person.outcome]] += 1
            elif admitted:
                counts["admitted"] += 1
            elif departed:
                counts["departed"] += 1
            else:
                counts["waiting"] += 1
            heard = person.first_heard is not None and person.first_heard <= week
            if heard and person.first_heard is not None:
                counts["heard"] += 1
                counts["wait_first_weeks"] += person.first_heard - max(person.arrival, 0)
            else:
                counts["no_first_hearing"] += 1
            counts["missed_any"] += person.missed > 0
            counts["hearings_held"] += person.held
            counts["hearings_missed"] += person.missed
            ends = [w for w in (person.closed, person.admitted) if w is not None]
            if person.departed is not None:
                ends.append(person.departed - 1)
            if person.counsel is not None and person.counsel <= min([week, *ends]):
                counts["represented"] += 1
                counts["represented_open"] += not closed
        counts["reopened"] = self.reopened
        return counts

    def run(self) -> dict[int, dict[str, int]]:
        p = self.p
        init = p.initial
        for i in range(init.size):
            person = self.new_person(int(init.port[i]), -int(init.weeks_waited[i]))
            person.counsel = person.arrival if bool(init.counsel[i]) else None
            if init.hearing_week[i] >= 0:
                week = int(init.hearing_week[i])
                person.hearing = week if week < self.weeks else None
                if person.hearing is not None:
                    self.buckets.setdefault(week, []).append(person)
        queue = [person for i, person in enumerate(self.people) if init.hearing_week[i] < 0]
        queue.sort(key=lambda person: person.arrival)
        for person in queue:
            self.book(person, 0, p.continuance_lead_weeks)
        counts: dict[int, dict[str, int]] = {}
        observed = set(p.observe)
        for week in range(self.weeks):
            if p.postpone is not None and week == p.postpone[0]:
                self.postpone(*p.postpone)
            self.weekly_chances(week)
            for person in self.reopens.pop(week, []):
                person.closed, person.outcome, person.reopen = None, OPEN, None
                self.reopened += 1
                self.book(person, week, p.continuance_lead_weeks)
            if p.admissions[week] > 0:
                self.admit(week, int(p.admissions[week]))
            for port in range(len(p.ports)):
                for _ in range(int(p.arrivals[week, port])):
                    self.book(self.new_person(port, week), week, p.first_lead_weeks)
            for person in self.buckets.pop(week, []):
                if person.hearing == week and self.is_open(person):
                    self.hear(person, week)
            if week in observed:
                counts[week] = self.snapshot(week)
        return counts


def simulate_loop(params: Parameters, *, seed: int = 0) -> dict[int, dict[str, int]]:
    """One run of the model, person by person: counts per observed week (as ``engine``)."""
    params.validate()
    return _Loop(params, seed).run()
