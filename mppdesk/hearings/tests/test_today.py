"""Which "today": the court's, the port's or UTC's (``hearings.times``).

The clock is frozen (time-machine) at the hours where the three disagree: 03:00 UTC is
still the evening before at every US court, and 22:00 at the court is already tomorrow
in UTC. A roll-call on today's docket, a hearing booked on today's docket and an order
dated today must all work at those hours (they used to fail from 00:00 to 07:00 UTC).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mppdesk.core.errors import FieldErrors
from mppdesk.hearings import hearing_services
from mppdesk.hearings import outcomes as outcome_services
from mppdesk.hearings.tests.conftest import make_case, make_docket
from mppdesk.hearings.times import court_today, port_today, utc_today, zone_today

# A Tuesday that is no federal holiday, after the March DST change (El Paso on MDT, UTC-6).
DAY = dt.date(2026, 3, 10)
AT_03_UTC = dt.datetime(2026, 3, 11, 3, 0, tzinfo=dt.UTC)  # 21:00 on DAY in El Paso
AT_22_COURT = dt.datetime.combine(DAY, dt.time(22), tzinfo=ZoneInfo("America/Denver"))

MOMENTS = pytest.mark.parametrize("moment", [AT_03_UTC, AT_22_COURT], ids=["03utc", "22court"])


@MOMENTS
def test_each_clock_names_its_own_day(moment: dt.datetime, el_paso: Any, nogales: Any) -> None:
    with time_machine.travel(moment, tick=False):
        assert utc_today() == dt.date(2026, 3, 11)
        assert court_today(el_paso) == DAY
        assert zone_today("America/Denver") == DAY
        # Nogales, Sonora does not change clocks: UTC-7, one hour behind El Paso in summer.
        assert port_today(nogales) == DAY
        assert zone_today("Asia/Tokyo") == dt.date(2026, 3, 11)


@MOMENTS
def test_roll_call_on_the_courts_today(
    moment: dt.datetime, personas: Any, el_paso: Any, juarez: Any
) -> None:
    docket = make_docket(el_paso, DAY)
    with time_machine.travel(moment, tick=False):
        # Booked on the court's today in its evening: not "in the past".
        hearings = [
            hearing_services.schedule_hearing(
                actor=personas.coordinator,
                case=make_case(personas.org, venue=el_paso),
                docket=docket,
            )
            for _ in range(2)
        ]
        done = outcome_services.record_attendance(
            actor=personas.caseworker,
            docket=docket,
            outcomes={hearings[0].pk: "appeared", hearings[1].pk: "failed_to_appear"},
        )
        assert sorted(h.outcome for h in done) == ["appeared", "failed_to_appear"]


@MOMENTS
def test_utc_tomorrow_has_not_taken_place_at_court(
    moment: dt.datetime, personas: Any, el_paso: Any, juarez: Any
) -> None:
    docket = make_docket(el_paso, DAY + dt.timedelta(days=1))
    with time_machine.travel(moment, tick=False):
        hearing = hearing_services.schedule_hearing(
            actor=personas.coordinator, case=make_case(personas.org, venue=el_paso), docket=docket
        )
        with pytest.raises(FieldErrors) as caught:
            outcome_services.record_attendance(
                actor=personas.caseworker, docket=docket, outcomes={hearing.pk: "appeared"}
            )
        assert f"outcomes[{hearing.pk}]" in str(caught.value.errors)


@MOMENTS
def test_yesterday_at_court_is_in_the_past(
    moment: dt.datetime, personas: Any, el_paso: Any, juarez: Any
) -> None:
    docket = make_docket(el_paso, DAY - dt.timedelta(days=1))
    with time_machine.travel(moment, tick=False):
        with pytest.raises(FieldErrors) as caught:
            hearing_services.schedule_hearing(
                actor=personas.coordinator,
                case=make_case(personas.org, venue=el_paso),
                docket=docket,
            )
        assert caught.value.errors


@MOMENTS
def test_a_proposal_on_the_courts_today_commits_in_its_evening(
    moment: dt.datetime, personas: Any, el_paso: Any, juarez: Any
) -> None:
    """Committing a proposal refused a docket of the court's today as "in the past" once
    the UTC day had turned (from 00:00 to 07:00 UTC at a Mountain-time court)."""
    from mppdesk.hearings import scheduling

    docket = make_docket(el_paso, DAY)
    case = make_case(personas.org, venue=el_paso, port=juarez)
    with time_machine.travel(moment, tick=False):
        proposal = scheduling.propose(
            actor=personas.coordinator, venue=el_paso, start=DAY, end=DAY, lead_days=0, today=DAY
        )
        assert proposal.cases_placed == 1
        committed = scheduling.commit_proposal(actor=personas.coordinator, proposal=proposal)
    assert committed.status == "committed"
    hearing = case.hearings.get()
    assert hearing.docket_id == docket.pk


@MOMENTS
def test_the_roll_call_page_saves_the_courts_today(
    moment: dt.datetime, personas: Any, el_paso: Any, juarez: Any
) -> None:
    """The web roll-call of today's docket, at 03:00 UTC and at 22:00 at the court."""
    from django.test import Client
    from django.urls import reverse

    from mppdesk.accounts.testing import verified_login

    docket = make_docket(el_paso, DAY)
    with time_machine.travel(moment, tick=False):
        client = verified_login(Client(), personas.caseworker)
        hearing = hearing_services.schedule_hearing(
            actor=personas.coordinator,
            case=make_case(personas.org, venue=el_paso, port=juarez),
            docket=docket,
        )
        url = reverse("hearings:roll_call", kwargs={"pk": docket.pk})
        page = client.get(url)
        assert page.status_code == 200
        assert page.context["not_yet"] is False
        response = client.post(url, {f"outcome-{hearing.pk}": "appeared"})
        assert response.status_code == 302, response.content.decode()[:2000]
    hearing.refresh_from_db()
    assert hearing.outcome == "appeared"
