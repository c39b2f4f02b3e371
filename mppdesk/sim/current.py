"""The ``current`` scenario: this installation's state, projected 26 weeks ahead.

It starts from the counts of ``queries.installation`` (people waiting by port with their
hearings booked and counsel, people on their way in transfer groups, free docket seats,
reach: notices served and reminders) and uses the calibrated behaviour of
``baseline-2019`` for everything the installation cannot measure. A reach figure is
measured only from at least ``MIN_MEASURED`` cases; with fewer, the baseline's value is
used, and ``sources`` says which.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from mppdesk.sim.engine import Initial, Parameters
from mppdesk.sim.queries import HORIZON_WEEKS, NO_PORT, Installation
from mppdesk.sim.scenarios import Levers, Scenario, baseline_2019

MIN_MEASURED = 20


class NothingToProject(ValueError):
    """No one waiting, no one arriving and no docket: the projection would be empty."""


def _share(
    part: int, whole: int, what: str, fallback: float, fallback_note: str
) -> tuple[float, str]:
    if whole >= MIN_MEASURED:
        return part / whole, f"measured: {part} of {whole} {what}"
    return fallback, f"{fallback_note} (fewer than {MIN_MEASURED} {what} to measure)"


def build(data: Installation) -> Scenario:
    """The scenario of ``data`` (``NothingToProject`` when there is nothing to simulate)."""
    ports = data.ports()
    if not ports:
        raise NothingToProject("no one is waiting or on their way, and no docket is ahead")
    index = {code: i for i, code in enumerate(ports)}
    weeks = HORIZON_WEEKS
    base = baseline_2019()
    bp = base.params
    arrivals = np.zeros((weeks, len(ports)), dtype=np.int64)
    for (code, week), people in data.arrivals.items():
        if 0 <= week < weeks:
            arrivals[week, index[code]] += people
    capacity = np.zeros((weeks, len(ports)), dtype=np.int64)
    for (code, week), seats in data.capacity.items():
        if 0 <= week < weeks:
            capacity[week, index[code]] += seats
    initial = _initial(data, index)
    people = data.people
    counsel, counsel_source = _share(
        sum(data.counsel.values()), people, "people waiting", bp.counsel_at_enrolment,
        "baseline-2019 (calibrated)",
    )  # fmt: skip
    notice, notice_source = _share(
        data.hearings_with_notice, data.hearings, "hearings", bp.notice_delivered,
        "baseline-2019",
    )  # fmt: skip
    contact, contact_source = _share(
        data.reachable, people, "people waiting", 1.0, "assumed: everyone"
    )
    delivered, delivered_source = _share(
        data.reminders_sent, data.reminders_tried, "reminders sent", 1.0, "assumed: all"
    )
    params = Parameters(
        ports=tuple(code or "(no port)" for code in ports),
        arrivals=arrivals,
        capacity=capacity,
        admissions=np.zeros(weeks, dtype=np.int64),
        first_lead_weeks=bp.first_lead_weeks,
        continuance_lead_weeks=bp.continuance_lead_weeks,
        postpone=None,
        no_show=bp.no_show,
        departure_hazard=bp.departure_hazard,
        counsel_at_enrolment=counsel,
        counsel_hazard=bp.counsel_hazard,
        counsel_no_show_ratio=bp.counsel_no_show_ratio,
        continuance=bp.continuance,
        relief=bp.relief,
        relief_counsel_ratio=bp.relief_counsel_ratio,
        termination=bp.termination,
        reopen_share=bp.reopen_share,
        reopen_max_weeks=bp.reopen_max_weeks,
        notice_delivered=notice,
        reminders=data.reminder_rules > 0,
        reminder_reach=contact * delivered,
        reminder_effect=bp.reminder_effect,
        transport=False,
        transport_no_show_reduction=bp.transport_no_show_reduction,
        observe=(weeks - 1,),
        initial=initial,
    )
    start = data.today - dt.timedelta(days=data.today.weekday())
    sources = {name: f"baseline-2019: {source}" for name, source in base.sources.items()}
    sources.update(
        {
            "ports": "ports of the cases waiting, the transfer groups and the dockets ahead",
            "arrivals": "transfer groups planned, approved or on their way (people included, "
            "or the target size of a group not yet planned)",
            "capacity": "free seats on the dockets ahead; after a venue's last docket, its "
            "active weekly templates; a venue shared by ports in proportion to the people "
            "of each",
            "admissions": "none",
            "postpone": "none",
            "initial": "people on open cases (not on their way in a transfer group), their "
            "hearings booked, counsel (a legal services organization or an accepted "
            "legal-representation referral) and weeks since the case was opened",
            "counsel_at_enrolment": counsel_source,
            "notice_delivered": notice_source + "; the calibrated no_show already holds 2019's "
            "notices that did not reach people, so this counts them twice",
            "reminders": f"{data.reminder_rules} reminder rules in force",
            "reminder_reach": f"people reachable ({contact_source}) × reminders the provider "
            f"took ({delivered_source})",
            "transport": "off",
        }
    )
    return Scenario(
        name="current",
        params=params,
        levers=Levers(),
        sources=sources,
        observe_dates=(),
        start=start,
        end=start + dt.timedelta(weeks=weeks, days=-1),
        values={"today": data.today.isoformat()},
    )


def _initial(data: Installation, index: dict[str, int]) -> Initial:
    """One entry per person waiting: their port, weeks waited, a booked hearing week (the
    port's booked seats go to its people, longest waiting first) and counsel (the port's
    count of people with counsel). Counts turned into rows, nothing more."""
    ports: list[int] = []
    waited: list[int] = []
    for (code, weeks), people in sorted(data.waiting.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        ports += [index[code]] * people
        waited += [weeks] * people
    port = np.array(ports, dtype=np.int64)
    hearing = np.full(port.size, -1, dtype=np.int64)
    counsel = np.zeros(port.size, dtype=np.bool_)
    for code, i in index.items():
        mine = np.flatnonzero(port == i)
        booked = sorted(
            week for (c, week), seats in data.booked.items() if c == code for _ in range(seats)
        )
        take = min(len(booked), mine.size)
        hearing[mine[:take]] = booked[:take]
        counsel[mine[: min(data.counsel.get(code, 0), mine.size)]] = True
    return Initial(port, hearing, counsel, np.array(waited, dtype=np.int64))


__all__ = ["NO_PORT", "NothingToProject", "build"]
